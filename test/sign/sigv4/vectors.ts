/**
 * The AWS SigV4 test suite in ../shared/vectors/aws-sigv4, read as data:
 * each case's context (credentials, region, service, time, whether the path
 * is normalized), its raw requests (as written, with LF line endings,
 * obs-fold and unencoded targets where the case has them) and the expected
 * canonical requests, strings to sign and signatures, for the header and
 * the query (presigned) variants.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { SignedRequest } from '../../../src/index.ts';

export const VECTORS_DIR = new URL('../../../../shared/vectors/aws-sigv4/', import.meta.url);

export type Variant = 'header' | 'query';

export interface VectorContext {
  readonly credentials: { readonly access_key_id: string; readonly secret_access_key: string; readonly token?: string };
  readonly expiration_in_seconds: number;
  readonly normalize: boolean;
  readonly region: string;
  readonly service: string;
  readonly sign_body: boolean;
  readonly timestamp: string;
  readonly omit_session_token?: boolean;
}

export interface VectorRequest {
  readonly method: string;
  /** The request-target as written (may hold spaces or raw UTF-8). */
  readonly target: string;
  readonly path: string;
  readonly search: string;
  /** Field lines in order, obs-fold unfolded into one value. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  readonly body: Buffer;
}

export interface VectorCase {
  readonly name: string;
  readonly context: VectorContext;
  readonly request: VectorRequest;
  /** The expected canonical request, string to sign and signature, and the signed request's raw text, per variant. */
  readonly expected: Readonly<Record<Variant, { canonicalRequest: string; stringToSign: string; signature: string; signedRequest: string }>>;
}

/** Whether the suite is here (a clone without ../shared has none). */
export function vectorsPresent(): boolean {
  return existsSync(VECTORS_DIR);
}

/** Every case of the suite, by directory name. */
export function loadVectors(): VectorCase[] {
  const names = readdirSync(VECTORS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return names.map((name) => {
    const read = (file: string): string => readFileSync(new URL(`${name}/${file}`, VECTORS_DIR), 'utf8');
    const variant = (v: Variant) => ({
      canonicalRequest: read(`${v}-canonical-request.txt`),
      stringToSign: read(`${v}-string-to-sign.txt`),
      signature: read(`${v}-signature.txt`).trim(),
      signedRequest: read(`${v}-signed-request.txt`),
    });
    return { name, context: JSON.parse(read('context.json')) as VectorContext, request: parseVectorRequest(read('request.txt')), expected: { header: variant('header'), query: variant('query') } };
  });
}

/** A request as the suite writes it: LF line endings, a target that may hold spaces, obs-fold. */
export function parseVectorRequest(text: string): VectorRequest {
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text.replace(/\n$/, '') : text.slice(0, split);
  const body = split === -1 ? Buffer.alloc(0) : Buffer.from(text.slice(split + 2), 'utf8');
  const [line, ...fieldLines] = head.split('\n');
  const method = line!.slice(0, line!.indexOf(' '));
  const target = line!.slice(method.length + 1, line!.lastIndexOf(' '));
  const headers: Array<[string, string]> = [];
  for (const field of fieldLines) {
    if (/^[ \t]/.test(field)) headers[headers.length - 1]![1] += ` ${field.trim()}`;
    else headers.push([field.slice(0, field.indexOf(':')), field.slice(field.indexOf(':') + 1).trim()]);
  }
  const query = target.indexOf('?');
  return { method, target, path: query === -1 ? target : target.slice(0, query), search: query === -1 ? '' : target.slice(query + 1), headers, body };
}

/** The request as a scheme sees it, without a socket. */
export function signedRequestOf(request: VectorRequest): SignedRequest {
  const lines = (name: string): string[] => request.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return {
    method: request.method,
    target: request.target,
    path: request.path,
    search: request.search,
    authority: lines('host')[0] ?? '',
    scheme: 'http',
    header: (name) => (lines(name).length === 0 ? undefined : lines(name).join(', ')),
    headerLines: lines,
    body: () => Promise.resolve(request.body),
  };
}

/** The raw text of a signed request as bytes for a socket: its head with CRLF line endings, then the body. */
export function wireBytes(signedRequest: string): Buffer {
  const split = signedRequest.indexOf('\n\n');
  const head = signedRequest.slice(0, split).replace(/\n/g, '\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), Buffer.from(signedRequest.slice(split + 2), 'utf8')]);
}

/** The vector's time, in ms since the epoch, for the verifier's clock. */
export function vectorTime(context: VectorContext): number {
  return Date.parse(context.timestamp);
}
