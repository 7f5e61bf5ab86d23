/**
 * Shared fixture of the RFC 9421 tests: messages built from field pairs,
 * a message with one covered component changed, and the vectors' folder.
 */
import type { SignedRequest } from '../../src/sign/scheme.ts';
import type { ComponentInput, HttpMessage, RequestMessage, ResponseMessage } from '../../src/sign/rfc9421/index.ts';

export const VECTORS = new URL('../../../shared/vectors/rfc9421/', import.meta.url);
export const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;

// Checked by the compiler: the server's SignedRequest is a RequestMessage as it is.
export const _signedRequestFits = (req: SignedRequest): RequestMessage => req;

export type Fields = ReadonlyArray<readonly [string, string]>;

export function fields(pairs: Fields): Pick<RequestMessage, 'header' | 'headerLines'> {
  const lines = (name: string) => pairs.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  return { headerLines: lines, header: (name) => (lines(name).length > 0 ? lines(name).join(', ') : undefined) };
}

export function request(target: string, pairs: Fields = [], more: Partial<RequestMessage> = {}): RequestMessage {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const search = q < 0 ? '' : target.slice(q + 1);
  return { method: 'POST', target, path, search, authority: 'example.com', scheme: 'https', ...fields(pairs), ...more };
}

export function response(status: number, pairs: Fields = [], req?: RequestMessage): ResponseMessage {
  return { status, ...fields(pairs), ...(req === undefined ? {} : { request: req }) };
}

/** The message with one covered component changed. */
export function changed(message: HttpMessage, component: ComponentInput): HttpMessage {
  const name = typeof component === 'string' ? component : component.name;
  if ('status' in message) {
    if (name === '@status') return { ...message, status: message.status + 1 };
    return { ...message, ...withField(message, name) };
  }
  const req = message;
  const retarget = (target: string): RequestMessage => ({ ...request(target), header: req.header, headerLines: req.headerLines! });
  const change: Record<string, () => RequestMessage> = {
    '@method': () => ({ ...req, method: 'PUT' }),
    '@authority': () => ({ ...req, authority: 'example.org' }),
    '@path': () => retarget(req.target.replace('/foo', '/bar')),
    '@query': () => retarget(req.target.replace('dog', 'cat')),
    '@query-param': () => retarget(req.target.replace('dog', 'cat')),
  };
  return change[name]?.() ?? { ...req, ...withField(req, name) };
}

export function withField(message: HttpMessage, name: string): Pick<RequestMessage, 'header' | 'headerLines'> {
  const header = (n: string) => (n === name ? `${message.header(n) ?? ''}x` : message.header(n));
  return { header, headerLines: (n) => (header(n) === undefined ? undefined : [header(n)!]) };
}

