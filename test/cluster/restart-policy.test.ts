/**
 * When the primary restarts a worker, and when it gives up: the backoff
 * (100 ms doubling to 10 s, reset after 30 s up) and a slot's decisions,
 * with times passed in (no clock, no process).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Backoff, DEFAULT_BACKOFF } from '../../src/cluster/backoff.ts';
import { DEFAULT_RESTART_POLICY, WorkerSlot } from '../../src/cluster/slot.ts';

describe('Backoff', () => {
  test('delays double from 100 ms and stop at 10 s', () => {
    const backoff = new Backoff();
    const delays = Array.from({ length: 10 }, () => backoff.next(0));
    assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  test('a worker up 30 s or more starts the delays over', () => {
    const backoff = new Backoff();
    for (let i = 0; i < 5; i++) backoff.next(1000);
    assert.equal(backoff.next(DEFAULT_BACKOFF.resetAfterMs - 1), 3200);
    assert.equal(backoff.next(DEFAULT_BACKOFF.resetAfterMs), 100);
    assert.equal(backoff.next(0), 200);
  });

  test('invalid delays → ERR_INVALID_OPTION', () => {
    for (const options of [{ initialMs: 0 }, { maxMs: 50 }, { resetAfterMs: Number.NaN }, { initialMs: 1.5 }]) {
      assert.throws(() => new Backoff(options), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(options));
    }
  });
});

describe('WorkerSlot', () => {
  test('a worker dying after it listened → restart after the backoff delay', () => {
    const slot = new WorkerSlot(1, DEFAULT_RESTART_POLICY);
    slot.started(0);
    slot.listened(50);
    assert.deepEqual(slot.exited(1000, true), { action: 'restart', delayMs: 100 });
    slot.started(1100);
    slot.listened(1150);
    assert.deepEqual(slot.exited(2000, true), { action: 'restart', delayMs: 200 });
  });

  test('a worker up 30 s before dying → restart after 100 ms again', () => {
    const slot = new WorkerSlot(1, DEFAULT_RESTART_POLICY);
    for (let i = 0; i < 4; i++) {
      slot.started(0);
      slot.listened(0);
      slot.exited(10, true);
    }
    slot.started(100);
    slot.listened(100);
    assert.deepEqual(slot.exited(100 + 30_000, true), { action: 'restart', delayMs: 100 });
  });

  test('a failed start while the cluster is starting → give up at once', () => {
    const slot = new WorkerSlot(2, DEFAULT_RESTART_POLICY);
    slot.started(0);
    assert.deepEqual(slot.exited(300, false), { action: 'give-up', reason: 'it failed to start' });
  });

  test('failed starts after the cluster was up → retried, then give up at maxStartupFailures in a row', () => {
    const slot = new WorkerSlot(1, { ...DEFAULT_RESTART_POLICY, maxStartupFailures: 3 });
    slot.started(0);
    slot.listened(10);
    assert.equal(slot.exited(100, true).action, 'restart');
    const decisions = [1, 2, 3].map((i) => {
      slot.started(i * 1000);
      return slot.exited(i * 1000 + 10, true);
    });
    assert.deepEqual(decisions.map((d) => d.action), ['restart', 'restart', 'give-up']);
    assert.deepEqual(decisions[2], { action: 'give-up', reason: 'it failed to start 3 times in a row' });
  });

  test('a successful start clears the count of failed starts', () => {
    const slot = new WorkerSlot(1, { ...DEFAULT_RESTART_POLICY, maxStartupFailures: 2 });
    slot.started(0);
    slot.exited(1, true);
    slot.started(10);
    slot.listened(20);
    slot.exited(30, true);
    slot.started(40);
    assert.equal(slot.exited(50, true).action, 'restart');
  });

  test('invalid bounds → ERR_INVALID_OPTION', () => {
    assert.throws(() => new WorkerSlot(1, { ...DEFAULT_RESTART_POLICY, maxStartupFailures: 0 }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => new WorkerSlot(1, { ...DEFAULT_RESTART_POLICY, startupTimeoutMs: -1 }), { code: 'ERR_INVALID_OPTION' });
  });
});
