/**
 * The answers built from `Allow` (RFC 9110 §10.2.1), for a request no route
 * takes by its method:
 *
 * - a path with routes for other methods: **405** with `Allow` (§15.5.6:
 *   "The origin server MUST generate an Allow header field in a 405
 *   response containing a list of the target resource's currently
 *   supported methods");
 * - `OPTIONS` on such a path: **204** with `Allow` (§9.3.7);
 * - `OPTIONS *`, which "applies to the server in general rather than to a
 *   specific resource" (§9.3.7): **204** with `Allow` listing every method
 *   the app serves somewhere.
 *
 * `Allow` always names `OPTIONS`, and `HEAD` wherever `GET` is served (the
 * GET route answers it); a route for every method stands for the standard
 * set.
 */
import type { Context } from './context.ts';
import { ANY_METHOD } from './router.ts';

/** What a route for every method (`app.all`) stands for in `Allow`. */
const STANDARD_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The `Allow` value for the methods routes were registered with.
 *
 * @example
 * allowField(['GET', 'POST']); // 'GET, POST, HEAD, OPTIONS'
 * allowField(['*']);           // 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD'
 */
export function allowField(registered: Iterable<string>): string {
  const methods = new Set<string>();
  for (const method of registered) {
    if (method === ANY_METHOD) for (const standard of STANDARD_METHODS) methods.add(standard);
    else methods.add(method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].join(', ');
}

/**
 * Sets `Allow`, then answers 204 to `OPTIONS` and 405 `ERR_METHOD_NOT_ALLOWED` to anything else.
 *
 * @example
 * app.get('/orders', list);
 * // OPTIONS /orders → 204, Allow: GET, HEAD, OPTIONS;  DELETE /orders → 405, same Allow
 * allowAnswer(c, router.allowedMethods('/orders'));
 */
export function allowAnswer(c: Context, registered: Iterable<string>): void {
  c.res.setHeader('Allow', allowField(registered));
  if (c.req.method === 'OPTIONS') c.status(204);
  else c.json({ error: { code: 'ERR_METHOD_NOT_ALLOWED', message: `${c.req.method} is not allowed here` } }, 405);
}
