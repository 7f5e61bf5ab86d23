/**
 * Character classes of the RFC 9651 grammar, shared by the parser and the
 * serialiser so that both accept exactly the same words.
 */

/** DIGIT = %x30-39 */
export function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

/** ALPHA = %x41-5A / %x61-7A */
export function isAlpha(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

/** lcalpha = %x61-7A */
export function isLcAlpha(char: string): boolean {
  return char >= 'a' && char <= 'z';
}

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA (RFC 9110 §5.6.2) */
export function isTchar(char: string): boolean {
  return char.length === 1 && (isAlpha(char) || isDigit(char) || "!#$%&'*+-.^_`|~".includes(char));
}

/** key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) — a character after the first. */
export function isKeyChar(char: string): boolean {
  return char.length === 1 && (isLcAlpha(char) || isDigit(char) || '_-.*'.includes(char));
}

/** sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) — a character after the first. */
export function isTokenChar(char: string): boolean {
  return isTchar(char) || char === ':' || char === '/';
}

/** unescaped / escaped content of sf-string: %x20-7E. */
export function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** Whether a word is a valid key: a Dictionary member name or a parameter name. */
export function isKey(word: string): boolean {
  const first = word[0] ?? '';
  if (!isLcAlpha(first) && first !== '*') return false;
  for (let i = 1; i < word.length; i += 1) if (!isKeyChar(word[i]!)) return false;
  return true;
}

/** Whether a word is a valid Token. */
export function isToken(word: string): boolean {
  const first = word[0] ?? '';
  if (!isAlpha(first) && first !== '*') return false;
  for (let i = 1; i < word.length; i += 1) if (!isTokenChar(word[i]!)) return false;
  return true;
}
