/**
 * Content-Digest (RFC 9530) on the client, with WebCrypto: the sha-256
 * digest of the exact body bytes, as a Dictionary with one Byte Sequence.
 *
 *   Content-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
 */
import { item, serializeDictionary } from '../sign/structured-fields/index.ts';

/**
 * The Content-Digest field value for `body`.
 *
 * @example
 * await sha256ContentDigest(new TextEncoder().encode('{"hello": "world"}'));
 * // 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:'
 */
export async function sha256ContentDigest(body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', body));
  return serializeDictionary(new Map([['sha-256', item(digest)]]));
}
