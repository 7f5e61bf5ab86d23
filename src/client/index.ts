/**
 * `signwire/client`: signs outgoing requests. It runs on WebCrypto, so it
 * works in browsers as well as in Node.
 *
 * The signer (`signRequest`, `signedFetch`) arrives with the signing layer;
 * this entry point is reserved so that its import path is stable.
 */
export {};
