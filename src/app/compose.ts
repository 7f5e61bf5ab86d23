/**
 * The middleware engine: runs a chain of handlers, each of which may `await
 * next()` to run the rest of the chain and then act on the result (Koa and
 * Hono style). Calling `next()` twice from one handler is an error.
 *
 * @example
 * app.use(async (c, next) => {
 *   const started = performance.now();
 *   await next();
 *   c.header('Server-Timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
 * });
 */
import { SignwireError } from '../errors.ts';
import { isThenable } from '../thenable.ts';

export type Next = () => Promise<void>;
export type Middleware<C> = (c: C, next: Next) => unknown;

const DONE: Promise<void> = Promise.resolve();
/** The `next` of a lone handler: shared, so a request with no middleware allocates no closure for it. */
const LAST: Next = () => DONE;

/**
 * Runs `chain` on `c`. Returns `undefined` when every handler finished
 * synchronously (the common case for a single handler: no promise at all),
 * else a promise of the whole chain.
 */
export function compose<C>(chain: readonly Middleware<C>[], c: C): Promise<void> | undefined {
  if (chain.length === 1 && takesNoNext(chain[0]!)) return runHandler(chain[0]!, c)?.then(noop);
  let called = -1;
  const dispatch = (i: number): Promise<void> => {
    if (i <= called) return Promise.reject(new SignwireError('ERR_NEXT_CALLED_TWICE', 'next() called more than once'));
    called = i;
    const handler = chain[i];
    if (handler === undefined) return DONE;
    try {
      const result = handler(c, () => dispatch(i + 1));
      return isThenable(result) ? Promise.resolve(result).then(noop) : DONE; // a foreign thenable is adopted
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return dispatch(0);
}

/**
 * True for a handler declared without a `next` parameter: alone in a chain,
 * it can run through `runHandler`. Reading a function's `length` is slow
 * next to the rest of a request, so the app asks once per route, not per request.
 *
 * @example
 * takesNoNext((c) => c.text('hi')); // true
 */
export function takesNoNext<C>(handler: Middleware<C>): boolean {
  return handler.length < 2;
}

/**
 * Runs a lone handler that takes no `next` (see `takesNoNext`): `undefined`
 * when it finished synchronously (no promise made at all), else its promise,
 * as it is.
 *
 * @example
 * runHandler((c) => c.text('hi'), c); // undefined: the answer is set
 */
export function runHandler<C>(handler: Middleware<C>, c: C): Promise<unknown> | undefined {
  const result = handler(c, LAST);
  return isThenable(result) ? Promise.resolve(result) : undefined; // a native promise as is, a foreign thenable adopted
}

function noop(): void {}
