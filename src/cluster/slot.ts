/**
 * One place in the cluster ("worker 2"), which a worker process fills and,
 * after a crash, a new one fills again. The slot decides what an unexpected
 * exit means, from times the primary passes in (no clock, no process here):
 *
 * - a worker that never listened failed to start. While the cluster is
 *   starting, that is fatal at once (a bad module or a taken port will not
 *   fix itself); later, it is retried, but only `maxStartupFailures` times
 *   in a row, so a worker that crashes at startup cannot loop forever;
 * - a worker that listened and then died is restarted after the backoff
 *   delay, which starts over once a worker has stayed up `resetAfterMs`.
 */
import { SignwireError } from '../errors.ts';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';

/** When and how often the primary restarts workers. */
export interface RestartPolicy extends BackoffOptions {
  /** Failed starts in a row (exits before listening) after which the primary gives up (default 5). */
  readonly maxStartupFailures: number;
  /** A worker that has not listened after this long (ms, default 30 000) is killed: a failed start. */
  readonly startupTimeoutMs: number;
}

/** The defaults: the backoff's, 5 failed starts in a row, 30 s to start. */
export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = Object.freeze({
  ...DEFAULT_BACKOFF,
  maxStartupFailures: 5,
  startupTimeoutMs: 30_000,
});

/** What to do after a worker exited unexpectedly. */
export type ExitDecision =
  | { readonly action: 'restart'; readonly delayMs: number }
  | { readonly action: 'give-up'; readonly reason: string };

/**
 * A worker slot and its restart bookkeeping.
 *
 * @example
 * const slot = new WorkerSlot(1, DEFAULT_RESTART_POLICY);
 * slot.started(0); slot.listened(40);
 * slot.exited(1_000, true); // { action: 'restart', delayMs: 100 }
 */
export class WorkerSlot {
  readonly id: number;
  readonly #policy: RestartPolicy;
  readonly #backoff: Backoff;
  #startedAt = 0;
  #listenedAt: number | undefined;
  #everListened = false;
  #startupFailures = 0;

  constructor(id: number, policy: RestartPolicy) {
    checkPolicy(policy);
    this.id = id;
    this.#policy = policy;
    this.#backoff = new Backoff(policy);
  }

  /** Whether some worker of this slot has listened since the cluster started. */
  get everListened(): boolean {
    return this.#everListened;
  }

  /** Whether the slot's current (or last) worker got as far as listening. */
  get listening(): boolean {
    return this.#listenedAt !== undefined;
  }

  /** A worker process was forked for this slot at `now` (ms). */
  started(now: number): void {
    this.#startedAt = now;
    this.#listenedAt = undefined;
  }

  /** The slot's worker is accepting connections since `now`. */
  listened(now: number): void {
    this.#listenedAt = now;
    this.#everListened = true;
    this.#startupFailures = 0;
  }

  /** The slot's worker exited unexpectedly at `now`; `clusterReady` once every slot has listened. */
  exited(now: number, clusterReady: boolean): ExitDecision {
    const listenedAt = this.#listenedAt;
    if (listenedAt !== undefined) return { action: 'restart', delayMs: this.#backoff.next(now - listenedAt) };
    this.#startupFailures += 1;
    if (!clusterReady) return { action: 'give-up', reason: 'it failed to start' };
    if (this.#startupFailures >= this.#policy.maxStartupFailures) {
      return { action: 'give-up', reason: `it failed to start ${this.#startupFailures} times in a row` };
    }
    return { action: 'restart', delayMs: this.#backoff.next(now - this.#startedAt) };
  }
}

function checkPolicy(policy: RestartPolicy): void {
  const { maxStartupFailures, startupTimeoutMs } = policy;
  if (!Number.isSafeInteger(maxStartupFailures) || maxStartupFailures < 1) {
    throw new SignwireError('ERR_INVALID_OPTION', `restart.maxStartupFailures must be a positive integer, got ${String(maxStartupFailures)}`);
  }
  if (!Number.isSafeInteger(startupTimeoutMs) || startupTimeoutMs < 1 || startupTimeoutMs > 2 ** 31 - 1) {
    throw new SignwireError('ERR_INVALID_OPTION', `restart.startupTimeoutMs must be an integer from 1 to 2^31 - 1, got ${String(startupTimeoutMs)}`);
  }
}
