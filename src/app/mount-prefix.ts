/**
 * Middleware mounted at a path prefix (`app.use('/api', mw)`, and the
 * middleware of a sub-app under `app.route('/v1', sub)`): the prefix is
 * normalised once, matched segment by segment ("/api" takes "/api" and
 * "/api/x", not "/apix"), and the running middleware sees it in
 * `c.mountPath`.
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
 * "/api" matches "/api" and "/api/..."; "" matches everything.
 *
 * @example
 * prefixMatches('/api', '/apix'); // false
 */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '') return true;
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 0x2f;
}
