/**
 * MemoryNonceStore against the plainest model of its contract, on a clock
 * that never goes back (fast-check): a nonce is live until its expiry; a
 * claim of a live nonce is a replay; a claim of any other while `maxEntries`
 * are live is refused as full; `size` counts the live ones. Ids come from a
 * small pool and TTLs from a few values, so replays, expiries behind other
 * TTLs and a full store all happen within a run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MemoryNonceStore } from '../../../src/sign/replay/index.ts';

const step = fc.record({
  id: fc.integer({ min: 0, max: 29 }).map((n) => `key\n${n}`),
  ttl: fc.constantFrom(50, 100, 1_000),
  advance: fc.constantFrom(0, 0, 1, 10, 49, 50, 51, 200),
});

class Model {
  readonly #expiries = new Map<string, number>();
  constructor(readonly maxEntries: number) {}

  live(now: number): number {
    let count = 0;
    for (const expiry of this.#expiries.values()) if (expiry > now) count++;
    return count;
  }

  claim(id: string, ttl: number, now: number): boolean | 'full' {
    const expiry = this.#expiries.get(id);
    if (expiry !== undefined && expiry > now) return false;
    if (this.live(now) >= this.maxEntries) return 'full';
    this.#expiries.set(id, now + ttl);
    return true;
  }
}

test('every claim and size agrees with the model of live nonces, on a clock that moves forward', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.array(step, { minLength: 50, maxLength: 300, size: 'max' }), async (maxEntries, steps) => {
      const clock = { ms: 10_000 };
      const store = new MemoryNonceStore({ maxEntries, now: () => clock.ms });
      const model = new Model(maxEntries);
      for (const { id, ttl, advance } of steps) {
        clock.ms += advance;
        const expected = model.claim(id, ttl, clock.ms);
        if (expected === 'full') await assert.rejects(store.claim(id, ttl), { code: 'ERR_SIG_STORE_UNAVAILABLE' });
        else assert.equal(await store.claim(id, ttl), expected, `${JSON.stringify(id)} at ${clock.ms}`);
        assert.equal(store.size, model.live(clock.ms));
      }
    }),
    { numRuns: 200 },
  );
});
