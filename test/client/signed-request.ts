/**
 * Test helper: the `SignedRequest` a server would see for a request sent to
 * `url` with these headers and body (Host from the URL, Content-Length for
 * a body), so client signatures can be checked with the server's verifier
 * without a socket.
 */
import type { SignedRequest } from '../../src/sign/scheme.ts';

export function signedRequest(method: string, url: string, headers: Record<string, string>, body?: string | Uint8Array): SignedRequest {
  const parsed = new URL(url);
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const fields = new Map<string, string>([['host', parsed.host]]);
  for (const [name, value] of Object.entries(headers)) fields.set(name.toLowerCase(), value);
  if (bytes !== undefined) fields.set('content-length', String(bytes.length));
  return {
    method,
    target: parsed.pathname + parsed.search,
    path: parsed.pathname,
    search: parsed.search.slice(1),
    authority: parsed.host,
    scheme: parsed.protocol.slice(0, -1),
    header: (name) => fields.get(name),
    body: async () => bytes ?? new Uint8Array(0),
  };
}
