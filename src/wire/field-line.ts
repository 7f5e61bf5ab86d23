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
import { COLON, CR, FIELD_VALUE, LF, TCHAR, isWhitespace, lineEndingError } from './tokens.ts';

/**
 * Parses the line starting at `start`, which must end in CRLF within `text`,
 * stores the name (as sent) and the trimmed value at `out[at]` and
 * `out[at + 1]`, and returns where its CRLF is. One pass: the scan that
 * checks the value also finds the line's end. Throws `ParseError`.
 */
export function parseFieldLine(text: string, start: number, out: string[], at: number): number {
  if (isWhitespace(text.charCodeAt(start))) {
    throw new ParseError('ERR_HTTP_HEADER', 400, 'obsolete line folding is not allowed');
  }
  let i = start;
  while (TCHAR[text.charCodeAt(i)] === 1) i++;
  if (i === start || text.charCodeAt(i) !== COLON) throw invalidName(text, i, start, lineEnd(text, start));
  const nameEnd = i++;
  while (isWhitespace(text.charCodeAt(i))) i++;
  const valueStart = i;
  while (FIELD_VALUE[text.charCodeAt(i)] === 1) i++;
  if (text.charCodeAt(i) !== CR || text.charCodeAt(i + 1) !== LF) {
    throw lineEndingError(text, i, lineEnd(text, start)) ?? new ParseError('ERR_HTTP_HEADER', 400, 'invalid character in header field value');
  }
  let valueEnd = i;
  while (valueEnd > valueStart && isWhitespace(text.charCodeAt(valueEnd - 1))) valueEnd--;
  out[at] = text.substring(start, nameEnd);
  out[at + 1] = text.substring(valueStart, valueEnd);
  return i;
}

/** Where the CRLF ending the line at `start` is (for error messages, off the fast path). */
function lineEnd(text: string, start: number): number {
  const end = text.indexOf('\r\n', start);
  return end === -1 ? text.length : end;
}

function invalidName(text: string, at: number, start: number, end: number): ParseError {
  const lineEnding = lineEndingError(text, at, end);
  if (lineEnding !== undefined) return lineEnding;
  const code = text.charCodeAt(at);
  if (at === start && code === COLON) return new ParseError('ERR_HTTP_HEADER', 400, 'empty header field name');
  if (isWhitespace(code)) return new ParseError('ERR_HTTP_HEADER', 400, 'whitespace between header field name and colon');
  return new ParseError('ERR_HTTP_HEADER', 400, 'invalid character in header field name');
}
