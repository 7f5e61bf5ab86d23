/**
 * One header (or trailer) field line, parsed from the head's text (one byte
 * per char).
 *
 * RFC 9112 §5:
 *   field-line   = field-name ":" OWS field-value OWS
 *   field-name   = token
 * RFC 9112 §5.1: "No whitespace is allowed between the field name and colon."
 * RFC 9112 §5.2: obs-fold (a line starting with SP or HTAB) is rejected.
 */
import { ParseError } from './errors.ts';
import { COLON, FIELD_VALUE, TCHAR, isWhitespace, lineEndingError } from './tokens.ts';

/**
 * Parses `text[start, end)` (the line without its CRLF) and appends the name
 * (as sent) and the trimmed value to `out`. Throws `ParseError`.
 */
export function parseFieldLine(text: string, start: number, end: number, out: string[]): void {
  if (isWhitespace(text.charCodeAt(start))) {
    throw new ParseError('ERR_HTTP_HEADER', 400, 'obsolete line folding is not allowed');
  }
  let i = start;
  while (i < end && TCHAR[text.charCodeAt(i)] === 1) i++;
  if (i === start || i === end || text.charCodeAt(i) !== COLON) throw invalidName(text, i, start, end);
  const nameEnd = i++;
  while (i < end && isWhitespace(text.charCodeAt(i))) i++;
  const valueStart = i;
  let valueEnd = valueStart;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (FIELD_VALUE[code] !== 1) {
      throw lineEndingError(text, i, end) ?? new ParseError('ERR_HTTP_HEADER', 400, 'invalid character in header field value');
    }
    if (code !== 0x20 && code !== 0x09) valueEnd = i + 1;
  }
  out.push(text.substring(start, nameEnd), text.substring(valueStart, valueEnd));
}

function invalidName(text: string, at: number, start: number, end: number): ParseError {
  const lineEnding = lineEndingError(text, at, end);
  if (lineEnding !== undefined) return lineEnding;
  const code = text.charCodeAt(at);
  if (at === start && code === COLON) return new ParseError('ERR_HTTP_HEADER', 400, 'empty header field name');
  if (isWhitespace(code)) return new ParseError('ERR_HTTP_HEADER', 400, 'whitespace between header field name and colon');
  return new ParseError('ERR_HTTP_HEADER', 400, 'invalid character in header field name');
}
