/**
 * Signature parameters (RFC 9421 §2.3): the metadata of one signature, and
 * the `@signature-params` value that carries it with the covered
 * components, the last line of every signature base.
 *
 *   - created: Creation time as an Integer UNIX timestamp value.
 *   - expires: Expiration time as an Integer UNIX timestamp value.
 *   - nonce:   A random unique value generated for this signature as a String value.
 *   - alg:     The HTTP message signature algorithm … as a String value.
 *   - keyid:   The identifier for the key material as a String value.
 *   - tag:     An application-specific tag for the signature as a String value.
 *
 * "Note that there is no general ordering to the parameters, but once an
 * ordering is chosen for a given set of parameters, it cannot be changed
 * without altering the signature parameters value." Parameters are kept in
 * the order their keys were set; any other parameter is rejected.
 */
import { SignatureError } from '../errors.ts';
import { isDigitCode, isPrintableAsciiText } from '../structured-fields/chars.ts';
import { serializeBareItem, serializeInnerList, type BareItem, type Parameters } from '../structured-fields/index.ts';
import { componentItem, toComponent, type ComponentInput } from './component-identifier.ts';

export interface SignatureParams {
  readonly created?: number;
  readonly expires?: number;
  readonly nonce?: string;
  readonly alg?: string;
  readonly keyid?: string;
  readonly tag?: string;
}

/** Each parameter's Structured Field type. */
const PARAM_TYPES: Readonly<Record<keyof SignatureParams, 'integer' | 'string'>> = {
  created: 'integer',
  expires: 'integer',
  nonce: 'string',
  alg: 'string',
  keyid: 'string',
  tag: 'string',
};

/**
 * The `@signature-params` value: the covered components as an Inner List of
 * Strings, with the signature parameters.
 *
 * @example
 * serializeSignatureParams(['@method'], { created: 1618884473, keyid: 'k' });
 * // '("@method");created=1618884473;keyid="k"'
 */
export function serializeSignatureParams(components: readonly ComponentInput[], params: SignatureParams): string {
  const items = components.map((component) => componentItem(toComponent(component)));
  return serializeInnerList({ items, params: signatureParamsToParameters(params) });
}

/**
 * Signature parameters from the parameters of a Signature-Input member.
 * Throws `ERR_SIG_MALFORMED` for an unknown parameter or a wrong type.
 *
 * @example
 * signatureParamsFromItem(new Map([['created', 1618884473]])); // { created: 1618884473 }
 */
export function signatureParamsFromItem(params: Parameters): SignatureParams {
  const out: Record<string, BareItem> = {};
  for (const [key, value] of params) {
    checkParam(key, value);
    out[key] = value;
  }
  return out as SignatureParams;
}

/**
 * The signature parameters as Structured Field parameters, in key order.
 * Throws `ERR_SIG_MALFORMED` for an unknown parameter or a wrong type.
 *
 * @example
 * signatureParamsToParameters({ created: 1618884473, keyid: 'k' }); // Map { 'created' => 1618884473, 'keyid' => 'k' }
 */
export function signatureParamsToParameters(params: SignatureParams): Parameters {
  const out = new Map<string, BareItem>();
  for (const [key, value] of Object.entries(params) as Array<[string, unknown]>) {
    if (value === undefined) continue;
    checkParam(key, value);
    out.set(key, value);
  }
  return out;
}

/**
 * The signature parameters as they follow the covered components in
 * `@signature-params`, in key order; the same text as
 * `serializeParameters(signatureParamsToParameters(params))`, without the Map
 * in between (this runs for every verified request). Throws
 * `ERR_SIG_MALFORMED` for an unknown parameter or a wrong type.
 *
 * @example
 * serializeSignatureParameters({ created: 1618884473, keyid: 'k' }); // ';created=1618884473;keyid="k"'
 */
export function serializeSignatureParameters(params: SignatureParams): string {
  let out = '';
  for (const key of Object.keys(params)) {
    const value: unknown = params[key as keyof SignatureParams];
    if (value === undefined) continue;
    checkParam(key, value);
    out += `;${key}=${serializeBareItem(value)}`; // a checked key is a valid sf-key, a checked value never `true`
  }
  return out;
}

/*
 * Almost every client writes its parameters exactly as serializeSignatureParameters would: known keys, each
 * once, integers without leading zeros, strings with nothing to escape. Such text is scanned here without the
 * generic Structured Field parse, and is its own serialization, so the signature base can use it as it is.
 */
const PARAM_KEYS = Object.keys(PARAM_TYPES) as Array<keyof SignatureParams>;
const LOWER_A = 0x61;
/** Each key's index in PARAM_KEYS by its first letter (the six keys start with six different letters). */
const KEY_BY_FIRST_CHAR: readonly number[] = (() => {
  const table = new Array<number>(26).fill(-1);
  PARAM_KEYS.forEach((key, index) => (table[key.charCodeAt(0) - LOWER_A] = index));
  return table;
})();
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const MAX_INTEGER_DIGITS = 15;

/**
 * The signature parameters in `text` from `start` to its end, when they are
 * written exactly as `serializeSignatureParameters` writes them; undefined
 * for any other text, valid or not, which the whole Structured Field parse
 * then handles (and reports). The parameters so scanned are the ones that
 * parse gives, and `text.slice(start)` is their serialization.
 *
 * @example
 * scanSerializedParameters('("@method");created=1618884473;keyid="k"', 11); // { created: 1618884473, keyid: 'k' }
 * scanSerializedParameters('("@method");created=01618884473', 11);          // undefined: not as serialized
 */
export function scanSerializedParameters(text: string, start: number): SignatureParams | undefined {
  const params: Record<string, string | number> = {};
  let seen = 0; // a bit per key of PARAM_KEYS
  let pos = start;
  while (pos < text.length) {
    const index = text.charCodeAt(pos) === SEMICOLON ? keyIndexAt(text, pos + 1) : -1;
    if (index < 0 || (seen & (1 << index)) !== 0) return undefined;
    seen |= 1 << index;
    const key = PARAM_KEYS[index]!;
    const valueStart = pos + key.length + 2; // after `;key=`
    if (PARAM_TYPES[key] === 'integer') {
      pos = integerEnd(text, valueStart);
      if (pos < 0) return undefined;
      params[key] = Number(text.slice(valueStart, pos));
    } else {
      pos = stringEnd(text, valueStart);
      if (pos < 0) return undefined;
      params[key] = text.slice(valueStart + 1, pos - 1);
    }
  }
  return params as SignatureParams;
}

/** The index in PARAM_KEYS of the key written at `at` and followed by "=", or -1. */
function keyIndexAt(text: string, at: number): number {
  const index = KEY_BY_FIRST_CHAR[text.charCodeAt(at) - LOWER_A] ?? -1;
  if (index < 0) return -1;
  const key = PARAM_KEYS[index]!;
  return text.startsWith(key, at) && text.charCodeAt(at + key.length) === EQUALS ? index : -1;
}

/* sf-integer as serialized: 1 to 15 digits, no sign, no leading zero. The end, or -1. */
function integerEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && isDigitCode(text.charCodeAt(end))) end += 1;
  const digits = end - start;
  if (digits === 0 || digits > MAX_INTEGER_DIGITS || (digits > 1 && text.charCodeAt(start) === ZERO)) return -1;
  return end;
}

/* sf-string with nothing escaped: DQUOTE *( %x20-21 / %x23-5B / %x5D-7E ) DQUOTE. The end (after the quote), or -1. */
function stringEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== DQUOTE) return -1;
  for (let i = start + 1; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === DQUOTE) return i + 1;
    if (code === BACKSLASH || code < 0x20 || code > 0x7e) return -1;
  }
  return -1;
}

function checkParam(key: string, value: unknown): asserts value is BareItem {
  if (!Object.hasOwn(PARAM_TYPES, key)) throw malformed(`unknown signature parameter "${key}"`);
  if (PARAM_TYPES[key as keyof SignatureParams] === 'integer') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 999_999_999_999_999) {
      throw malformed(`signature parameter "${key}" must be a non-negative integer`);
    }
  } else if (typeof value !== 'string' || !isPrintableAsciiText(value)) {
    throw malformed(`signature parameter "${key}" must be a string of printable ASCII`);
  }
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
