/**
 * The request as RFC 9421 components see it, built on the client side from
 * what fetch will send: the method, the URL (request-target = path + query,
 * authority = host[:port], or the Host field when one is given) and the
 * normalised header fields.
 */
import type { RequestMessage } from '../sign/rfc9421/message.ts';
import { normalizeMethod } from './request-input.ts';

/**
 * The request message components are read from. `url` must be absolute
 * (http: or https:); a `host` field, when given, is the authority.
 *
 * @example
 * requestMessage('POST', new URL('https://api.example.com/orders?x=1'), new Map());
 * // { method: 'POST', target: '/orders?x=1', path: '/orders', search: 'x=1', authority: 'api.example.com', scheme: 'https', … }
 */
export function requestMessage(method: string, url: URL, fields: ReadonlyMap<string, string>): RequestMessage {
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') throw new TypeError(`signRequest: the URL must be http: or https:, got ${url.protocol}`);
  return {
    method: normalizeMethod(method),
    target: url.pathname + url.search,
    path: url.pathname,
    search: url.search.slice(1),
    authority: fields.get('host') ?? url.host,
    scheme,
    header: (name) => fields.get(name),
  };
}
