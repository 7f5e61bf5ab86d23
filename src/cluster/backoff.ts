/**
 * How long the primary waits before restarting a worker that died: an
 * exponential backoff (100 ms, 200 ms, 400 ms … capped at 10 s) that starts
 * over once a worker has stayed up long enough (30 s) to count as healthy.
 * Pure: it reads no clock; the caller passes how long the worker was up.
 */
import { SignwireError } from '../errors.ts';

/** The restart delays. */
export interface BackoffOptions {
  /** The first delay, in ms (default 100). */
  readonly initialMs: number;
  /** The longest delay, in ms (default 10 000). */
  readonly maxMs: number;
  /** A worker up at least this long (ms, default 30 000) resets the delay to `initialMs`. */
  readonly resetAfterMs: number;
}

/** The defaults: 100 ms doubling to 10 s, reset after 30 s up. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ initialMs: 100, maxMs: 10_000, resetAfterMs: 30_000 });

/**
 * The delay before each restart of one worker slot.
 *
 * @example
 * const backoff = new Backoff();
 * backoff.next(50);      // 100: died 50 ms after it started
 * backoff.next(50);      // 200
 * backoff.next(60_000);  // 100: it had been up a minute, so the count starts over
 */
export class Backoff {
  readonly #options: BackoffOptions;
  #failures = 0;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.#options = { ...DEFAULT_BACKOFF, ...options };
    checkBackoff(this.#options);
  }

  /** The delay before the next restart of a worker that was up `uptimeMs`. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.#options.resetAfterMs) this.#failures = 0;
    const delay = Math.min(this.#options.maxMs, this.#options.initialMs * 2 ** this.#failures);
    if (delay < this.#options.maxMs) this.#failures += 1;
    return delay;
  }
}

function checkBackoff({ initialMs, maxMs, resetAfterMs }: BackoffOptions): void {
  const valid = (ms: number): boolean => Number.isSafeInteger(ms) && ms >= 1 && ms <= 2 ** 31 - 1;
  if (!valid(initialMs) || !valid(maxMs) || !valid(resetAfterMs) || maxMs < initialMs) {
    throw new SignwireError('ERR_INVALID_OPTION', 'backoff: initialMs, maxMs and resetAfterMs must be integers from 1 to 2^31 - 1, with maxMs ≥ initialMs');
  }
}
