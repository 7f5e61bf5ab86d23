/**
 * The HTTP Signature Algorithms (RFC 9421 §3.3) as WebCrypto runs them, one
 * table: how each one's key is imported and how it signs. The server's
 * table (src/sign/rfc9421/algorithms.ts) runs the same algorithms on
 * node:crypto; this one uses `globalThis.crypto.subtle` only, so it runs in
 * browsers too.
 *
 * | name                | key              | WebCrypto                                   |
 * |---------------------|------------------|---------------------------------------------|
 * | `hmac-sha256`       | secret bytes     | HMAC, SHA-256                               |
 * | `ed25519`           | PKCS#8 private   | Ed25519                                     |
 * | `ecdsa-p256-sha256` | PKCS#8 private   | ECDSA P-256, SHA-256 (output is r‖s already)|
 * | `ecdsa-p384-sha384` | PKCS#8 private   | ECDSA P-384, SHA-384                        |
 * | `rsa-pss-sha512`    | PKCS#8 private   | RSA-PSS, SHA-512, salt 64 bytes             |
 * | `rsa-v1_5-sha256`   | PKCS#8 private   | RSASSA-PKCS1-v1_5, SHA-256                  |
 */

/** Parameters of `importKey` / `sign`, in the shape WebCrypto takes them. */
export interface WebCryptoParams {
  readonly name: string;
  readonly hash?: string;
  readonly namedCurve?: string;
  readonly saltLength?: number;
}

export interface WebCryptoAlgorithm {
  /** `raw` for a shared secret, `pkcs8` for a private key. */
  readonly keyFormat: 'raw' | 'pkcs8';
  readonly importParams: WebCryptoParams;
  readonly signParams: WebCryptoParams;
}

/**
 * Each algorithm's WebCrypto parameters, by RFC 9421 name.
 *
 * @example
 * const { keyFormat, importParams, signParams } = WEBCRYPTO_ALGORITHMS['ecdsa-p256-sha256'];
 * const key = await crypto.subtle.importKey(keyFormat, pkcs8, importParams, false, ['sign']);
 */
export const WEBCRYPTO_ALGORITHMS = Object.freeze({
  'hmac-sha256': { keyFormat: 'raw', importParams: { name: 'HMAC', hash: 'SHA-256' }, signParams: { name: 'HMAC' } },
  ed25519: { keyFormat: 'pkcs8', importParams: { name: 'Ed25519' }, signParams: { name: 'Ed25519' } },
  'ecdsa-p256-sha256': {
    keyFormat: 'pkcs8',
    importParams: { name: 'ECDSA', namedCurve: 'P-256' },
    signParams: { name: 'ECDSA', hash: 'SHA-256' },
  },
  'ecdsa-p384-sha384': {
    keyFormat: 'pkcs8',
    importParams: { name: 'ECDSA', namedCurve: 'P-384' },
    signParams: { name: 'ECDSA', hash: 'SHA-384' },
  },
  'rsa-pss-sha512': {
    keyFormat: 'pkcs8',
    importParams: { name: 'RSA-PSS', hash: 'SHA-512' },
    signParams: { name: 'RSA-PSS', saltLength: 64 },
  },
  'rsa-v1_5-sha256': {
    keyFormat: 'pkcs8',
    importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    signParams: { name: 'RSASSA-PKCS1-v1_5' },
  },
} as const satisfies Readonly<Record<string, WebCryptoAlgorithm>>);

/** The algorithm names the client signs with (the same names the server verifies). */
export type ClientAlgorithm = keyof typeof WEBCRYPTO_ALGORITHMS;

/**
 * Whether `name` is an algorithm the client can sign with.
 *
 * @example
 * isClientAlgorithm('ed25519'); // true
 * isClientAlgorithm('rsa-sha1'); // false
 */
export function isClientAlgorithm(name: unknown): name is ClientAlgorithm {
  return typeof name === 'string' && Object.hasOwn(WEBCRYPTO_ALGORITHMS, name);
}
