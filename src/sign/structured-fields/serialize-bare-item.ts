/**
 * Serialising Bare Items (RFC 9651 §4.1.3 – §4.1.11). A value that has no
 * valid serialisation (an integer out of range, a string with a control
 * character, a token that is not a token) throws `StructuredFieldError`.
 */
import { encodeBase64 } from './base64.ts';
import { isPrintableAscii, isToken } from './chars.ts';
import { Decimal, DisplayString, SfDate, StructuredFieldError, Token, type BareItem } from './types.ts';

const MAX_INTEGER = 999_999_999_999_999;
const UTF8 = new TextEncoder();

/**
 * Serialises one Bare Item.
 *
 * @example
 * serializeBareItem(new Token('gzip')); // 'gzip'
 * serializeBareItem('a "b"');          // '"a \\"b\\""'
 */
export function serializeBareItem(value: BareItem): string {
  if (typeof value === 'number') return serializeInteger(value);
  if (typeof value === 'string') return serializeString(value);
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (value instanceof Decimal) return serializeDecimal(value.value);
  if (value instanceof Token) return serializeToken(value.value);
  if (value instanceof Uint8Array) return `:${encodeBase64(value)}:`;
  if (value instanceof SfDate) return `@${serializeInteger(value.seconds)}`;
  if (value instanceof DisplayString) return serializeDisplayString(value.value);
  throw new StructuredFieldError(`cannot serialise ${String(value)} as a structured field item`);
}

/* sf-integer = ["-"] 1*15DIGIT */
function serializeInteger(value: number): string {
  if (!Number.isInteger(value)) throw new StructuredFieldError(`${value} is not an integer (wrap decimals in Decimal)`);
  if (Math.abs(value) > MAX_INTEGER) throw new StructuredFieldError(`${value} is out of the integer range`);
  return String(value);
}

/*
 * sf-decimal = ["-"] 1*12DIGIT "." 1*3DIGIT
 * §4.1.5: round to three fractional digits, half to even; fail past 12
 * integer digits; drop trailing zeros but keep one fractional digit.
 */
function serializeDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new StructuredFieldError(`${value} is not a decimal`);
  const [integer, fraction] = roundHalfEven(Math.abs(value));
  if (integer.length > 12) throw new StructuredFieldError(`${value} is out of the decimal range`);
  const trimmed = fraction.replace(/0+$/, '') || '0';
  const negative = value < 0 && (integer !== '0' || trimmed !== '0');
  return `${negative ? '-' : ''}${integer}.${trimmed}`;
}

/** The integer digits and three fractional digits of `abs`, rounded half to even on its shortest decimal form. */
function roundHalfEven(abs: number): [string, string] {
  if (abs >= 1e15) throw new StructuredFieldError(`${abs} is out of the decimal range`);
  const plain = abs < 1e-6 ? '0' : String(abs); // no exponent in [1e-6, 1e21)
  const [integer = '0', fraction = ''] = plain.split('.');
  const kept = fraction.slice(0, 3).padEnd(3, '0');
  let scaled = BigInt(integer + kept);
  if (roundsUp(kept, fraction.slice(3))) scaled += 1n;
  const digits = scaled.toString().padStart(4, '0');
  return [digits.slice(0, -3), digits.slice(-3)];
}

function roundsUp(kept: string, rest: string): boolean {
  const first = rest[0] ?? '0';
  if (first !== '5') return first > '5';
  if (/[1-9]/.test(rest.slice(1))) return true;
  return Number(kept[2]) % 2 === 1;
}

/*
 * sf-string = DQUOTE *( unescaped / "%" / bs-escaped ) DQUOTE
 * Checked first, escaped only when it holds a DQUOTE or "\" (rare): most strings are written as they are.
 */
function serializeString(value: string): string {
  let escapes = false;
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (!isPrintableAscii(code)) throw new StructuredFieldError('a string holds printable ASCII only (use DisplayString)');
    if (code === 0x22 || code === 0x5c) escapes = true;
  }
  return `"${escapes ? value.replace(/["\\]/g, '\\$&') : value}"`;
}

/* sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) */
function serializeToken(value: string): string {
  if (!isToken(value)) throw new StructuredFieldError(`${JSON.stringify(value)} is not a token`);
  return value;
}

/* sf-displaystring = "%" DQUOTE *( unescaped / "\" / pct-encoded ) DQUOTE */
function serializeDisplayString(value: string): string {
  let out = '%"';
  for (const byte of UTF8.encode(value)) {
    const escape = byte === 0x25 || byte === 0x22 || !isPrintableAscii(byte);
    out += escape ? `%${byte.toString(16).padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return `${out}"`;
}
