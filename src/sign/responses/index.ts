/** Signed responses (RFC 9421 §2.4): `signResponses` signs what the app answers, bound to the request it answers. */
export { signResponses } from './middleware.ts';
export { signResponse } from './sign-response.ts';
export { responseSigner, DEFAULT_MAX_BUFFER_BYTES, type ResponseSigner, type SignResponsesOptions } from './options.ts';
export { RESPONSE_COMPONENTS, REQUEST_BINDING, DEFAULT_RESPONSE_LABEL, requestSignatureComponent } from './components.ts';
