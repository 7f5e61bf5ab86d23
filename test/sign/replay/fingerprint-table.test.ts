/**
 * The nonce store's fingerprint table and expiry queue against a Map and an
 * array doing the same operations (fast-check): fingerprints are drawn from
 * a few home slots so that probe runs cross, wrap around the end and are cut
 * by deletions, and runs are long enough to grow and shrink both.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ExpiryQueue } from '../../../src/sign/replay/expiry-queue.ts';
import { ABSENT, FingerprintTable } from '../../../src/sign/replay/fingerprint-table.ts';

/** A fingerprint whose home slot is one of a few, near both ends of the smallest table (1 024 slots). */
const fingerprint = fc.record({
  hi: fc.constantFrom(0, 1, 2, 1021, 1022, 1023, 4096 + 1, 4096 + 1023, -1),
  lo: fc.integer({ min: 1, max: 12 }),
});
const operation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), fp: fingerprint, expiry: fc.integer({ min: 1, max: 1e6 }) }),
  fc.record({ kind: fc.constant('delete' as const), fp: fingerprint }),
  fc.record({ kind: fc.constant('find' as const), fp: fingerprint }),
);

test('the fingerprint table holds what a Map holds, after any inserts and deletes', () => {
  fc.assert(
    fc.property(fc.array(operation, { minLength: 20, maxLength: 400, size: 'max' }), (operations) => {
      const table = new FingerprintTable();
      const model = new Map<string, number>();
      for (const op of operations) {
        const key = `${op.fp.hi}/${op.fp.lo}`;
        const slot = table.find(op.fp.hi, op.fp.lo);
        assert.equal(slot !== ABSENT, model.has(key), `find ${key}`);
        if (slot !== ABSENT) assert.equal(table.expiryAt(slot), model.get(key));
        if (op.kind === 'insert' && slot === ABSENT) {
          table.insert(op.fp.hi, op.fp.lo, op.expiry);
          model.set(key, op.expiry);
        }
        if (op.kind === 'delete' && slot !== ABSENT) {
          table.delete(slot);
          model.delete(key);
        }
        assert.equal(table.size, model.size);
      }
      for (const key of model.keys()) {
        const [hi, lo] = key.split('/').map(Number) as [number, number];
        assert.notEqual(table.find(hi, lo), ABSENT, `${key} is still found`);
      }
    }),
    { numRuns: 300 },
  );
});

test('the table grows past its first size and shrinks back, finding every entry throughout', () => {
  const table = new FingerprintTable();
  const count = 20_000;
  for (let i = 1; i <= count; i++) table.insert(Math.imul(i, 0x9e3779b1), i, i);
  assert.equal(table.size, count);
  for (let i = 1; i <= count; i++) {
    const slot = table.find(Math.imul(i, 0x9e3779b1), i);
    assert.equal(table.expiryAt(slot), i);
    table.delete(slot);
  }
  assert.equal(table.size, 0);
  assert.equal(table.find(Math.imul(7, 0x9e3779b1), 7), ABSENT);
});

test('the expiry queue gives back records in the order pushed, across growth, wrap-around and shrinking', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 30, size: 'max' }), (bursts) => {
      const queue = new ExpiryQueue(1_000);
      const model: number[] = [];
      let next = 1;
      bursts.forEach((count, i) => {
        const pushing = i % 2 === 0;
        for (let j = 0; j < count; j++) {
          if (pushing) {
            queue.push(next, -next, next * 10);
            model.push(next++);
          } else if (model.length > 0) {
            const expected = model.shift()!;
            assert.deepEqual([queue.frontHi, queue.frontLo, queue.frontExpiry], [expected, -expected, expected * 10]);
            queue.shift();
          }
        }
        assert.equal(queue.length, model.length);
      });
      assert.equal(queue.frontExpiry, model.length === 0 ? Number.POSITIVE_INFINITY : model[0]! * 10);
    }),
    { numRuns: 200 },
  );
});
