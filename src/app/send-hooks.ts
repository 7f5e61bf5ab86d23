/**
 * Send hooks: work a middleware asks the app to do on the answer that
 * actually leaves, just before it is sent. Code after `await next()` sees
 * only what the chain chose; the app answers two things after the chain:
 * the 404 for a path no route matches (or a chain that chose nothing), and
 * the answer to an error thrown past the middleware. A send hook runs after
 * those too, so `signResponses` signs every answer and `requestMetrics`
 * counts the status that was sent.
 *
 * Hooks run once, the last registered first (as code after `await next()`
 * unwinds, so the outermost middleware sees the final bytes). A hook that
 * fails has its error answered in place of the response, as a thrown error
 * is, and the remaining hooks run on that answer. Internal to the app layer
 * and the middleware that ships with it.
 *
 * @example
 * const countStatus: Middleware<Context> = (c, next) => {
 *   onSend(c, (c) => void statuses.push(c.res.statusCode));
 *   return next();
 * };
 */
import type { Context } from './context.ts';

/** Runs on the answer about to be sent; a promise when it has to wait (reading a stream, say). */
export type SendHook = (c: Context) => Promise<void> | void;

/** Answers a hook's error on `c`: what `handleError` does for a thrown error. */
export type HookFailure = (c: Context, error: unknown) => Promise<void> | undefined;

// A side table rather than a field on `Context`: a request without hooks costs one failed lookup.
const HOOKS = new WeakMap<Context, SendHook[]>();

/**
 * Registers `hook` to run on `c`'s answer just before it is sent.
 *
 * @example
 * onSend(c, (c) => void c.res.setHeader('X-Final-Status', String(c.res.statusCode)));
 */
export function onSend(c: Context, hook: SendHook): void {
  const hooks = HOOKS.get(c);
  if (hooks === undefined) HOOKS.set(c, [hook]);
  else hooks.push(hook);
}

/**
 * Runs (and forgets) `c`'s hooks, the last registered first; `undefined`
 * when none had to wait, else a promise that never rejects: a failure is
 * answered with `fail`.
 *
 * @example
 * const pending = runSendHooks(c, (c, error) => handleError(c, error, undefined, logger));
 */
export function runSendHooks(c: Context, fail: HookFailure): Promise<void> | undefined {
  const hooks = HOOKS.get(c);
  if (hooks === undefined) return undefined;
  HOOKS.delete(c);
  return runFrom(hooks, hooks.length - 1, c, fail);
}

function runFrom(hooks: readonly SendHook[], last: number, c: Context, fail: HookFailure): Promise<void> | undefined {
  for (let i = last; i >= 0; i--) {
    const pending = runOne(hooks[i]!, c, fail);
    if (pending !== undefined) return pending.then(() => runFrom(hooks, i - 1, c, fail));
  }
  return undefined;
}

function runOne(hook: SendHook, c: Context, fail: HookFailure): Promise<void> | undefined {
  try {
    const pending = hook(c);
    return pending instanceof Promise ? pending.then(undefined, (error: unknown) => fail(c, error)) : undefined;
  } catch (error) {
    return fail(c, error);
  }
}
