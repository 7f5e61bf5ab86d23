/**
 * Strings that outlive their request. The wire parser hands out header
 * names and values as slices of the text of the chunk they arrived in, which
 * is fast, but in V8 a slice keeps its whole parent alive: a 22-character
 * nonce kept in a store would hold on to the 1.5 KB request it came from.
 * Whatever keeps a request string past the request (a nonce store, a cache)
 * keeps `detached(text)` instead. No Node API: the client shares this code.
 */

/** Chars copied per `String.fromCharCode` call (well under any engine's argument limit). */
const CHUNK = 4096;

/**
 * A copy of `text` made from its UTF-16 code units, so it shares no memory
 * with any other string. Lossless for every JavaScript string.
 *
 * @example
 * store.set(detached(nonce), expiry); // the request's bytes can be collected
 */
export function detached(text: string): string {
  let copy = '';
  for (let start = 0; start < text.length; start += CHUNK) {
    const units = new Array<number>(Math.min(CHUNK, text.length - start));
    for (let i = 0; i < units.length; i++) units[i] = text.charCodeAt(start + i);
    copy += String.fromCharCode(...units);
  }
  return copy;
}
