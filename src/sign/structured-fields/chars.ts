/**
 * Character classes of the RFC 9651 grammar, shared by the parser and the
 * serialiser so that both accept exactly the same words. The parser reads
 * character codes (no one-character strings on its hot path), through the
 * `…Code` predicates and one table built from the same grammar.
 */

const DIGITS = '0123456789';
const LCALPHA = 'abcdefghijklmnopqrstuvwxyz';
const UCALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Bits of CLASSES: what a character may be, by its code. */
const KEY = 1;
const TOKEN = 2;

/** Per ASCII code, the classes it belongs to (key character after the first; token character after the first). */
const CLASSES = new Uint8Array(128);
for (const char of `${LCALPHA}${DIGITS}_-.*`) CLASSES[char.charCodeAt(0)]! |= KEY;
for (const char of `${LCALPHA}${UCALPHA}${DIGITS}!#$%&'*+-.^_\`|~:/`) CLASSES[char.charCodeAt(0)]! |= TOKEN;

/** DIGIT = %x30-39 */
export function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

/** ALPHA = %x41-5A / %x61-7A */
export function isAlpha(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA (RFC 9110 §5.6.2) */
export function isTchar(char: string): boolean {
  return char.length === 1 && (isAlpha(char) || isDigit(char) || "!#$%&'*+-.^_`|~".includes(char));
}

/** unescaped / escaped content of sf-string: %x20-7E. */
export function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** Whether every character of a text is printable ASCII (what an sf-string may hold). */
export function isPrintableAsciiText(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (!isPrintableAscii(text.charCodeAt(i))) return false;
  return true;
}

/** Whether a word is a valid key: a Dictionary member name or a parameter name. */
export function isKey(word: string): boolean {
  const first = word.charCodeAt(0);
  if (!isLcAlphaCode(first) && first !== 0x2a) return false;
  for (let i = 1; i < word.length; i += 1) if (!isKeyCode(word.charCodeAt(i))) return false;
  return true;
}

/** Whether a word is a valid Token. */
export function isToken(word: string): boolean {
  const first = word.charCodeAt(0);
  if (!isAlphaCode(first) && first !== 0x2a) return false;
  for (let i = 1; i < word.length; i += 1) if (!isTokenCode(word.charCodeAt(i))) return false;
  return true;
}

/** DIGIT, by character code. */
export function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** ALPHA, by character code. */
export function isAlphaCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** lcalpha, by character code. */
export function isLcAlphaCode(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

/** key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) — a character after the first, by its code. */
export function isKeyCode(code: number): boolean {
  return code < 128 && (CLASSES[code]! & KEY) !== 0;
}

/** sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) — a character after the first, by its code. */
export function isTokenCode(code: number): boolean {
  return code < 128 && (CLASSES[code]! & TOKEN) !== 0;
}
