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
import { isPrintableAsciiText } from '../structured-fields/chars.ts';
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
