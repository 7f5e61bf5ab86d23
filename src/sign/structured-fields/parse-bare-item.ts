/**
 * Parsing Bare Items (RFC 9651 §4.2.3.1 – §4.2.10): numbers, strings,
 * tokens, byte sequences, booleans, dates and display strings.
 */
import { decodeBase64 } from './base64.ts';
import { isAlphaCode, isDigitCode, isPrintableAscii, isTokenCode } from './chars.ts';
import type { Cursor } from './cursor.ts';
import { Decimal, DisplayString, SfDate, Token, type BareItem } from './types.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const MINUS = 0x2d;
const DQUOTE = 0x22;
const STAR = 0x2a;
const COLON = 0x3a;
const QUESTION = 0x3f;
const AT = 0x40;
const PERCENT = 0x25;
const DOT = 0x2e;
const BACKSLASH = 0x5c;

/*
 * bare-item = sf-integer / sf-decimal / sf-string / sf-token
 *             / sf-binary / sf-boolean / sf-date / sf-displaystring
 *
 * The first character decides which (§4.2.3.1).
 */
export function parseBareItem(cur: Cursor): BareItem {
  const code = cur.code();
  if (code === MINUS || isDigitCode(code)) return parseNumber(cur);
  if (code === DQUOTE) return parseString(cur);
  if (code === STAR || isAlphaCode(code)) return parseToken(cur);
  if (code === COLON) return parseByteSequence(cur);
  if (code === QUESTION) return parseBoolean(cur);
  if (code === AT) return parseDate(cur);
  if (code === PERCENT) return parseDisplayString(cur);
  throw cur.fail(cur.done ? 'expected an item, found the end' : `unexpected character ${JSON.stringify(cur.peek())}`);
}

/*
 * sf-integer = ["-"] 1*15DIGIT
 * sf-decimal = ["-"] 1*12DIGIT "." 1*3DIGIT
 */
function parseNumber(cur: Cursor): number | Decimal {
  const negative = cur.accept('-');
  const start = cur.pos;
  if (!isDigitCode(cur.code())) throw cur.fail('expected a digit');
  while (isDigitCode(cur.code())) {
    cur.pos += 1;
    if (cur.pos - start > 15) throw cur.fail('an integer has at most 15 digits');
  }
  if (cur.code() !== DOT) return signed(Number(cur.since(start)), negative);
  if (cur.pos - start > 12) throw cur.fail('a decimal has at most 12 integer digits');
  const dot = cur.pos;
  cur.pos += 1;
  while (isDigitCode(cur.code())) {
    cur.pos += 1;
    if (cur.pos - start > 16) throw cur.fail('a decimal has at most 16 characters');
  }
  if (cur.pos === dot + 1) throw cur.fail('a decimal needs a fractional digit');
  if (cur.pos - dot - 1 > 3) throw cur.fail('a decimal has at most 3 fractional digits');
  return new Decimal(signed(Number(cur.since(start)), negative));
}

/** -0 is 0: Structured Fields have no negative zero. */
function signed(value: number, negative: boolean): number {
  return negative && value !== 0 ? -value : value;
}

/*
 * sf-string = DQUOTE *( unescaped / "%" / bs-escaped ) DQUOTE
 * unescaped = %x20-21 / %x23-24 / %x26-5B / %x5D-7E
 * escaped   = "\" ( DQUOTE / "\" )
 *
 * A string without escapes (the usual case) is one slice of the input.
 */
function parseString(cur: Cursor): string {
  cur.expect('"', 'a string');
  let out = '';
  let start = cur.pos;
  while (!cur.done) {
    const code = cur.code();
    cur.pos += 1;
    if (code === DQUOTE) return out + cur.input.slice(start, cur.pos - 1);
    if (code === BACKSLASH) {
      const escaped = cur.code();
      if (escaped !== DQUOTE && escaped !== BACKSLASH) {
        if (!cur.done) cur.pos += 1;
        throw cur.fail('only \\" and \\\\ are escapes in a string');
      }
      out += cur.input.slice(start, cur.pos - 1);
      start = cur.pos; // the escaped character starts the next run
      cur.pos += 1;
    } else if (!isPrintableAscii(code)) {
      throw cur.fail('a string holds printable ASCII only');
    }
  }
  throw cur.fail('unterminated string');
}

/* sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) */
function parseToken(cur: Cursor): Token {
  const start = cur.pos;
  const first = cur.code();
  if (!isAlphaCode(first) && first !== STAR) throw cur.fail('expected a token');
  cur.pos += 1;
  while (isTokenCode(cur.code())) cur.pos += 1;
  return new Token(cur.since(start));
}

/* sf-binary = ":" base64 ":" ; base64 = *( ALPHA / DIGIT / "+" / "/" ) *"=" */
function parseByteSequence(cur: Cursor): Uint8Array {
  cur.expect(':', 'a byte sequence');
  const end = cur.input.indexOf(':', cur.pos);
  if (end < 0) throw cur.fail('unterminated byte sequence');
  const bytes = decodeBase64(cur.input.slice(cur.pos, end));
  if (bytes === undefined) throw cur.fail('a byte sequence holds base64');
  cur.pos = end + 1;
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
