/** The signing layer: request verification, schemes, keys and replay protection. */
export { verifySignature, type VerifySignatureOptions } from './middleware.ts';
export { createVerifier, type Verifier, type VerifierOptions } from './verifier.ts';
export { SignatureError } from './errors.ts';
export type { Scheme, SignedRequest, VerifyContext, VerifiedSignature } from './scheme.ts';
export { loadKeys, parseKeys, type KeyConfig, type KeyInput, type KeySource, type KeyStore, type AsymmetricAlgorithm } from './keys/index.ts';
export * from './replay/index.ts';
export { rfc9421, DEFAULT_REQUIRED, type Rfc9421Options } from './rfc9421/scheme.ts';
export { contentDigest, verifyContentDigest } from './content-digest.ts';
export * from './classic/index.ts';
export * from './sigv4/index.ts';
export * from './webhooks/index.ts';
export * from './responses/index.ts';
