/**
 * Strings that outlive their request. The wire parser hands out header
 * names and values as slices of the text of the chunk they arrived in, which
 * is fast, but in V8 a slice keeps its whole parent alive: a 22-character
 * nonce kept in a store would hold on to the 1.5 KB request it came from.
 * Whatever keeps a request string past the request (a nonce store, a cache)
 * keeps `detached(text)` instead.
 */

/**
 * A copy of `text` that shares no memory with any other string. Lossless for
 * every JavaScript string (it goes through UTF-16 code units).
 *
 * @example
 * store.set(detached(nonce), expiry); // the request's bytes can be collected
 */
export function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
