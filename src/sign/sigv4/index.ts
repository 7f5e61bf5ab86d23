/** AWS Signature Version 4: the `sigv4()` scheme, the `signSigV4` signer and the pure functions of the signing process. */
export { sigv4 } from './scheme.ts';
export { SIGV4_DEFAULTS, type SigV4Options, type SessionTokenCheck } from './options.ts';
export { canonicalRequest, type CanonicalRequestInput } from './canonical-request.ts';
export { stringToSign, credentialScope, SIGV4_ALGORITHM, type CredentialScope } from './string-to-sign.ts';
export { sigv4SigningKey, sigv4Signature } from './signing-key.ts';
export { parseAuthorization, type SigV4Authorization } from './authorization.ts';
export { signSigV4, type SigV4Signed, type SigV4Request, type SigV4SignOptions } from './sign.ts';
