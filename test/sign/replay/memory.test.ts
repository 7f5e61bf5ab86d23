/**
 * MemoryNonceStore: the shared contract on a fake clock, then what is
 * particular to memory: option validation, the bound (a full store refuses
 * new nonces rather than evicting live ones, and still detects replays),
 * expired entries freeing room, a clock that goes back, ids kept as
 * fingerprints, and the memory they take.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_MAX_NONCES, MemoryNonceStore, type MemoryNonceStoreOptions } from '../../../src/sign/replay/index.ts';
import { runNonceStoreContract } from './nonce-store.contract.ts';

/** A store on a clock that moves only when told to. */
function fakeClockStore(options: MemoryNonceStoreOptions = {}): { store: MemoryNonceStore; clock: { ms: number } } {
  const clock = { ms: 1_000_000 };
  return { store: new MemoryNonceStore({ ...options, now: () => clock.ms }), clock };
}

runNonceStoreContract('MemoryNonceStore', () => {
  const { store, clock } = fakeClockStore();
  return { store, elapse: async (ms) => void (clock.ms += ms) };
});

runNonceStoreContract('MemoryNonceStore (real clock)', () => ({
  store: new MemoryNonceStore(),
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}));

describe('MemoryNonceStore options', () => {
  test('rejects a maxEntries that is not a positive integer with ERR_INVALID_OPTION', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      assert.throws(() => new MemoryNonceStore({ maxEntries }), { code: 'ERR_INVALID_OPTION' }, String(maxEntries));
    }
  });

  test('rejects a clock that is not a function with ERR_INVALID_OPTION', () => {
    assert.throws(() => new MemoryNonceStore({ now: 5 as unknown as () => number }), { code: 'ERR_INVALID_OPTION' });
  });

  test('holds 100 000 nonces by default', async () => {
    assert.equal(DEFAULT_MAX_NONCES, 100_000);
    const { store } = fakeClockStore();
    for (let i = 0; i < DEFAULT_MAX_NONCES; i++) await store.claim(`n${i}`, 60_000);
    await assert.rejects(store.claim('one-more', 60_000), { code: 'ERR_SIG_STORE_UNAVAILABLE' });
  });
});

describe('MemoryNonceStore bound', () => {
  test('a full store rejects a new nonce with ERR_SIG_STORE_UNAVAILABLE instead of evicting a live one', async () => {
    const { store } = fakeClockStore({ maxEntries: 3 });
    for (const nonce of ['a', 'b', 'c']) assert.equal(await store.claim(nonce, 60_000), true);
    await assert.rejects(store.claim('d', 60_000), { code: 'ERR_SIG_STORE_UNAVAILABLE', status: 503 });
    assert.equal(store.size, 3);
    for (const nonce of ['a', 'b', 'c']) assert.equal(await store.claim(nonce, 60_000), false, `${nonce} is still a replay`);
  });

  test('expired nonces free their room, so old entries never fill the store', async () => {
    const { store, clock } = fakeClockStore({ maxEntries: 10 });
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 10; i++) assert.equal(await store.claim(`r${round}-${i}`, 100), true);
      assert.equal(store.size, 10);
      clock.ms += 100;
    }
    assert.equal(store.size, 0);
  });

  test('a short TTL claimed after a long one is freed on time', async () => {
    const { store, clock } = fakeClockStore({ maxEntries: 2 });
    assert.equal(await store.claim('long', 60_000), true);
    assert.equal(await store.claim('short', 100), true);
    clock.ms += 100;
    assert.equal(store.size, 1);
    assert.equal(await store.claim('next', 100), true);
  });

  test('200 000 claims on a moving clock keep only the unexpired nonces', async () => {
    const { store, clock } = fakeClockStore();
    for (let i = 0; i < 200_000; i++) {
      clock.ms += 1;
      assert.equal(await store.claim(`n${i}`, 5_000), true);
    }
    assert.equal(store.size, 5_000);
  });
});

describe('MemoryNonceStore clock', () => {
  test('a clock that goes back never frees a nonce early', async () => {
    const { store, clock } = fakeClockStore();
    assert.equal(await store.claim('n', 1_000), true);
    clock.ms -= 10_000;
    assert.equal(await store.claim('n', 1_000), false);
    clock.ms += 10_000 + 1_000;
    assert.equal(await store.claim('n', 1_000), true);
    assert.equal(store.size, 1);
  });

  test('after the clock went back, a nonce that expired behind a live one is claimable, and counted once', async () => {
    const { store, clock } = fakeClockStore();
    clock.ms = 0;
    assert.equal(await store.claim('a', 1_000), true); // expires at 1 000
    clock.ms -= 800;
    assert.equal(await store.claim('b', 1_000), true); // expires at 200, queued behind a
    clock.ms = 500;
    assert.equal(store.size, 2); // the sweep stops at a, which is live
    assert.equal(await store.claim('b', 1_000), true); // b had expired: claimed again, until 1 500
    assert.equal(store.size, 2);
    clock.ms = 1_000;
    assert.equal(store.size, 1);
    assert.equal(await store.claim('b', 1_000), false);
    clock.ms = 1_500;
    assert.equal(store.size, 0);
  });

  test('a nonce stays a replay until exactly its TTL has passed', async () => {
    const { store, clock } = fakeClockStore();
    assert.equal(await store.claim('n', 1_000), true);
    clock.ms += 999;
    assert.equal(await store.claim('n', 1_000), false);
    clock.ms += 1;
    assert.equal(await store.claim('n', 1_000), true);
  });
});

describe('MemoryNonceStore ids', () => {
  test('ids that differ in one character, above Latin-1 or only in length are distinct nonces', async () => {
    const { store } = fakeClockStore();
    const ids = ['k\nn', 'k\nm', 'k\nn\0', 'k\nnn', 'ключ\nn', 'ключ\nм', '', '\0'];
    for (const id of ids) assert.equal(await store.claim(id, 60_000), true, JSON.stringify(id));
    for (const id of ids) assert.equal(await store.claim(id, 60_000), false, `${JSON.stringify(id)} again`);
    assert.equal(store.size, ids.length);
  });

  test('two stores hold their nonces apart', async () => {
    const first = new MemoryNonceStore();
    const second = new MemoryNonceStore();
    assert.equal(await first.claim('k\nn', 60_000), true);
    assert.equal(await second.claim('k\nn', 60_000), true);
    assert.equal(await first.claim('k\nn', 60_000), false);
  });
});

describe('MemoryNonceStore memory', () => {
  test('a nonce cut from a large request text → the store keeps a fingerprint, not the text', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new MemoryNonceStore({ maxEntries: 50_000 });
    const count = 20_000;
    gc();
    const held = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = held();
    for (let i = 0; i < count; i++) {
      // As the wire parser hands them out: a slice of the text of the whole chunk (head and a 2 KB body).
      const text = Buffer.from(`Signature-Input: sig1=();nonce="${String(i).padStart(22, '0')}"\r\n${'x'.repeat(2048)}`).toString('latin1');
      const at = text.indexOf('nonce="') + 7;
      assert.equal(await store.claim(`bench\n${text.substring(at, at + 22)}`, 60_000), true);
    }
    gc();
    const perEntry = (held() - before) / count;
    assert.equal(store.size, count);
    // The table (16 bytes a slot, at most half full) and the queue (16 a record), in ArrayBuffers.
    assert.ok(perEntry < 200, `${perEntry.toFixed(0)} bytes held per nonce (a kept slice would hold over 2 000)`);
  });
});
