/**
 * The request `signSigV4` signs, read and checked: an absolute http(s) URL,
 * the header fields by lower-case name (each field line kept, in order),
 * and which of them are signed. Headers the signer sets itself
 * (`Authorization`, `X-Amz-Date`, `X-Amz-Security-Token`) cannot be given,
 * and a URL that already carries presigning parameters cannot be
 * presigned again: both throw `ERR_INVALID_OPTION`.
 *
 * Never signed, as in the AWS SDK (`@smithy/signature-v4`): headers that
 * proxies and clients change or drop on the way.
 */
import { SignwireError } from '../../errors.ts';
import { queryParams } from './canonical-query.ts';
import { percentDecode } from './uri-encode.ts';

/** The request to sign, as it will be sent. */
export interface SigV4Request {
  /** "GET", "POST"… as sent (fetch upper-cases the common ones). */
  readonly method: string;
  /** The absolute URL (http: or https:); its path and query are signed as the WHATWG parser serialises them. */
  readonly url: string | URL;
  /** Header fields: a plain object or name/value pairs (a name given twice is two field lines). */
  readonly headers?: Readonly<Record<string, string>> | Iterable<readonly [string, string]> | undefined;
  /** The exact body: text (sent as UTF-8) or bytes. */
  readonly body?: string | Uint8Array | undefined;
}

const UNSIGNABLE = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma',
  'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);
const UNSIGNABLE_PREFIX = /^(?:proxy-|sec-)/;
const GENERATED = new Set(['authorization', 'x-amz-date', 'x-amz-security-token']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;
const PRESIGN_PARAMS = /^x-amz-(?:algorithm|credential|date|expires|signedheaders|signature|security-token|content-sha256)$/;

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `signSigV4: ${message}`);
}

/**
 * The request's URL, parsed; throws `ERR_INVALID_OPTION` for anything but an absolute http(s) URL.
 *
 * @example
 * requestUrl('https://api.example.com/orders?tenant=acme').search; // '?tenant=acme'
 */
export function requestUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalid('"url" must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('"url" must be http: or https:');
  url.hash = '';
  for (const { name, value } of queryParams(url.search.slice(1))) decodedName(name + value);
  return url;
}

/**
 * Header field lines by lower-case name, values trimmed; throws `ERR_INVALID_OPTION`.
 *
 * @example
 * requestFields({ 'Content-Type': ' application/json ' }); // Map { 'content-type' => ['application/json'] }
 */
export function requestFields(headers: SigV4Request['headers']): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const pairs = headers === undefined ? [] : Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers);
  for (const [name, value] of pairs) {
    const lower = String(name).toLowerCase();
    const text = String(value).replace(/^[\t ]+|[\t ]+$/g, '');
    if (!TOKEN.test(lower)) throw invalid(`"${lower}" is not a header name`);
    if (GENERATED.has(lower)) throw invalid(`the ${lower} header is set by the signer (give a session token as "sessionToken")`);
    if (!FIELD_VALUE.test(text)) throw invalid(`the ${lower} header has characters outside visible ASCII`);
    fields.set(lower, [...(fields.get(lower) ?? []), text]);
  }
  return fields;
}

/**
 * The names that are signed, sorted: every field but the unsignable ones.
 *
 * @example
 * signableHeaders(new Map([['user-agent', ['x']], ['host', ['a']], ['content-type', ['b']]])); // ['content-type', 'host']
 */
export function signableHeaders(fields: ReadonlyMap<string, readonly string[]>): string[] {
  return [...fields.keys()].filter((name) => !UNSIGNABLE.has(name) && !UNSIGNABLE_PREFIX.test(name)).sort();
}

/**
 * Throws `ERR_INVALID_OPTION` when the query already has a presigning parameter (it would be sent twice).
 *
 * @example
 * checkNotPresigned('page=2'); // ok
 */
export function checkNotPresigned(search: string): void {
  for (const { name } of queryParams(search)) {
    if (PRESIGN_PARAMS.test(decodedName(name))) throw invalid(`the URL already has ${name}; presign the URL without it`);
  }
}

/** A query name (or any query text) percent-decoded and lower-cased; `ERR_INVALID_OPTION` for a bad "%". */
function decodedName(text: string): string {
  try {
    return percentDecode(text).toString('latin1').toLowerCase();
  } catch {
    throw invalid('the query has a "%" not followed by two hex digits');
  }
}
