/**
 * `signSigV4(request, options)`: signs a request with AWS Signature Version
 * 4, as the AWS SDKs do, from the same pure functions the `sigv4()`
 * verifier recomputes (canonical request, string to sign, signing key), so
 * the signer and the verifier cannot drift apart. Pure apart from the
 * clock (`date` defaults to now).
 *
 * What is signed: `host` (from the URL unless a Host header is given),
 * every given header except those the AWS SDK never signs (hop-by-hop
 * ones, `user-agent`, `proxy-*`, `sec-*`…), and what the signer adds:
 *
 *   header form   X-Amz-Date, X-Amz-Content-Sha256 (the body's SHA-256, or
 *                 UNSIGNED-PAYLOAD), X-Amz-Security-Token with a session
 *                 token; then Authorization carries the signature;
 *   presigned     X-Amz-Algorithm, -Credential, -Date, -Expires,
 *                 -SignedHeaders (and -Security-Token, or
 *                 -Content-Sha256=UNSIGNED-PAYLOAD) added to the query,
 *                 then X-Amz-Signature.
 *
 * A given `x-amz-content-sha256` header is signed as the payload hash, as
 * the SDK does. Header values must be visible ASCII (what the verifier
 * accepts); bad input throws `ERR_INVALID_OPTION`.
 */
import { createHash } from 'node:crypto';
import { SignwireError } from '../../errors.ts';
import { formatAmzDate } from './amz-date.ts';
import { canonicalRequest } from './canonical-request.ts';
import { UNSIGNED_PAYLOAD } from './payload-hash.ts';
import { resolveSignOptions, type SigV4SignConfig, type SigV4SignOptions } from './sign-options.ts';
import { sigv4Signature, sigv4SigningKey } from './signing-key.ts';
import { SIGV4_ALGORITHM, credentialScope, stringToSign, type CredentialScope } from './string-to-sign.ts';
import { checkNotPresigned, requestFields, requestUrl, signableHeaders, type SigV4Request } from './sign-request.ts';
import { uriEncode } from './uri-encode.ts';

export type { SigV4Request } from './sign-request.ts';
export type { SigV4SignOptions } from './sign-options.ts';

/** A signed request: where to send it, what to add, and what was signed (to compare with a server's debug answer). */
export interface SigV4Signed {
  /** The URL to send to: the request's own, or the presigned one. */
  readonly url: string;
  /** The headers to add (header form), or none (presigned: the signature is in `url`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The signed header names, lower-case and sorted. */
  readonly signedHeaders: readonly string[];
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/** What every signature of one request shares. */
interface Signing {
  readonly method: string;
  readonly url: URL;
  readonly fields: Map<string, string[]>;
  readonly hash: string;
  readonly amzDate: string;
  readonly scope: CredentialScope;
  readonly config: SigV4SignConfig;
}

/**
 * Signs `request` with an Authorization header, or with `presign`, as a presigned URL.
 *
 * @example
 * const body = JSON.stringify({ item: 'book' });
 * const headers = { 'content-type': 'application/json' };
 * const signed = signSigV4({ method: 'POST', url: 'https://api.example.com/orders', headers, body },
 *   { accessKeyId: 'AKIDEXAMPLE', secret: process.env.ORDERS_SECRET!, region: 'us-east-1', service: 'orders' });
 * await fetch(signed.url, { method: 'POST', headers: { ...headers, ...signed.headers }, body });
 *
 * signSigV4({ method: 'GET', url: 'https://api.example.com/orders/7' }, { ...credentials, presign: { expires: 300 } }).url;
 * // 'https://api.example.com/orders/7?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Signature=…'
 */
export function signSigV4(request: SigV4Request, options: SigV4SignOptions): SigV4Signed {
  const config = resolveSignOptions(options);
  const url = requestUrl(request.url);
  const fields = requestFields(request.headers);
  if (!fields.has('host')) fields.set('host', [url.host]);
  const amzDate = formatAmzDate(config.seconds);
  const scope = { date: amzDate.slice(0, 8), region: config.region, service: config.service };
  const signing = { method: requestMethod(request.method), url, fields, hash: payloadHashOf(fields, request.body, config), amzDate, scope, config };
  return config.expires === undefined ? withAuthorization(signing) : presigned(signing, config.expires);
}

function withAuthorization(s: Signing): SigV4Signed {
  const added: Record<string, string> = { 'X-Amz-Date': s.amzDate };
  if (s.config.sessionToken !== undefined) added['X-Amz-Security-Token'] = s.config.sessionToken;
  if (!s.fields.has('x-amz-content-sha256')) added['X-Amz-Content-Sha256'] = s.hash;
  for (const [name, value] of Object.entries(added)) s.fields.set(name.toLowerCase(), [value]);
  const signedHeaders = signableHeaders(s.fields);
  const signed = signatureOf(s, s.url.search.slice(1), signedHeaders);
  added['Authorization'] = `${SIGV4_ALGORITHM} Credential=${s.config.accessKeyId}/${credentialScope(s.scope)}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signed.signature}`;
  return { url: s.url.href, headers: added, signedHeaders, canonicalRequest: signed.canonical, stringToSign: signed.toSign };
}

function presigned(s: Signing, expires: number): SigV4Signed {
  checkNotPresigned(s.url.search.slice(1));
  const signedHeaders = signableHeaders(s.fields);
  const params: Array<[string, string]> = [
    ['X-Amz-Algorithm', SIGV4_ALGORITHM],
    ['X-Amz-Credential', `${s.config.accessKeyId}/${credentialScope(s.scope)}`],
    ['X-Amz-Date', s.amzDate],
    ['X-Amz-Expires', String(expires)],
    ['X-Amz-SignedHeaders', signedHeaders.join(';')],
  ];
  if (s.config.sessionToken !== undefined) params.push(['X-Amz-Security-Token', s.config.sessionToken]);
  if (s.hash === UNSIGNED_PAYLOAD && !s.fields.has('x-amz-content-sha256')) params.push(['X-Amz-Content-Sha256', UNSIGNED_PAYLOAD]);
  const search = [s.url.search.slice(1), ...params.map(([name, value]) => `${name}=${uriEncode(value)}`)].filter((part) => part !== '').join('&');
  const signed = signatureOf(s, search, signedHeaders);
  const url = new URL(s.url.href);
  url.search = `${search}&X-Amz-Signature=${signed.signature}`;
  return { url: url.href, headers: {}, signedHeaders, canonicalRequest: signed.canonical, stringToSign: signed.toSign };
}

function signatureOf(s: Signing, search: string, signedHeaders: readonly string[]): { canonical: string; toSign: string; signature: string } {
  const canonical = canonicalRequest({
    method: s.method, path: s.url.pathname, search,
    headers: (name) => s.fields.get(name), signedHeaders, payloadHash: s.hash, normalizePath: s.config.normalizePath,
  });
  const toSign = stringToSign(s.amzDate, s.scope, canonical);
  return { canonical, toSign, signature: sigv4Signature(sigv4SigningKey(s.config.secret, s.scope), toSign) };
}

/** A given x-amz-content-sha256, else UNSIGNED-PAYLOAD when asked, else the hex SHA-256 of the body (empty without one). */
function payloadHashOf(fields: ReadonlyMap<string, string[]>, body: SigV4Request['body'], config: SigV4SignConfig): string {
  const declared = fields.get('x-amz-content-sha256');
  if (declared !== undefined) return declared.join(',');
  if (config.unsignedPayload) return UNSIGNED_PAYLOAD;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) throw invalid('"body" must be a string or bytes');
  return createHash('sha256').update(body ?? '').digest('hex');
}

function requestMethod(method: unknown): string {
  if (typeof method !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) throw invalid('"method" must be an HTTP method');
  return method;
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `signSigV4: ${message}`);
}
