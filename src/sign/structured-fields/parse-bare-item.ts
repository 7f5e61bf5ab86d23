/**
 * Parsing Bare Items (RFC 9651 §4.2.3.1 – §4.2.10): numbers, strings,
 * tokens, byte sequences, booleans, dates and display strings.
 */
import { decodeBase64 } from './base64.ts';
import { isAlpha, isDigit, isTokenChar } from './chars.ts';
import type { Cursor } from './cursor.ts';
import { Decimal, DisplayString, SfDate, Token, type BareItem } from './types.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/*
 * bare-item = sf-integer / sf-decimal / sf-string / sf-token
 *             / sf-binary / sf-boolean / sf-date / sf-displaystring
 *
 * The first character decides which (§4.2.3.1).
 */
export function parseBareItem(cur: Cursor): BareItem {
  const char = cur.peek();
  if (char === '-' || isDigit(char)) return parseNumber(cur);
  if (char === '"') return parseString(cur);
  if (char === '*' || isAlpha(char)) return parseToken(cur);
  if (char === ':') return parseByteSequence(cur);
  if (char === '?') return parseBoolean(cur);
  if (char === '@') return parseDate(cur);
  if (char === '%') return parseDisplayString(cur);
  throw cur.fail(char === '' ? 'expected an item, found the end' : `unexpected character ${JSON.stringify(char)}`);
}

/*
 * sf-integer = ["-"] 1*15DIGIT
 * sf-decimal = ["-"] 1*12DIGIT "." 1*3DIGIT
 */
function parseNumber(cur: Cursor): number | Decimal {
  const negative = cur.accept('-');
  if (!isDigit(cur.peek())) throw cur.fail('expected a digit');
  let digits = '';
  let decimal = false;
  while (!cur.done) {
    const char = cur.peek();
    if (isDigit(char)) digits += cur.next();
    else if (char === '.' && !decimal) {
      if (digits.length > 12) throw cur.fail('a decimal has at most 12 integer digits');
      decimal = true;
      digits += cur.next();
    } else break;
    if (!decimal && digits.length > 15) throw cur.fail('an integer has at most 15 digits');
    if (decimal && digits.length > 16) throw cur.fail('a decimal has at most 16 characters');
  }
  if (!decimal) return signed(Number(digits), negative);
  if (digits.endsWith('.')) throw cur.fail('a decimal needs a fractional digit');
  if (digits.length - digits.indexOf('.') - 1 > 3) throw cur.fail('a decimal has at most 3 fractional digits');
  return new Decimal(signed(Number(digits), negative));
}

/** -0 is 0: Structured Fields have no negative zero. */
function signed(value: number, negative: boolean): number {
  return negative && value !== 0 ? -value : value;
}

/*
 * sf-string = DQUOTE *( unescaped / "%" / bs-escaped ) DQUOTE
 * unescaped = %x20-21 / %x23-24 / %x26-5B / %x5D-7E
 * escaped   = "\" ( DQUOTE / "\" )
 */
function parseString(cur: Cursor): string {
  cur.expect('"', 'a string');
  let out = '';
  while (!cur.done) {
    const char = cur.next();
    if (char === '\\') {
      const escaped = cur.next();
      if (escaped !== '"' && escaped !== '\\') throw cur.fail('only \\" and \\\\ are escapes in a string');
      out += escaped;
    } else if (char === '"') {
      return out;
    } else {
      const code = char.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) throw cur.fail('a string holds printable ASCII only');
      out += char;
    }
  }
  throw cur.fail('unterminated string');
}

/* sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) */
function parseToken(cur: Cursor): Token {
  const first = cur.peek();
  if (!isAlpha(first) && first !== '*') throw cur.fail('expected a token');
  let out = cur.next();
  while (!cur.done && isTokenChar(cur.peek())) out += cur.next();
  return new Token(out);
}

/* sf-binary = ":" base64 ":" ; base64 = *( ALPHA / DIGIT / "+" / "/" ) *"=" */
function parseByteSequence(cur: Cursor): Uint8Array {
  cur.expect(':', 'a byte sequence');
  const start = cur.offset;
  const end = cur.input.indexOf(':', start);
  if (end < 0) throw cur.fail('unterminated byte sequence');
  const text = cur.input.slice(start, end);
  const bytes = decodeBase64(text);
  if (bytes === undefined) throw cur.fail('a byte sequence holds base64');
  while (cur.offset <= end) cur.next();
  return bytes;
}

/* sf-boolean = "?" ( "0" / "1" ) */
function parseBoolean(cur: Cursor): boolean {
  cur.expect('?', 'a boolean');
  if (cur.accept('1')) return true;
  if (cur.accept('0')) return false;
  throw cur.fail('a boolean is ?0 or ?1');
}

/* sf-date = "@" sf-integer */
function parseDate(cur: Cursor): SfDate {
  cur.expect('@', 'a date');
  const seconds = parseNumber(cur);
  if (typeof seconds !== 'number') throw cur.fail('a date is an integer');
  return new SfDate(seconds);
}

/*
 * sf-displaystring = "%" DQUOTE *( unescaped / "\" / pct-encoded ) DQUOTE
 * pct-encoded      = "%" lc-hexdig lc-hexdig
 * lc-hexdig        = DIGIT / %x61-66 ; 0-9, a-f
 */
function parseDisplayString(cur: Cursor): DisplayString {
  cur.expect('%', 'a display string');
  cur.expect('"', 'a display string');
  const bytes: number[] = [];
  while (!cur.done) {
    const char = cur.next();
    const code = char.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) throw cur.fail('a display string holds printable ASCII only');
    if (char === '%') bytes.push(parseLowerHexOctet(cur));
    else if (char === '"') return new DisplayString(decodeUtf8(cur, bytes));
    else bytes.push(code);
  }
  throw cur.fail('unterminated display string');
}

function parseLowerHexOctet(cur: Cursor): number {
  const hex = cur.next() + cur.next();
  if (!/^[0-9a-f]{2}$/.test(hex)) throw cur.fail('a display string escape is % and two lowercase hex digits');
  return parseInt(hex, 16);
}

function decodeUtf8(cur: Cursor, bytes: number[]): string {
  try {
    return UTF8.decode(new Uint8Array(bytes));
  } catch {
    throw cur.fail('a display string is UTF-8');
  }
}
