/**
 * Test helpers around the AWS SDK's own signer, `@smithy/signature-v4`:
 * build a request, sign or presign it, and turn the result into what
 * signwire sees (a `SignedRequest`, no socket) or into raw bytes for a
 * socket. The query is put on the wire the way the SDK's HTTP handler
 * does (RFC 3986 encoding of every reserved character).
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { getCanonicalHeaders, getPayloadHash, SignatureV4 } from '@smithy/signature-v4';
import type { SignedRequest } from '../../../src/index.ts';

export const ACCESS_KEY_ID = 'AKIDEXAMPLE';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
export const REGION = 'us-east-1';
export const SERVICE = 'orders';
/** The time requests are signed at, in seconds since the epoch; the verifier's clock is set to it. */
export const NOW = 1_795_000_000;
export const SIGNED_AT = new Date(NOW * 1000);

export interface SignerOptions {
  readonly region?: string;
  readonly service?: string;
  readonly accessKeyId?: string;
  readonly sessionToken?: string;
  readonly applyChecksum?: boolean;
  readonly uriEscapePath?: boolean;
}

/** The SDK's signer, opened up to show the canonical request and string to sign it computes. */
export class InspectableSigner extends SignatureV4 {
  /** The SDK's canonical request for a request it signed (headers as signed, payload hash as it chose it). */
  async canonicalRequestOf(request: HttpRequest): Promise<string> {
    return this.createCanonicalRequest(request, getCanonicalHeaders(request), await getPayloadHash(request, Hash.bind(null, 'sha256')));
  }

  /** The SDK's string to sign for a canonical request. */
  stringToSignOf(amzDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(amzDate, scope, canonicalRequest, 'AWS4-HMAC-SHA256');
  }
}

/** The SDK's signer with the test credentials (and the given overrides). */
export function smithySigner(options: SignerOptions = {}): InspectableSigner {
  const credentials = { accessKeyId: options.accessKeyId ?? ACCESS_KEY_ID, secretAccessKey: SECRET, ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }) };
  return new InspectableSigner({
    credentials, region: options.region ?? REGION, service: options.service ?? SERVICE, sha256: Hash.bind(null, 'sha256'),
    ...(options.applyChecksum === undefined ? {} : { applyChecksum: options.applyChecksum }),
    ...(options.uriEscapePath === undefined ? {} : { uriEscapePath: options.uriEscapePath }),
  });
}

export interface RequestParts {
  readonly method?: string;
  /** The path as it goes on the wire (percent-encoded). */
  readonly path?: string;
  readonly query?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** The Host header; default "127.0.0.1:8000". */
  readonly host?: string;
}

/** A request for the SDK's signer: Host, the given headers, and Content-Length for a body. */
export function smithyRequest(parts: RequestParts = {}): HttpRequest {
  const headers: Record<string, string> = { host: parts.host ?? '127.0.0.1:8000', ...parts.headers };
  if (parts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(parts.body));
  return new HttpRequest({
    method: parts.method ?? 'GET', protocol: 'http:', hostname: '127.0.0.1', path: parts.path ?? '/orders',
    query: parts.query ?? {}, headers, ...(parts.body === undefined ? {} : { body: parts.body }),
  });
}

/** Signs with an Authorization header at SIGNED_AT (or `at`). */
export async function signed(parts: RequestParts = {}, signer = smithySigner(), at = SIGNED_AT): Promise<HttpRequest> {
  return (await signer.sign(smithyRequest(parts), { signingDate: at })) as HttpRequest;
}

/** Presigns (the signature in the query) at SIGNED_AT (or `at`), valid for `expiresIn` seconds. */
export async function presigned(parts: RequestParts = {}, options: { signer?: SignatureV4; at?: Date; expiresIn?: number } = {}): Promise<HttpRequest> {
  const signer = options.signer ?? smithySigner();
  return (await signer.presign(smithyRequest(parts), { signingDate: options.at ?? SIGNED_AT, expiresIn: options.expiresIn ?? 3600 })) as HttpRequest;
}

/** RFC 3986 encoding, as the SDK puts query parameters on the wire. */
function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The query string of a request, as the SDK sends it. */
export function queryString(query: HttpRequest['query']): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) pairs.push(one === null ? escape(name) : `${escape(name)}=${escape(one)}`);
  }
  return pairs.join('&');
}

/** What signwire sees of a signed request, without a socket. */
export function asSignedRequest(request: HttpRequest): SignedRequest {
  const search = queryString(request.query);
  const headers = new Map(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    method: request.method,
    target: search === '' ? request.path : `${request.path}?${search}`,
    path: request.path,
    search,
    authority: headers.get('host') ?? '',
    scheme: 'http',
    header: (name) => headers.get(name.toLowerCase()),
    headerLines: (name) => (headers.has(name.toLowerCase()) ? [headers.get(name.toLowerCase())!] : []),
    body: () => Promise.resolve(Buffer.from(typeof request.body === 'string' ? request.body : '')),
  };
}

/** The request as raw HTTP/1.1 bytes for a socket, headers exactly as signed. */
export function rawRequest(request: HttpRequest): Buffer {
  const search = queryString(request.query);
  const head = [`${request.method} ${request.path}${search === '' ? '' : `?${search}`} HTTP/1.1`];
  for (const [name, value] of Object.entries(request.headers)) head.push(`${name}: ${value}`);
  const body = typeof request.body === 'string' ? request.body : '';
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}
