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

export type Next = () => Promise<void>;
export type Middleware<C> = (c: C, next: Next) => unknown;

const DONE: Promise<void> = Promise.resolve();

/**
 * Runs `chain` on `c`. Returns `undefined` when every handler finished
 * synchronously (the common case for a single handler: no promise at all),
 * else a promise of the whole chain.
 */
export function compose<C>(chain: readonly Middleware<C>[], c: C): Promise<void> | undefined {
  if (chain.length === 1 && chain[0]!.length < 2) {
    const result = chain[0]!(c, () => DONE); // a lone handler that takes no `next`
    return isPromise(result) ? result.then(noop) : undefined;
  }
  let called = -1;
  const dispatch = (i: number): Promise<void> => {
    if (i <= called) return Promise.reject(new SignwireError('ERR_NEXT_CALLED_TWICE', 'next() called more than once'));
    called = i;
    const handler = chain[i];
    if (handler === undefined) return DONE;
    try {
      const result = handler(c, () => dispatch(i + 1));
      return isPromise(result) ? result.then(noop) : DONE;
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return dispatch(0);
}

function noop(): void {}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function';
}
