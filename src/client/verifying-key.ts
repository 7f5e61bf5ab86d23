/**
 * Verifying keys for the client: a shared secret (a string is its UTF-8
 * bytes), an SPKI PEM public key, or a `CryptoKey` the caller imported,
 * turned into a WebCrypto key and used to verify a signature base:
 * HTTP_VERIFY (M, Kv, S) → V (RFC 9421 §3.2). Same table as signing
 * (`WEBCRYPTO_ALGORITHMS`): the public half of a `pkcs8` algorithm is `spki`.
 *
 *   -----BEGIN PUBLIC KEY-----       ; RFC 7468 §13, SubjectPublicKeyInfo
 *   base64 lines
 *   -----END PUBLIC KEY-----
 */
import { invalidKey, isCryptoKey, messageOf, pemBody, pemLabel, secretBytes, subtle, type WebCryptoKey } from './key-material.ts';
import { WEBCRYPTO_ALGORITHMS, type ClientAlgorithm } from './webcrypto-algorithms.ts';

/** A key as callers give it: secret string or bytes (HMAC), SPKI PEM public key (the others), or a `CryptoKey`. */
export type VerifyingKey = string | Uint8Array | WebCryptoKey;

/**
 * The WebCrypto key to verify with for `alg`. Throws `ERR_INVALID_KEY` for
 * a key that cannot be one (a private key, a certificate, an empty secret).
 *
 * @example
 * const key = await importVerifyingKey('ed25519', serverPublicPem);
 */
export async function importVerifyingKey(alg: ClientAlgorithm, key: VerifyingKey): Promise<WebCryptoKey> {
  if (isCryptoKey(key)) return key;
  const spec = WEBCRYPTO_ALGORITHMS[alg];
  const format = spec.keyFormat === 'raw' ? 'raw' : 'spki';
  const bytes = format === 'raw' ? secretBytes(alg, key) : spkiBytes(alg, key);
  try {
    return await subtle().importKey(format, bytes, spec.importParams, false, ['verify']);
  } catch (error) {
    throw invalidKey(`${alg}: WebCrypto cannot import this key: ${messageOf(error)}`, error);
  }
}

/**
 * Whether `signature` is valid for `data` (the signature base bytes). A
 * signature of the wrong length is `false`; a key that cannot verify with
 * this algorithm throws `ERR_INVALID_KEY`. HMAC is compared by WebCrypto.
 *
 * @example
 * await verifyBytes('hmac-sha256', key, signatureBaseBytes(base), entry.signature); // true or false
 */
export async function verifyBytes(alg: ClientAlgorithm, key: WebCryptoKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    return await subtle().verify(WEBCRYPTO_ALGORITHMS[alg].signParams, key, signature, data);
  } catch (error) {
    throw invalidKey(`${alg}: WebCrypto cannot verify with this key (${key.algorithm.name}, ${key.type}): ${messageOf(error)}`, error);
  }
}

function spkiBytes(alg: ClientAlgorithm, key: string | Uint8Array): Uint8Array {
  if (typeof key !== 'string') throw invalidKey(`${alg} needs an SPKI PEM public key string or a CryptoKey`);
  const label = pemLabel(key);
  if (label !== 'PUBLIC KEY') {
    const got = label === undefined ? '' : `, got "BEGIN ${label}"`;
    throw invalidKey(`${alg} needs a PEM public key ("-----BEGIN PUBLIC KEY-----")${got}; derive it with: openssl pkey -pubout -in key.pem`);
  }
  const der = pemBody(key, 'PUBLIC KEY');
  if (der === undefined) throw invalidKey(`${alg}: the PEM public key is malformed`);
  return der;
}
