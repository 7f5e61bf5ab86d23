/**
 * What signing and verifying keys share on the client: WebCrypto itself,
 * shared secrets as bytes, PEM bodies (RFC 7468) as DER, and the error a
 * key that cannot be used gets (`ERR_INVALID_KEY`). WebCrypto only, like
 * the rest of `signwire/client`.
 *
 *   -----BEGIN <label>-----
 *   base64 lines
 *   -----END <label>-----
 */
import { SignwireError } from '../errors.ts';
import { decodeBase64 } from '../sign/structured-fields/base64.ts';
import type { ClientAlgorithm } from './webcrypto-algorithms.ts';

/**
 * WebCrypto's `CryptoKey`, named through the global `crypto` so that the
 * type is the DOM's in a browser build and Node's in a Node build.
 */
export type WebCryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

const PEM_LABEL = /^-----BEGIN ([A-Z0-9 ]+)-----/;

/**
 * The label of a PEM text ("PUBLIC KEY", "PRIVATE KEY", …), or undefined when it is not PEM.
 *
 * @example
 * pemLabel('-----BEGIN PUBLIC KEY-----\n…'); // 'PUBLIC KEY'
 */
export function pemLabel(text: string): string | undefined {
  return PEM_LABEL.exec(text.trim())?.[1];
}

/**
 * The DER bytes of a PEM text with this label, or undefined when it is malformed.
 *
 * @example
 * pemBody(publicPem, 'PUBLIC KEY'); // SubjectPublicKeyInfo bytes
 */
export function pemBody(text: string, label: string): Uint8Array | undefined {
  const pattern = new RegExp(`^-----BEGIN ${label}-----\\r?\\n([A-Za-z0-9+/=\\s]+?)-----END ${label}-----\\s*$`);
  const match = pattern.exec(text.trim());
  const der = match === null ? undefined : decodeBase64(match[1]!.replace(/\s+/g, ''));
  return der === undefined || der.length === 0 ? undefined : der;
}

/**
 * A shared secret as bytes (a string is its UTF-8 bytes); throws `ERR_INVALID_KEY` when empty.
 *
 * @example
 * secretBytes('hmac-sha256', 'my secret');
 */
export function secretBytes(alg: ClientAlgorithm, key: string | Uint8Array): Uint8Array {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw invalidKey(`${alg} needs a non-empty secret (a string or a Uint8Array)`);
  return bytes;
}

/**
 * True for a `CryptoKey` the caller imported (rather than a secret or a PEM).
 *
 * @example
 * if (isCryptoKey(key)) return key;
 */
export function isCryptoKey(key: string | Uint8Array | WebCryptoKey): key is WebCryptoKey {
  return typeof key === 'object' && key !== null && !(key instanceof Uint8Array) && 'algorithm' in key && 'type' in key;
}

/**
 * WebCrypto's `subtle`, or `ERR_INVALID_OPTION` where there is none (a browser page that is not a secure context).
 *
 * @example
 * await subtle().importKey('raw', bytes, params, false, ['sign']);
 */
export function subtle(): typeof globalThis.crypto.subtle {
  const api = globalThis.crypto?.subtle;
  if (api === undefined) throw new SignwireError('ERR_INVALID_OPTION', 'WebCrypto (crypto.subtle) is not available here; a browser needs a secure context (https or localhost)');
  return api;
}

/**
 * The error of a key that cannot be used.
 *
 * @example
 * throw invalidKey('ed25519 needs a PEM public key');
 */
export function invalidKey(message: string, cause?: unknown): SignwireError {
  return new SignwireError('ERR_INVALID_KEY', message, cause === undefined ? undefined : { cause });
}

/**
 * What went wrong, as text, for an error message.
 *
 * @example
 * invalidKey(`cannot import: ${messageOf(error)}`, error);
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
