/**
 * The CanonicalQueryString line of a SigV4 canonical request, from the
 * query string as sent:
 *
 *   1. split on `&`; a parameter without `=` has an empty value;
 *   2. percent-decode each name and value to bytes (`+` stays a plus) and
 *      UriEncode them again, so every client's encoding signs the same;
 *   3. sort by encoded name, then by encoded value (byte order);
 *   4. join as `name=value&name=value`.
 *
 * `X-Amz-Signature` (a presigned URL's signature, in any case) is left out,
 * as it cannot sign itself; the AWS SDKs leave it out the same way.
 */
import { percentDecode, uriEncode } from './uri-encode.ts';

/** One query parameter as sent, split but not decoded. */
export interface RawQueryParam {
  readonly name: string;
  readonly value: string;
}

/**
 * The parameters of a query string as sent, in order, not decoded; empty
 * pieces (`a=1&&b=2`) are skipped.
 *
 * @example
 * queryParams('b=2&a'); // [{ name: 'b', value: '2' }, { name: 'a', value: '' }]
 */
export function queryParams(search: string): RawQueryParam[] {
  const params: RawQueryParam[] = [];
  for (const piece of search.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    params.push(eq === -1 ? { name: piece, value: '' } : { name: piece.slice(0, eq), value: piece.slice(eq + 1) });
  }
  return params;
}

/** The parameter that carries a presigned URL's signature. */
const SIGNATURE_PARAM = 'X-Amz-Signature';
const SIGNATURE_PARAM_LOWER = SIGNATURE_PARAM.toLowerCase();

/**
 * The canonical query string of `search` (the query as sent, without `?`).
 *
 * @example
 * canonicalQuery('Param2=value2&Param1=value1');   // 'Param1=value1&Param2=value2'
 * canonicalQuery('a=x%2Fy&X-Amz-Signature=f00');   // 'a=x%2Fy'
 */
export function canonicalQuery(search: string): string {
  const pairs: Array<[string, string]> = [];
  for (const { name, value } of queryParams(search)) {
    const decodedName = percentDecode(name);
    if (decodedName.toString('latin1').toLowerCase() === SIGNATURE_PARAM_LOWER) continue;
    pairs.push([uriEncode(decodedName), uriEncode(percentDecode(value))]);
  }
  pairs.sort(([a, x], [b, y]) => compare(a, b) || compare(x, y));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** Byte order; the encoded strings are ASCII, so code-unit order is byte order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
