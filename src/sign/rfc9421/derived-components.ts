/**
 * Derived components (RFC 9421 §2.2): values taken from the control data
 * of a message rather than from a field. One table, one entry per name:
 * which message it applies to, which parameters it takes, and how its value
 * is derived. `@signature-params` is not here: it is the last line of every
 * signature base and never a covered component (§2.3).
 */
import { SignatureError } from '../errors.ts';
import type { RequestMessage, ResponseMessage } from './message.ts';
import { queryParamValue } from './query-param.ts';

/** A derived component that applies to requests (and to responses with `req`). */
interface RequestComponent {
  readonly target: 'request';
  /** Parameters it requires, besides `req` which every request component accepts. */
  readonly params: readonly string[];
  value(request: RequestMessage, params: { readonly name?: string }): string;
}

/** A derived component that applies to responses only. */
interface ResponseComponent {
  readonly target: 'response';
  readonly params: readonly string[];
  value(response: ResponseMessage): string;
}

export type DerivedComponent = RequestComponent | ResponseComponent;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/**
 * The derived components of RFC 9421 §2.2, by name.
 *
 * @example
 * Object.keys(DERIVED_COMPONENTS); // ['@method', '@target-uri', …, '@status']
 */
export const DERIVED_COMPONENTS: Readonly<Record<string, DerivedComponent>> = Object.freeze({
  /** §2.2.1 "The component value is canonicalized by taking the value of the method as a string." (case kept) */
  '@method': request((req) => req.method),
  /** §2.2.2 "the target URI of the request ([HTTP], Section 7.1), assembled from all available URI components" */
  '@target-uri': request(targetUri),
  /** §2.2.3 "normalized according to … [HTTP], Section 4.2.3. Namely, the hostname is normalized to lowercase, and the default port is omitted." */
  '@authority': request((req) => normalizeAuthority(req.authority, req.scheme)),
  /** §2.2.4 "the scheme as a lowercase string" */
  '@scheme': request((req) => req.scheme.toLowerCase()),
  /** §2.2.5 "the request target portion of the request line" (as sent) */
  '@request-target': request((req) => req.target),
  /** §2.2.6 "an empty path string is normalized as a single slash (/) character"; percent-encoding kept */
  '@path': request((req) => (req.path === '' ? '/' : req.path)),
  /** §2.2.7 "the entire normalized query string … including the leading ?" — "?" alone when there is none */
  '@query': request((req) => `?${req.search}`),
  /** §2.2.8 one query parameter, named by the required `name` parameter */
  '@query-param': request((req, params) => queryParamValue(req.search, params.name ?? ''), ['name']),
  /** §2.2.9 "the three-digit numeric HTTP status code of a response message" */
  '@status': { target: 'response', params: [], value: statusValue },
});

function request(value: RequestComponent['value'], params: readonly string[] = []): RequestComponent {
  return { target: 'request', params, value };
}

/**
 * The authority normalised per RFC 9110 §4.2.3: lowercase, without the
 * scheme's default port (or an empty port).
 *
 * @example
 * normalizeAuthority('Example.COM:443', 'https'); // 'example.com'
 */
export function normalizeAuthority(authority: string, scheme: string): string {
  const lower = authority.toLowerCase();
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  if (lower.endsWith(':')) return lower.slice(0, -1);
  if (defaultPort !== undefined && lower.endsWith(`:${defaultPort}`)) {
    return lower.slice(0, -(defaultPort.length + 1));
  }
  return lower;
}

/**
 * The target URI (RFC 9110 §7.1): an absolute-form target as sent;
 * otherwise scheme "://" authority, then an origin-form target (nothing for
 * the asterisk form, the authority form alone for CONNECT).
 *
 * @example
 * targetUri({ scheme: 'https', authority: 'www.example.com', target: '/path?param=value', … }); // 'https://www.example.com/path?param=value'
 */
export function targetUri(req: Pick<RequestMessage, 'scheme' | 'authority' | 'target'>): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(req.target)) return req.target;
  const scheme = req.scheme.toLowerCase();
  if (req.target.startsWith('/')) return `${scheme}://${normalizeAuthority(req.authority, scheme)}${req.target}`;
  if (req.target === '*') return `${scheme}://${normalizeAuthority(req.authority, scheme)}`;
  return `${scheme}://${normalizeAuthority(req.target, scheme)}`;
}

function statusValue(res: ResponseMessage): string {
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 999) {
    throw new SignatureError('ERR_SIG_COMPONENTS', `"@status" needs a three-digit status, got ${String(res.status)}`);
  }
  return String(res.status);
}
