/**
 * The options of the classic sign, their defaults (one frozen object) and
 * their validation: every option is checked when the scheme is built, and
 * a bad one throws `ERR_INVALID_OPTION` naming it, never a request later.
 *
 * Rules enforced here: a plain digest (md5, sha1, sha256) must have the
 * secret appended, or it would sign nothing secret; field names are
 * non-empty visible ASCII, distinct, and free of `&` and `=` (they are
 * joined as `k=v&`) and of `"` and `,` (they are listed in the challenge).
 */
import { SignwireError } from '../../errors.ts';
import { CLASSIC_ALGORITHMS, isClassicAlgorithm, type ClassicAlgorithm } from './digest.ts';

/** Where parameters are read from. */
export type ClassicSource = 'query' | 'body' | 'headers';

export interface ClassicSignOptions {
  /** The digest; default `'hmac-sha256'`. The request cannot choose another. */
  readonly algorithm?: ClassicAlgorithm;
  /** Where parameters come from, merged (a name found twice is malformed); default `['query', 'body']`. */
  readonly from?: readonly ClassicSource[];
  /** With `from` including `'headers'`: the header names read as parameters; default the five field names. */
  readonly headers?: readonly string[];
  /** The parameter naming the key id (`keys[appKey]`); default `'appid'`. */
  readonly appKeyField?: string;
  /** The parameter carrying the hex signature (never signed itself); default `'sign'`. */
  readonly signField?: string;
  /** The parameter carrying the time of signing; default `'timestamp'`. */
  readonly timestampField?: string;
  /** The parameter carrying the one-time nonce; default `'nonce_str'`. */
  readonly nonceField?: string;
  /** An optional parameter naming the algorithm (WeChat's `sign_type`); when sent it must match `algorithm`. */
  readonly algorithmField?: string;
  /** Whether the timestamp counts seconds or milliseconds since the epoch; default `'s'`. */
  readonly timestampUnit?: 's' | 'ms';
  /** The name in the appended `&key=SECRET`; default `'key'`. */
  readonly secretField?: string;
  /** Append `&key=SECRET` before digesting; default true (required for plain digests). */
  readonly appendSecret?: boolean;
  /** The case of the hex signature `classicSignature` produces; default `'upper'`. Verification accepts either. */
  readonly hexCase?: 'upper' | 'lower';
}

/** The options with every default filled in. */
export interface ClassicConfig {
  readonly algorithm: ClassicAlgorithm;
  readonly from: readonly ClassicSource[];
  readonly headers: readonly string[];
  readonly appKeyField: string;
  readonly signField: string;
  readonly timestampField: string;
  readonly nonceField: string;
  readonly algorithmField: string | undefined;
  readonly timestampUnit: 's' | 'ms';
  readonly secretField: string;
  readonly appendSecret: boolean;
  readonly hexCase: 'upper' | 'lower';
}

/** Every default, in one frozen object (docs/signing.md lists them). */
export const CLASSIC_DEFAULTS: Readonly<Omit<ClassicConfig, 'headers' | 'algorithmField'>> = Object.freeze({
  algorithm: 'hmac-sha256',
  from: Object.freeze<ClassicSource[]>(['query', 'body']),
  appKeyField: 'appid',
  signField: 'sign',
  timestampField: 'timestamp',
  nonceField: 'nonce_str',
  timestampUnit: 's',
  secretField: 'key',
  appendSecret: true,
  hexCase: 'upper',
});

const SOURCES: readonly ClassicSource[] = ['query', 'body', 'headers'];
const FIELDS = ['appKeyField', 'signField', 'timestampField', 'nonceField', 'algorithmField', 'secretField'] as const;
const KNOWN = new Set<string>(['algorithm', 'from', 'headers', 'timestampUnit', 'appendSecret', 'hexCase', ...FIELDS]);

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `classicSign: ${message}`);
}

/** Validates `options` and fills in the defaults; throws `ERR_INVALID_OPTION`. */
export function resolveClassicOptions(options: ClassicSignOptions = {}): ClassicConfig {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  for (const name of Object.keys(options)) if (!KNOWN.has(name)) throw invalid(`unknown option "${name}"`);
  const algorithm = options.algorithm ?? CLASSIC_DEFAULTS.algorithm;
  if (!isClassicAlgorithm(algorithm)) throw invalid(`"algorithm" must be one of ${Object.keys(CLASSIC_ALGORITHMS).join(', ')}`);
  const fields = checkFields(options);
  const from = checkSources(options.from ?? CLASSIC_DEFAULTS.from);
  const appendSecret = oneOf('appendSecret', options.appendSecret ?? CLASSIC_DEFAULTS.appendSecret, [true, false]);
  if (!appendSecret && !CLASSIC_ALGORITHMS[algorithm].keyed) throw invalid(`"appendSecret: false" leaves ${algorithm} without a secret; use an hmac algorithm`);
  return Object.freeze({
    algorithm,
    from,
    headers: checkHeaders(options.headers, from, fields),
    ...fields,
    timestampUnit: oneOf('timestampUnit', options.timestampUnit ?? CLASSIC_DEFAULTS.timestampUnit, ['s', 'ms']),
    appendSecret,
    hexCase: oneOf('hexCase', options.hexCase ?? CLASSIC_DEFAULTS.hexCase, ['upper', 'lower']),
  });
}

type Fields = Pick<ClassicConfig, (typeof FIELDS)[number]>;

function checkFields(options: ClassicSignOptions): Fields {
  const fields = {
    appKeyField: options.appKeyField ?? CLASSIC_DEFAULTS.appKeyField,
    signField: options.signField ?? CLASSIC_DEFAULTS.signField,
    timestampField: options.timestampField ?? CLASSIC_DEFAULTS.timestampField,
    nonceField: options.nonceField ?? CLASSIC_DEFAULTS.nonceField,
    algorithmField: options.algorithmField,
    secretField: options.secretField ?? CLASSIC_DEFAULTS.secretField,
  };
  const seen = new Set<string>();
  for (const option of FIELDS) {
    const value: unknown = fields[option];
    if (value === undefined && option === 'algorithmField') continue;
    if (typeof value !== 'string' || !/^[\x21-\x7e]+$/.test(value) || /[&=",]/.test(value)) {
      throw invalid(`"${option}" must be a non-empty name of visible ASCII without & = " ,`);
    }
    if (seen.has(value)) throw invalid(`"${option}" repeats the field name "${value}"`);
    seen.add(value);
  }
  return fields;
}

function checkSources(from: readonly ClassicSource[]): readonly ClassicSource[] {
  const ok = Array.isArray(from) && from.length > 0 && from.every((s) => SOURCES.includes(s)) && new Set(from).size === from.length;
  if (!ok) throw invalid(`"from" must list distinct sources among ${SOURCES.join(', ')}`);
  return Object.freeze([...from]);
}

function checkHeaders(headers: readonly string[] | undefined, from: readonly ClassicSource[], fields: Fields): readonly string[] {
  if (!from.includes('headers')) {
    if (headers !== undefined) throw invalid('"headers" needs "headers" in "from"');
    return [];
  }
  const names = headers ?? signatureFields(fields);
  const ok = Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string' && /^[!#$%'*+.^`|~\w-]+$/.test(n));
  if (!ok) throw invalid('"headers" must be a non-empty list of header names');
  return Object.freeze([...names]);
}

/** The fields a signed request carries besides its business parameters, in the order the challenge lists them. */
export function signatureFields(fields: Omit<Fields, 'secretField'>): string[] {
  const optional = fields.algorithmField === undefined ? [] : [fields.algorithmField];
  return [fields.appKeyField, fields.timestampField, fields.nonceField, ...optional, fields.signField];
}

function oneOf<const T>(option: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw invalid(`"${option}" must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`);
  return value;
}
