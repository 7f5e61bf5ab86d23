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
import { SignwireError } from '../errors.ts';
import { decodeBase64 } from '../sign/structured-fields/base64.ts';
import { WEBCRYPTO_ALGORITHMS, type ClientAlgorithm } from './webcrypto-algorithms.ts';

/**
 * WebCrypto's `CryptoKey`, named through the global `crypto` so that the
 * type is the DOM's in a browser build and Node's in a Node build.
 */
export type WebCryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/** A key as callers give it: secret string or bytes (HMAC), PKCS#8 PEM (the others), or a `CryptoKey`. */
export type SigningKey = string | Uint8Array | WebCryptoKey;

const PEM_LABEL = /^-----BEGIN ([A-Z0-9 ]+)-----/;
const PKCS8_PEM = /^-----BEGIN PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\s]+?)-----END PRIVATE KEY-----\s*$/;

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

function secretBytes(alg: ClientAlgorithm, key: string | Uint8Array): Uint8Array {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw invalidKey(`${alg} needs a non-empty secret (a string or a Uint8Array)`);
  return bytes;
}

function pkcs8Bytes(alg: ClientAlgorithm, key: string | Uint8Array): Uint8Array {
  if (typeof key !== 'string') throw invalidKey(`${alg} needs a PKCS#8 PEM private key string or a CryptoKey`);
  const label = PEM_LABEL.exec(key.trim())?.[1];
  if (label === undefined) throw invalidKey(`${alg} needs a PEM private key ("-----BEGIN PRIVATE KEY-----")`);
  if (label !== 'PRIVATE KEY') {
    throw invalidKey(`${alg} needs an unencrypted PKCS#8 key ("BEGIN PRIVATE KEY"), got "BEGIN ${label}"; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem`);
  }
  const match = PKCS8_PEM.exec(key.trim());
  if (match === null) throw invalidKey(`${alg}: the PEM private key is malformed`);
  const der = decodeBase64(match[1]!.replace(/\s+/g, ''));
  if (der === undefined || der.length === 0) throw invalidKey(`${alg}: the PEM body is not base64`);
  return der;
}

function isCryptoKey(key: SigningKey): key is WebCryptoKey {
  return typeof key === 'object' && key !== null && !(key instanceof Uint8Array) && 'algorithm' in key && 'type' in key;
}

function subtle(): typeof globalThis.crypto.subtle {
  const api = globalThis.crypto?.subtle;
  if (api === undefined) throw new SignwireError('ERR_INVALID_OPTION', 'WebCrypto (crypto.subtle) is not available here; a browser needs a secure context (https or localhost)');
  return api;
}

function invalidKey(message: string, cause?: unknown): SignwireError {
  return new SignwireError('ERR_INVALID_KEY', message, cause === undefined ? undefined : { cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
