/**
 * The one contract every `NonceStore` must meet, run against each
 * implementation (memory; Redis through ioredis, node-redis and an adapter):
 * a nonce is fresh once, replays are refused while its TTL runs, it is
 * fresh again afterwards, and concurrent claims of one nonce let exactly
 * one through.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { NonceStore } from '../../../src/sign/replay/nonce-store.ts';

/** A store under test, and how to let time pass for it (a fake clock, or real sleeping). */
export interface ContractSubject {
  readonly store: NonceStore;
  elapse(ms: number): Promise<void>;
}

/** Sleeps for real: for stores that keep their own time (Redis). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Registers the contract tests for one implementation; `makeStore` gives each test a fresh, empty store. */
export function runNonceStoreContract(name: string, makeStore: () => ContractSubject | Promise<ContractSubject>): void {
  const id = (): string => `key-1:${randomUUID()}`;

  describe(`NonceStore contract: ${name}`, () => {
    test('the first claim of a nonce is fresh and the second is a replay', async () => {
      const { store } = await makeStore();
      const nonce = id();
      assert.equal(await store.claim(nonce, 60_000), true);
      assert.equal(await store.claim(nonce, 60_000), false);
      assert.equal(await store.claim(nonce, 60_000), false);
    });

    test('different nonces are independent', async () => {
      const { store } = await makeStore();
      const [a, b] = [id(), id()];
      assert.equal(await store.claim(a, 60_000), true);
      assert.equal(await store.claim(b, 60_000), true);
      assert.equal(await store.claim(a, 60_000), false);
      assert.equal(await store.claim(b, 60_000), false);
    });

    test('ids are compared exactly: case, separators and non-ASCII matter', async () => {
      const { store } = await makeStore();
      const base = id();
      for (const variant of [`${base}:n`, `${base}:N`, `${base}:n:`, `${base}::n`, `${base}:ñ`, `${base}:n\u0303`]) {
        assert.equal(await store.claim(variant, 60_000), true, variant);
      }
      assert.equal(await store.claim(`${base}:ñ`, 60_000), false);
    });

    test('a nonce is still a replay before its TTL has passed', async () => {
      const subject = await makeStore();
      const nonce = id();
      assert.equal(await subject.store.claim(nonce, 2_000), true);
      await subject.elapse(100);
      assert.equal(await subject.store.claim(nonce, 2_000), false);
    });

    test('a nonce is fresh again once its TTL has passed, with a new TTL', async () => {
      const subject = await makeStore();
      const nonce = id();
      assert.equal(await subject.store.claim(nonce, 100), true);
      await subject.elapse(200);
      assert.equal(await subject.store.claim(nonce, 100), true);
      assert.equal(await subject.store.claim(nonce, 100), false);
    });

    test('each nonce expires after its own TTL when TTLs differ', async () => {
      const subject = await makeStore();
      const [long, short, longer] = [id(), id(), id()];
      assert.equal(await subject.store.claim(long, 5_000), true);
      assert.equal(await subject.store.claim(short, 100), true);
      assert.equal(await subject.store.claim(longer, 10_000), true);
      await subject.elapse(200);
      assert.equal(await subject.store.claim(short, 100), true, 'the short TTL has passed');
      assert.equal(await subject.store.claim(long, 5_000), false, 'the long TTL has not');
      assert.equal(await subject.store.claim(longer, 10_000), false);
    });

    test('100 concurrent claims of one nonce let exactly one through', async () => {
      const { store } = await makeStore();
      const nonce = id();
      const results = await Promise.all(Array.from({ length: 100 }, () => store.claim(nonce, 60_000)));
      assert.equal(results.filter((fresh) => fresh).length, 1);
    });

    test('many distinct nonces are each fresh once', async () => {
      const { store } = await makeStore();
      const nonces = Array.from({ length: 2_000 }, id);
      const first = await Promise.all(nonces.map((nonce) => store.claim(nonce, 60_000)));
      assert.ok(first.every((fresh) => fresh));
      const again = await Promise.all(nonces.map((nonce) => store.claim(nonce, 60_000)));
      assert.ok(again.every((fresh) => !fresh));
    });

    test('a TTL that is not a positive number rejects with ERR_INVALID_OPTION', async () => {
      const { store } = await makeStore();
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(store.claim(id(), ttl), { code: 'ERR_INVALID_OPTION' }, String(ttl));
      }
    });
  });
}
