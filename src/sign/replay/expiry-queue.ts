/**
 * The claims made with one TTL, oldest first: a ring of (fingerprint,
 * expiry) records in typed arrays that doubles when full and halves when an
 * eighth full. With one TTL and a clock that does not go back, claim order is
 * expiry order, so the expired records are always at the front.
 */

const MIN_CAPACITY = 256;

export class ExpiryQueue {
  readonly ttl: number;
  #hi = new Int32Array(MIN_CAPACITY);
  #lo = new Int32Array(MIN_CAPACITY);
  #expiry = new Float64Array(MIN_CAPACITY);
  #head = 0;
  #length = 0;

  constructor(ttl: number) {
    this.ttl = ttl;
  }

  get length(): number {
    return this.#length;
  }

  /** The oldest record's expiry; +Infinity when empty. */
  get frontExpiry(): number {
    return this.#length === 0 ? Number.POSITIVE_INFINITY : this.#expiry[this.#head]!;
  }

  get frontHi(): number {
    return this.#hi[this.#head]!;
  }

  get frontLo(): number {
    return this.#lo[this.#head]!;
  }

  push(hi: number, lo: number, expiry: number): void {
    if (this.#length === this.#hi.length) this.#resize(this.#hi.length * 2);
    const at = (this.#head + this.#length) & (this.#hi.length - 1);
    this.#hi[at] = hi;
    this.#lo[at] = lo;
    this.#expiry[at] = expiry;
    this.#length += 1;
  }

  /** Drops the oldest record. */
  shift(): void {
    this.#head = (this.#head + 1) & (this.#hi.length - 1);
    this.#length -= 1;
    if (this.#hi.length > MIN_CAPACITY && this.#length * 8 < this.#hi.length) this.#resize(this.#hi.length / 2);
  }

  #resize(capacity: number): void {
    const hi = new Int32Array(capacity);
    const lo = new Int32Array(capacity);
    const expiry = new Float64Array(capacity);
    for (let i = 0; i < this.#length; i++) {
      const from = (this.#head + i) & (this.#hi.length - 1);
      hi[i] = this.#hi[from]!;
      lo[i] = this.#lo[from]!;
      expiry[i] = this.#expiry[from]!;
    }
    this.#hi = hi;
    this.#lo = lo;
    this.#expiry = expiry;
    this.#head = 0;
  }
}
