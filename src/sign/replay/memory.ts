/**
 * The in-process nonce store, the default of `verifySignature()`: a bounded
 * set of claimed nonces that forgets each one when its TTL has passed.
 *
 * It keeps a 64-bit fingerprint of each id, HalfSipHash-2-4 under a key drawn
 * at random for each store, and never the id's text:
 * - no object per nonce: a hash table and one queue per distinct TTL, all in
 *   typed arrays, so a million held nonces give the garbage collector nothing
 *   to trace or copy, and no request text is kept alive by one;
 * - with one TTL and a clock that does not go back, claim order is expiry
 *   order, so each claim sweeps the expired entries from the front of the
 *   queue in O(1) amortised time, and a claim is one lookup and one
 *   insertion in the table;
 * - two distinct ids share a fingerprint with probability 2^-64: with
 *   100 000 nonces held, a fresh nonce is taken for a replay with probability
 *   about 5·10^-15. The key is secret and random, so ids cannot be chosen to
 *   collide, nor to crowd one part of the table.
 *
 * It protects one process only: with several workers or hosts, a nonce
 * claimed in one is unknown to the others. Use `RedisNonceStore` there.
 */
import { randomFillSync } from 'node:crypto';
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import { ExpiryQueue } from './expiry-queue.ts';
import { ABSENT, FingerprintTable } from './fingerprint-table.ts';
import { halfSipHash64 } from './half-siphash.ts';
import type { NonceStore } from './nonce-store.ts';

/** Options of `MemoryNonceStore`. */
export interface MemoryNonceStoreOptions {
  /** Most nonces held at once (default 100 000); a claim beyond it is refused. */
  readonly maxEntries?: number;
  /** Clock in milliseconds, for tests (default `performance.now()`, which never goes back). */
  readonly now?: () => number;
}

/** The default bound: 100 000 nonces, about 6 MB when full (see "Memory" on the class). */
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
 * Memory: 16 bytes per table slot, the table at most half full, and 16 per
 * queue record, all in typed arrays outside the JavaScript heap's objects.
 * Both double as they fill and halve when an eighth full: the default
 * 100 000 nonces take about 6 MB when held at once.
 *
 * @example
 * const nonces = new MemoryNonceStore({ maxEntries: 50_000 });
 * await nonces.claim('demo:4f2a…', 600_000); // true
 * await nonces.claim('demo:4f2a…', 600_000); // false: a replay
 */
export class MemoryNonceStore implements NonceStore {
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #key = randomFillSync(new Int32Array(2));
  readonly #fingerprint = new Int32Array(2);
  readonly #table = new FingerprintTable();
  /** One queue per TTL, for sweeping; every entry of the table has its record in one of them. */
  readonly #queues: ExpiryQueue[] = [];

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
    return this.#table.size;
  }

  /** True the first time `id` is claimed within `ttlMs`; rejects when the store is full. */
  async claim(id: string, ttlMs: number): Promise<boolean> {
    if (!(ttlMs > 0 && Number.isFinite(ttlMs))) throw invalid(`ttlMs must be a positive number, got ${String(ttlMs)}`);
    const now = this.#now();
    this.#sweep(now);
    const fingerprint = this.#fingerprintOf(id);
    const hi = fingerprint[0]!;
    const lo = fingerprint[1]!;
    const expiry = now + ttlMs;
    const slot = this.#table.find(hi, lo);
    if (slot === ABSENT) {
      if (this.#table.size >= this.#maxEntries) {
        throw new SignatureError('ERR_SIG_STORE_UNAVAILABLE', `nonce store is full (${this.#maxEntries} unexpired nonces)`);
      }
      this.#table.insert(hi, lo, expiry);
    } else {
      if (this.#table.expiryAt(slot) > now) return false;
      this.#table.setExpiry(slot, expiry); // expired but not yet swept: only when the clock went back
    }
    this.#queueFor(ttlMs).push(hi, lo, expiry);
    return true;
  }

  /** The id's fingerprint, in a buffer reused by the next call; never all-zero, which marks an empty slot. */
  #fingerprintOf(id: string): Int32Array {
    const out = this.#fingerprint;
    halfSipHash64(this.#key[0]!, this.#key[1]!, id, out);
    if (out[0] === 0 && out[1] === 0) out[1] = 1;
    return out;
  }

  #queueFor(ttlMs: number): ExpiryQueue {
    for (const queue of this.#queues) if (queue.ttl === ttlMs) return queue;
    const queue = new ExpiryQueue(ttlMs);
    this.#queues.push(queue);
    return queue;
  }

  /**
   * Drops the expired records from the front of every queue, and their
   * entries from the table unless a later claim renewed them; a queue whose
   * front has not expired is not walked.
   */
  #sweep(now: number): void {
    for (let i = this.#queues.length - 1; i >= 0; i--) {
      const queue = this.#queues[i]!;
      while (queue.frontExpiry <= now) {
        const slot = this.#table.find(queue.frontHi, queue.frontLo);
        if (slot !== ABSENT && this.#table.expiryAt(slot) === queue.frontExpiry) this.#table.delete(slot);
        queue.shift();
      }
      if (queue.length === 0) this.#queues.splice(i, 1);
    }
  }
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `MemoryNonceStore: ${message}`);
}
