/**
 * A hash set of 64-bit fingerprints, each with an expiry, held in typed
 * arrays: no object per entry, so a store of a million nonces adds nothing
 * for the garbage collector to trace or copy.
 *
 * Open addressing with linear probing, at most half full; deletion shifts the
 * entries after the hole back (Knuth's Algorithm R), so no tombstones build
 * up. Fingerprints come from a keyed PRF, so their first word is a uniform
 * slot index. The all-zero fingerprint marks an empty slot, and callers never
 * insert it.
 */

/** Slots of a new or shrunk table: 16 bytes each. */
const MIN_CAPACITY = 1024;

/** Where `find` answers that a fingerprint is absent. */
export const ABSENT = -1;

export class FingerprintTable {
  #hi = new Int32Array(MIN_CAPACITY);
  #lo = new Int32Array(MIN_CAPACITY);
  #expiry = new Float64Array(MIN_CAPACITY);
  #mask = MIN_CAPACITY - 1;
  #size = 0;

  /** Fingerprints held. */
  get size(): number {
    return this.#size;
  }

  /** The slot holding (`hi`, `lo`), or ABSENT. */
  find(hi: number, lo: number): number {
    for (let slot = hi & this.#mask; ; slot = (slot + 1) & this.#mask) {
      if (this.#hi[slot] === hi && this.#lo[slot] === lo) return slot;
      if (this.#isEmpty(slot)) return ABSENT;
    }
  }

  expiryAt(slot: number): number {
    return this.#expiry[slot]!;
  }

  setExpiry(slot: number, expiry: number): void {
    this.#expiry[slot] = expiry;
  }

  /** Adds a fingerprint that `find` reported ABSENT. */
  insert(hi: number, lo: number, expiry: number): void {
    if ((this.#size + 1) * 2 > this.#hi.length) this.#resize(this.#hi.length * 2);
    this.#place(hi, lo, expiry);
    this.#size += 1;
  }

  /** Empties `slot`, moving back the entries whose probe passed through it; shrinks a table a quarter full. */
  delete(slot: number): void {
    let hole = slot;
    for (let next = (hole + 1) & this.#mask; !this.#isEmpty(next); next = (next + 1) & this.#mask) {
      const home = this.#hi[next]! & this.#mask;
      // The entry at `next` stays if its home lies cyclically in (hole, next]: its probe did not pass the hole.
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      this.#hi[hole] = this.#hi[next]!;
      this.#lo[hole] = this.#lo[next]!;
      this.#expiry[hole] = this.#expiry[next]!;
      hole = next;
    }
    this.#hi[hole] = 0;
    this.#lo[hole] = 0;
    this.#size -= 1;
    if (this.#hi.length > MIN_CAPACITY && this.#size * 8 < this.#hi.length) this.#resize(this.#hi.length / 2);
  }

  #isEmpty(slot: number): boolean {
    return this.#hi[slot] === 0 && this.#lo[slot] === 0;
  }

  #place(hi: number, lo: number, expiry: number): void {
    let slot = hi & this.#mask;
    while (!this.#isEmpty(slot)) slot = (slot + 1) & this.#mask;
    this.#hi[slot] = hi;
    this.#lo[slot] = lo;
    this.#expiry[slot] = expiry;
  }

  #resize(capacity: number): void {
    const hi = this.#hi;
    const lo = this.#lo;
    const expiry = this.#expiry;
    this.#hi = new Int32Array(capacity);
    this.#lo = new Int32Array(capacity);
    this.#expiry = new Float64Array(capacity);
    this.#mask = capacity - 1;
    for (let slot = 0; slot < hi.length; slot++) {
      if (hi[slot] !== 0 || lo[slot] !== 0) this.#place(hi[slot]!, lo[slot]!, expiry[slot]!);
    }
  }
}
