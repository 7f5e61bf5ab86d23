/**
 * `signwire/client`: signs outgoing requests with the signwire profile of
 * RFC 9421 (Content-Digest, Signature-Input, Signature), and verifies signed
 * responses (`verifyResponse`). It runs on
 * WebCrypto only, so it works in browsers as well as in Node; nothing it
 * imports uses `node:` modules or `Buffer` (a test walks the import graph).
 *
 * @example
 * import { signedFetch } from 'signwire/client';
 * const api = signedFetch({ keyId: 'demo', key: secret, alg: 'hmac-sha256' });
 * const res = await api('http://127.0.0.1:8000/api/whoami');
 */
export { signRequest, PROFILE_COMPONENTS, type SignRequestInput, type SignRequestOptions } from './sign-request.ts';
export { signedFetch, type SignedFetchOptions } from './signed-fetch.ts';
export type { ResponseCheckOptions } from './response-check.ts';
export { verifyResponse, type SentRequest, type VerifiedResponse, type VerifyResponseOptions } from './verify-response.ts';
export { RESPONSE_REQUIRED } from './required-components.ts';
export type { ClientKeyConfig, ClientKeySource } from './response-keys.ts';
export type { FetchResponse, ResponseInput } from './response-input.ts';
export type { VerifyingKey } from './verifying-key.ts';
export type { SigningKey, WebCryptoKey } from './signing-key.ts';
export type { BodyInput, HeaderInput } from './request-input.ts';
export type { ClientAlgorithm } from './webcrypto-algorithms.ts';
export type { ComponentInput, ComponentIdentifier, ComponentParams } from '../sign/rfc9421/component-identifier.ts';
