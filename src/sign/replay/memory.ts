/**
 * The in-process nonce store, the default of `verifySignature()`: a bounded
 * map of claimed nonces that forgets each one when its TTL has passed.
 *
 * Bookkeeping: per distinct TTL, one map (id → expiry) in claim order, which
 * serves both lookups and sweeping (each id is held in one of them). With one
 * TTL and a clock that does not go back, claim order is expiry order, so
 * expired entries are always at the front of their map and each claim sweeps
 * them in O(1) amortised time. The middleware claims every nonce with the
 * same TTL, so a claim costs one lookup and one insertion in one map; a store
 * shared by several TTLs pays one lookup per distinct TTL held.
 *
 * It protects one process only: with several workers or hosts, a nonce
 * claimed in one is unknown to the others. Use `RedisNonceStore` there.
 */
import { detached } from '../../detached.ts';
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import type { NonceStore } from './nonce-store.ts';

/** Options of `MemoryNonceStore`. */
export interface MemoryNonceStoreOptions {
  /** Most nonces held at once (default 100 000); a claim beyond it is refused. */
  readonly maxEntries?: number;
  /** Clock in milliseconds, for tests (default `performance.now()`, which never goes back). */
  readonly now?: () => number;
}

/** The default bound: 100 000 nonces. Each costs its id string plus under 100 bytes of bookkeeping. */
export const DEFAULT_MAX_NONCES = 100_000;

/**
 * A bounded, expiring `NonceStore` held in memory.
 *
 * When full, it refuses: a new nonce rejects with `ERR_SIG_STORE_UNAVAILABLE`
 * (the middleware answers 503) until entries expire, while a held nonce is
 * still answered false (a replay). It never evicts a nonce before its TTL:
 * an evicted nonce could be replayed. Only validly signed requests reach the
 * store, so filling it takes a key. Size `maxEntries` above the peak number
 * of signed requests per TTL.
 *
 * @example
 * const nonces = new MemoryNonceStore({ maxEntries: 50_000 });
 * await nonces.claim('demo:4f2a…', 600_000); // true
 * await nonces.claim('demo:4f2a…', 600_000); // false: a replay
 */
export class MemoryNonceStore implements NonceStore {
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** One queue per TTL, for lookups and sweeping; an id is in one queue only. */
  readonly #queues: TtlQueue[] = [];
  /** Entries held in all queues. */
  #size = 0;

  constructor(options: MemoryNonceStoreOptions = {}) {
    const { maxEntries = DEFAULT_MAX_NONCES, now = () => performance.now() } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw invalid(`maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    if (typeof now !== 'function') throw invalid('now must be a function returning milliseconds');
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  /** Nonces held and not yet expired. */
  get size(): number {
    this.#sweep(this.#now());
    return this.#size;
  }

  /** True the first time `id` is claimed within `ttlMs`; rejects when the store is full. */
  async claim(id: string, ttlMs: number): Promise<boolean> {
    if (!(ttlMs > 0 && Number.isFinite(ttlMs))) throw invalid(`ttlMs must be a positive number, got ${String(ttlMs)}`);
    const now = this.#now();
    this.#sweep(now);
    for (const queue of this.#queues) {
      const expiry = queue.expiries.get(id);
      if (expiry === undefined) continue;
      if (expiry > now) return false;
      queue.expiries.delete(id); // only left over when the clock went back
      this.#size -= 1;
      break;
    }
    if (this.#size >= this.#maxEntries) {
      throw new SignatureError('ERR_SIG_STORE_UNAVAILABLE', `nonce store is full (${this.#maxEntries} unexpired nonces)`);
    }
    this.#remember(id, now + ttlMs, ttlMs);
    return true;
  }

  #remember(id: string, expiry: number, ttlMs: number): void {
    let queue: TtlQueue | undefined;
    for (const candidate of this.#queues) if (candidate.ttl === ttlMs) queue = candidate;
    if (queue === undefined) this.#queues.push((queue = { ttl: ttlMs, expiries: new Map(), front: expiry }));
    queue.expiries.set(detached(id), expiry); // kept for the TTL: not a slice of the request's text
    this.#size += 1;
  }

  /** Drops expired entries from the front of every queue; a queue whose front has not expired is not walked. */
  #sweep(now: number): void {
    for (let i = this.#queues.length - 1; i >= 0; i--) {
      const queue = this.#queues[i]!;
      if (queue.front > now) continue;
      for (const [id, expiry] of queue.expiries) {
        if (expiry > now) {
          queue.front = expiry;
          break;
        }
        queue.expiries.delete(id);
        this.#size -= 1;
      }
      if (queue.expiries.size === 0) this.#queues.splice(i, 1);
    }
  }
}

/** The nonces claimed with one TTL. */
interface TtlQueue {
  readonly ttl: number;
  /** id → expiry, in claim order: expiry order while the clock does not go back. */
  readonly expiries: Map<string, number>;
  /** The expiry of the first entry: before it, a sweep would stop at once, so it is not begun. */
  front: number;
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `MemoryNonceStore: ${message}`);
}
