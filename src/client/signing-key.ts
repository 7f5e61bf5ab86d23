/**
 * Signing keys for the client: a shared secret (a string is its UTF-8
 * bytes), a PKCS#8 PEM private key, or a `CryptoKey` the caller imported,
 * turned into a WebCrypto key and used to sign a signature base.
 *
 *   -----BEGIN PRIVATE KEY-----      ; RFC 7468 §10, PKCS#8 PrivateKeyInfo
 *   base64 lines
 *   -----END PRIVATE KEY-----
 *
 * WebCrypto imports PKCS#8 only: "RSA PRIVATE KEY" (PKCS#1), "EC PRIVATE
 * KEY" (SEC1) and encrypted keys are refused with a way to convert them.
 */
import { invalidKey, isCryptoKey, messageOf, pemBody, pemLabel, secretBytes, subtle, type WebCryptoKey } from './key-material.ts';
import { WEBCRYPTO_ALGORITHMS, type ClientAlgorithm } from './webcrypto-algorithms.ts';

export type { WebCryptoKey } from './key-material.ts';

/** A key as callers give it: secret string or bytes (HMAC), PKCS#8 PEM (the others), or a `CryptoKey`. */
export type SigningKey = string | Uint8Array | WebCryptoKey;

/**
 * The WebCrypto key to sign with for `alg`. Throws `ERR_INVALID_KEY` for a
 * key that cannot be one (wrong type, not PKCS#8, empty secret).
 *
 * @example
 * const key = await importSigningKey('ed25519', readFileSync('client.private.pem', 'utf8'));
 */
export async function importSigningKey(alg: ClientAlgorithm, key: SigningKey): Promise<WebCryptoKey> {
  if (isCryptoKey(key)) return key;
  const spec = WEBCRYPTO_ALGORITHMS[alg];
  const bytes = spec.keyFormat === 'raw' ? secretBytes(alg, key) : pkcs8Bytes(alg, key);
  try {
    return await subtle().importKey(spec.keyFormat, bytes, spec.importParams, false, ['sign']);
  } catch (error) {
    const hint = alg === 'rsa-pss-sha512' ? ' (WebCrypto needs an "rsa" key, not one marked RSASSA-PSS)' : '';
    throw invalidKey(`${alg}: WebCrypto cannot import this key${hint}: ${messageOf(error)}`, error);
  }
}

/**
 * Signs `data` (the signature base bytes) with `key`: HTTP_SIGN (M, Ks) → S.
 *
 * @example
 * const signature = await signBytes('hmac-sha256', key, signatureBaseBytes(base));
 */
export async function signBytes(alg: ClientAlgorithm, key: WebCryptoKey, data: Uint8Array): Promise<Uint8Array> {
  try {
    return new Uint8Array(await subtle().sign(WEBCRYPTO_ALGORITHMS[alg].signParams, key, data));
  } catch (error) {
    throw invalidKey(`${alg}: WebCrypto cannot sign with this key (${key.algorithm.name}, ${key.type}): ${messageOf(error)}`, error);
  }
}

function pkcs8Bytes(alg: ClientAlgorithm, key: string | Uint8Array): Uint8Array {
  if (typeof key !== 'string') throw invalidKey(`${alg} needs a PKCS#8 PEM private key string or a CryptoKey`);
  const label = pemLabel(key);
  if (label === undefined) throw invalidKey(`${alg} needs a PEM private key ("-----BEGIN PRIVATE KEY-----")`);
  if (label !== 'PRIVATE KEY') {
    throw invalidKey(`${alg} needs an unencrypted PKCS#8 key ("BEGIN PRIVATE KEY"), got "BEGIN ${label}"; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem`);
  }
  const der = pemBody(key, 'PRIVATE KEY');
  if (der === undefined) throw invalidKey(`${alg}: the PEM private key is malformed`);
  return der;
}
