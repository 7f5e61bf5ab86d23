/**
 * What a handler may return to say "not done yet": a promise, or any object
 * with a `then` method (a promise from another realm or library).
 */

/**
 * True for anything with a `then` method.
 *
 * @example
 * if (isThenable(result)) result.then(undefined, onError);
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
