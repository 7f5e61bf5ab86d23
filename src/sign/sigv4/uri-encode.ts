/**
 * URI encoding as SigV4 defines it ("UriEncode" in the AWS guide), and the
 * percent-decoding it is applied after:
 *
 *   - every byte except the unreserved characters A-Z a-z 0-9 - . _ ~ is
 *     encoded as `%XX`, with upper-case hex digits;
 *   - a space is `%20`, never `+`;
 *   - `/` is encoded everywhere except in a path, where it separates segments.
 *
 * Both work on bytes: a string is taken as its UTF-8, and decoding yields
 * bytes, so a percent-encoded sequence that is not UTF-8 still round-trips.
 */
import { SignatureError } from '../errors.ts';

const HEX = '0123456789ABCDEF';

/** 1 for the bytes sent as they are (RFC 3986 unreserved), 0 for the rest. */
const UNRESERVED = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[char.charCodeAt(0)] = 1;

/**
 * SigV4's UriEncode of `input` (a string is its UTF-8 bytes); `/` stays as
 * it is when `keepSlash` (a path).
 *
 * @example
 * uriEncode('a b/ሴ');        // 'a%20b%2F%E1%88%B4'
 * uriEncode('/a b/', true);  // '/a%20b/'
 */
export function uriEncode(input: string | Uint8Array, keepSlash = false): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '';
  for (const byte of bytes) {
    if (UNRESERVED[byte] === 1 || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte);
    else out += `%${HEX[byte >> 4]!}${HEX[byte & 15]!}`;
  }
  return out;
}

/**
 * The bytes of a percent-encoded string (RFC 3986 §2.1; `+` is a plus, not
 * a space; any other character is its UTF-8). Throws `ERR_SIG_MALFORMED`
 * on a `%` not followed by two hex digits.
 *
 * @example
 * percentDecode('%E1%88%B4=a+b').toString(); // 'ሴ=a+b'
 */
export function percentDecode(text: string): Buffer {
  if (!text.includes('%')) return Buffer.from(text, 'utf8');
  const pieces = text.split('%');
  const bytes: Buffer[] = [Buffer.from(pieces[0]!, 'utf8')];
  for (const piece of pieces.slice(1)) {
    if (!/^[0-9A-Fa-f]{2}/.test(piece)) throw new SignatureError('ERR_SIG_MALFORMED', 'a "%" in the request is not followed by two hex digits');
    bytes.push(Buffer.of(parseInt(piece.slice(0, 2), 16)), Buffer.from(piece.slice(2), 'utf8'));
  }
  return Buffer.concat(bytes);
}
