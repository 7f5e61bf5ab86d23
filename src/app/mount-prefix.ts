/**
 * Middleware mounted at a path prefix (`app.use('/api', mw)`, and the
 * middleware of a sub-app under `app.route('/v1', sub)`): the prefix is
 * normalised once, matched segment by segment ("/api" takes "/api" and
 * "/api/x", not "/apix"; "/%61pi/x" too), and the running middleware sees
 * it in `c.mountPath`.
 *
 * @example
 * const m = scoped(normalizePrefix('/api/'), audit);
 * prefixMatches(m.prefix, '/api/orders'); // true
 */
import { SignwireError } from '../errors.ts';
import type { Middleware } from './compose.ts';
import type { Context } from './context.ts';

/** One middleware and the prefix it was mounted at. */
export interface Scoped {
  readonly prefix: string;
  /** The middleware as given. */
  readonly raw: Middleware<Context>;
  /** The middleware wrapped to set `c.mountPath` to `prefix`. */
  readonly handler: Middleware<Context>;
}

/**
 * A prefix as matched: it must start with "/"; trailing slashes go ("/" is "", every path).
 *
 * @example
 * normalizePrefix('/api/'); // '/api'
 */
export function normalizePrefix(prefix: string): string {
  if (!prefix.startsWith('/')) throw new SignwireError('ERR_INVALID_OPTION', `prefix "${prefix}" must start with "/"`);
  return prefix.replace(/\/+$/, '');
}

/**
 * Middleware mounted at `prefix`: it runs with `c.mountPath` set to that prefix.
 *
 * @example
 * scoped('/api', audit).handler; // sets c.mountPath = '/api', then runs audit
 */
export function scoped(prefix: string, raw: Middleware<Context>): Scoped {
  if (prefix === '') return { prefix, raw, handler: raw };
  const handler: Middleware<Context> = (c, next) => {
    c.mountPath = prefix;
    return raw(c, next);
  };
  return { prefix, raw, handler };
}

/**
 * "/api" matches "/api" and "/api/..."; "" matches everything. Every
 * spelling of the prefix counts, so that no request reaches what lies under
 * it (a file `serveStatic` decodes its way to) while skipping its
 * middleware: escapes of unreserved characters and of "/" are read decoded
 * (RFC 3986 §6.2.2.2), and "." segments are dropped (§6.2.2.3).
 *
 * @example
 * prefixMatches('/api', '/apix');          // false
 * prefixMatches('/api', '/%61pi%2Forders'); // true
 */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '' || startsWithSegments(path, prefix)) return true;
  return (path.includes('%') || path.includes('/.')) && startsWithSegments(canonicalPath(path), prefix);
}

function startsWithSegments(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 0x2f;
}

/** "/%61pi/./x%2Fy" → "/api/x/y": unreserved characters and "/" decoded, "." and empty segments gone. */
function canonicalPath(path: string): string {
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[\w\-.~/]/.test(char) ? char : escape; // \w: ALPHA, DIGIT and "_"
  });
  return `/${decoded.split('/').filter((segment) => segment !== '' && segment !== '.').join('/')}`;
}
