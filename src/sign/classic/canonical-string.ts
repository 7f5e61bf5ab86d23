/**
 * The string-to-sign of the classic "sorted params + secret" sign, as a
 * pure function of the parameters (WeChat Pay v2, 签名生成的通用步骤):
 *
 *   1. every parameter whose value is not empty, except the sign itself,
 *      sorted by name in ASCII order (here: by UTF-8 bytes, which is ASCII
 *      order for ASCII names and code point order beyond);
 *   2. joined as `k=v&k=v`, names and values as they are: decoded, never
 *      percent-encoded (WeChat signs decoded values);
 *   3. then `&key=SECRET` appended (the name of `key` is configurable).
 *
 * Values other than strings: numbers and booleans as `String(value)`,
 * `null` / `undefined` as absent, objects and arrays as compact JSON
 * (`JSON.stringify`), so a JSON body's nested values are covered too.
 */
import { SignwireError } from '../../errors.ts';

/** A parameter value as a client or a JSON body gives it. */
export type ClassicParamValue = string | number | boolean | null | undefined | object;

/** The text a parameter value is signed as; undefined for an absent one. */
export function paramText(name: string, value: ClassicParamValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  const json = typeof value === 'object' ? JSON.stringify(value) : undefined;
  if (json === undefined) throw new SignwireError('ERR_INVALID_OPTION', `parameter "${name}" cannot be signed: ${typeof value} ${String(value)}`);
  return json;
}

/** Parameters by name: a plain object (a client's) or a map (a request's). */
export type ClassicParams = Readonly<Record<string, ClassicParamValue>> | ReadonlyMap<string, ClassicParamValue>;

/** Step 1–2: the sorted, non-empty parameters except `signField`, as `k=v&k=v`. */
export function canonicalString(params: ClassicParams, signField: string): string {
  const pairs: Array<[string, string]> = [];
  const entries = params instanceof Map ? params.entries() : Object.entries(params);
  for (const [name, value] of entries as Iterable<[string, ClassicParamValue]>) {
    const text = paramText(name, value);
    if (name !== signField && text !== undefined && text !== '') pairs.push([name, text]);
  }
  pairs.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return pairs.map(([name, text]) => `${name}=${text}`).join('&');
}

/** Step 3: what is appended to the canonical string when the secret is part of it. */
export function secretSuffix(secretField: string, secretText: string): string {
  return `&${secretField}=${secretText}`;
}
