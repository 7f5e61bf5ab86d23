/**
 * Base64 (RFC 4648 §4, the standard alphabet with "=" padding) on
 * `Uint8Array`, for Byte Sequences. Browser-safe: no `Buffer`.
 *
 * Decoding is strict about the alphabet and where "=" may stand, and
 * lenient where RFC 9651 §4.2.7 allows: padding may be missing, and
 * non-zero pad bits are ignored.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTETS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) SEXTETS[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as padded base64.
 *
 * @example
 * encodeBase64(new TextEncoder().encode('hello')); // 'aGVsbG8='
 */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const triple = (a << 16) | (b << 8) | c;
    const left = bytes.length - i;
    out += ALPHABET[(triple >> 18) & 63]! + ALPHABET[(triple >> 12) & 63]!;
    out += left > 1 ? ALPHABET[(triple >> 6) & 63]! : '=';
    out += left > 2 ? ALPHABET[triple & 63]! : '=';
  }
  return out;
}

/**
 * Decodes base64 (standard alphabet; padding optional); returns undefined
 * for anything that is not base64.
 *
 * @example
 * decodeBase64('aGVsbG8='); // Uint8Array of "hello"
 * decodeBase64('a=GV');     // undefined
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const body = stripPadding(text);
  if (body === undefined || body.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let at = 0;
  for (let i = 0; i < body.length; i += 1) {
    const code = body.charCodeAt(i);
    const sextet = code < 128 ? SEXTETS[code]! : -1;
    if (sextet < 0) return undefined;
    bits = ((bits << 6) | sextet) & 0xffffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[at++] = (bits >> count) & 0xff;
    }
  }
  return out;
}

/** The text without its "=" padding, or undefined when the padding is misplaced. */
function stripPadding(text: string): string | undefined {
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end -= 1;
  const padding = text.length - end;
  if (padding > 2 || (padding > 0 && text.length % 4 !== 0)) return undefined;
  return text.slice(0, end);
}
