/**
 * Byte classes of the HTTP grammar, as lookup tables indexed by byte value.
 * The parser asks `TCHAR[b] === 1` instead of comparing characters.
 *
 * RFC 9110 §5.6.2:
 *   token = 1*tchar
 *   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *           "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
 * RFC 9110 §5.5:
 *   field-value = *field-content
 *   field-vchar = VCHAR / obs-text        ; obs-text = %x80-FF
 */
import { ParseError } from './errors.ts';

function table(accepts: (byte: number) => boolean): Uint8Array {
  const out = new Uint8Array(256);
  for (let b = 0; b < 256; b++) out[b] = accepts(b) ? 1 : 0;
  return out;
}

const TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";
const isAlnum = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** tchar: the bytes of a token (methods, header names, transfer codings). */
export const TCHAR = table((b) => isAlnum(b) || TCHAR_SYMBOLS.includes(String.fromCharCode(b)));

/** Bytes allowed inside a header value: field-vchar, SP and HTAB. */
export const FIELD_VALUE = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));

/**
 * Bytes allowed in a request-target. RFC 3986 allows fewer; like most
 * servers we refuse only what can never be there: controls, SP, DEL, and
 * bytes outside ASCII (which must be percent-encoded).
 */
export const TARGET = table((b) => b > 0x20 && b < 0x7f);

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

/**
 * The error for a CR or LF found inside a line at `at` (a bare CR or a bare
 * LF, RFC 9112 §2.2), or undefined when the character there is something else.
 */
export function lineEndingError(text: string, at: number, end: number): ParseError | undefined {
  if (at >= end) return undefined;
  const code = text.charCodeAt(at);
  if (code === CR) return new ParseError('ERR_HTTP_LINE_ENDING', 400, 'bare CR in the request head');
  if (code === LF) return new ParseError('ERR_HTTP_LINE_ENDING', 400, 'bare LF in the request head');
  return undefined;
}

/** True for SP or HTAB (RFC 9110 OWS). */
export function isWhitespace(byte: number): boolean {
  return byte === SP || byte === HTAB;
}

/** True when `value` is a non-empty token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    if (TCHAR[value.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/** `fieldValueKind` results. */
export const INVALID = 0;
export const ASCII = 1;
export const OBS_TEXT = 2;

/** Whether `value` can be sent as a header value (no CR, LF, NUL or other control but HTAB), and whether it needs latin1. */
export function fieldValueKind(value: string): number {
  let kind = ASCII;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff || FIELD_VALUE[code] !== 1) return INVALID;
    if (code > 0x7f) kind = OBS_TEXT;
  }
  return kind;
}

/**
 * `name` equals `lower` (already lower-case) ignoring ASCII case, char by
 * char: no lower-cased copy of `name` is made. Header names are tokens,
 * ASCII by definition, so this is how they compare.
 *
 * @example
 * equalsLowerCase('Content-Type', 'content-type'); // true
 */
export function equalsLowerCase(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const code = name.charCodeAt(i);
    if ((code >= 0x41 && code <= 0x5a ? code | 0x20 : code) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
