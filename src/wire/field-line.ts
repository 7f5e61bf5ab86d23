/**
 * One header (or trailer) field line, parsed from bytes.
 *
 * RFC 9112 §5:
 *   field-line   = field-name ":" OWS field-value OWS
 *   field-name   = token
 * RFC 9112 §5.1: "No whitespace is allowed between the field name and colon."
 * RFC 9112 §5.2: obs-fold (a line starting with SP or HTAB) is rejected.
 */
import { ParseError } from './errors.ts';
import { COLON, CR, FIELD_VALUE, TCHAR, isWhitespace } from './tokens.ts';

/**
 * Parses `buf[start, end)` (the line without its CRLF) and appends the name
 * (as sent) and the trimmed value to `out`. Throws `ParseError`.
 */
export function parseFieldLine(buf: Buffer, start: number, end: number, out: string[]): void {
  if (isWhitespace(buf[start]!)) {
    throw new ParseError('ERR_HTTP_HEADER', 400, 'obsolete line folding is not allowed');
  }
  let i = start;
  while (i < end && TCHAR[buf[i]!] === 1) i++;
  if (i === start || i === end || buf[i] !== COLON) throw invalidName(buf[i], i === start);
  const nameEnd = i++;
  while (i < end && isWhitespace(buf[i]!)) i++;
  const valueStart = i;
  let valueEnd = valueStart;
  for (; i < end; i++) {
    const byte = buf[i]!;
    if (FIELD_VALUE[byte] !== 1) throw invalidValue(byte);
    if (!isWhitespace(byte)) valueEnd = i + 1;
  }
  out.push(buf.toString('latin1', start, nameEnd), buf.toString('latin1', valueStart, valueEnd));
}

function invalidName(byte: number | undefined, empty: boolean): ParseError {
  if (byte === CR) return new ParseError('ERR_HTTP_LINE_ENDING', 400, 'bare CR in header field');
  if (empty && byte === COLON) return new ParseError('ERR_HTTP_HEADER', 400, 'empty header field name');
  if (byte !== undefined && isWhitespace(byte)) {
    return new ParseError('ERR_HTTP_HEADER', 400, 'whitespace between header field name and colon');
  }
  return new ParseError('ERR_HTTP_HEADER', 400, 'invalid character in header field name');
}

function invalidValue(byte: number): ParseError {
  if (byte === CR) return new ParseError('ERR_HTTP_LINE_ENDING', 400, 'bare CR in header field value');
  return new ParseError('ERR_HTTP_HEADER', 400, 'invalid character in header field value');
}
