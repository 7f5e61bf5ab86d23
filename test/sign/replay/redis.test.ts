/**
 * RedisNonceStore against a real redis-server: the shared contract through
 * ioredis, node-redis and an adapter; the key Redis ends up holding; an
 * outage (claims reject within timeoutMs although both clients would queue
 * commands while disconnected) and recovery after a restart; a frozen
 * server (the timer is what answers); fromUrl().
 *
 * Needs `redis-server` on PATH: skipped with a reason when it is missing,
 * failed when `CI` is set.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RedisNonceStore, type RedisNonceStoreOptions } from '../../../src/sign/replay/index.ts';
import { redisServerMissing, startRedisServer, type RedisServer } from '../../helpers/redis-server.ts';
import { runNonceStoreContract, sleep } from './nonce-store.contract.ts';

type NodeRedis = Awaited<ReturnType<typeof nodeRedis>>;

const missing = redisServerMissing();
if (missing !== undefined && process.env.CI) {
  test('redis-server is installed (required when CI is set)', () => assert.fail(missing));
} else if (missing !== undefined) {
  console.log(`# RedisNonceStore tests skipped: ${missing}`);
}

function ioredis(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null }); // queue commands forever while disconnected
  client.on('error', () => {});
  return client;
}

async function nodeRedis(url: string) {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Claims fresh ids (each try bounded by the store's timeout) until Redis answers, for up to 10 s. */
async function waitUntilBack(store: RedisNonceStore): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (await store.claim(`probe:${randomUUID()}`, 60_000)) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

describe('RedisNonceStore on a real redis-server', { skip: missing ?? false }, () => {
  let server: RedisServer;
  let io: Redis;
  let nr: NodeRedis;
  const store = (client: RedisNonceStoreOptions['client'], timeoutMs = 10_000): RedisNonceStore =>
    new RedisNonceStore({ client, prefix: `test:${randomUUID()}:`, timeoutMs });

  before(async () => {
    server = await startRedisServer();
    io = ioredis(server.url);
    nr = await nodeRedis(server.url);
  });
  after(async () => {
    io?.disconnect();
    if (nr?.isOpen) nr.destroy();
    await server?.dispose();
  });

  runNonceStoreContract('RedisNonceStore (ioredis)', () => ({ store: store(io), elapse: sleep }));
  runNonceStoreContract('RedisNonceStore (node-redis)', () => ({ store: store(nr), elapse: sleep }));
  runNonceStoreContract('RedisNonceStore (adapter over node-redis sendCommand)', () => ({
    store: store(async (key, ttlMs) => String(await nr.sendCommand(['SET', key, '1', 'NX', 'PX', String(ttlMs)])) === 'OK'),
    elapse: sleep,
  }));

  test('a claim leaves <prefix><id> = "1" in Redis with the TTL as its expiry', async () => {
    await new RedisNonceStore({ client: io, prefix: 'sw-test:' }).claim('demo:n1', 5_000);
    assert.equal(await io.get('sw-test:demo:n1'), '1');
    const pttl = await io.pttl('sw-test:demo:n1');
    assert.ok(pttl > 4_000 && pttl <= 5_000, `PTTL ${pttl}`);
  });

  test('the default prefix is "signwire:nonce:"', async () => {
    const id = randomUUID();
    await new RedisNonceStore({ client: nr }).claim(id, 5_000);
    assert.equal(await nr.get(`signwire:nonce:${id}`), '1');
  });

  for (const library of ['ioredis', 'redis'] as const) {
    test(`fromUrl() with ${library} opens a client that claims, and close() shuts it`, async () => {
      const fromUrl = await RedisNonceStore.fromUrl(server.url, { library, prefix: `test:${randomUUID()}:` });
      assert.equal(await fromUrl.claim('n', 5_000), true);
      assert.equal(await fromUrl.claim('n', 5_000), false);
      await fromUrl.close();
      await assert.rejects(fromUrl.claim('m', 5_000), { code: 'ERR_SIG_STORE_UNAVAILABLE' });
    });
  }
});

describe('RedisNonceStore when Redis goes away', { skip: missing ?? false }, () => {
  let server: RedisServer;
  const clients: { name: string; client: RedisNonceStoreOptions['client'] }[] = [];
  let io: Redis | undefined;
  let nr: NodeRedis | undefined;

  before(async () => {
    server = await startRedisServer();
    io = ioredis(server.url);
    nr = await nodeRedis(server.url);
    clients.push({ name: 'ioredis (offline queue on, no retry limit)', client: io }, { name: 'node-redis', client: nr });
  });
  after(async () => {
    io?.disconnect();
    if (nr?.isOpen) nr.destroy();
    await server?.dispose();
  });

  for (const index of [0, 1]) {
    const name = index === 0 ? 'ioredis' : 'node-redis';
    /** Two stores on one client and prefix: a 300 ms one under test, and a patient one for the checks around it. */
    const storesOf = (): { fast: RedisNonceStore; patient: RedisNonceStore } => {
      const options = { client: clients[index]!.client, prefix: `test:${randomUUID()}:` };
      return { fast: new RedisNonceStore({ ...options, timeoutMs: 300 }), patient: new RedisNonceStore({ ...options, timeoutMs: 10_000 }) };
    };

    test(`${name}: claims reject within timeoutMs while Redis is down, and work again after a restart`, async () => {
      const { fast, patient } = storesOf();
      await waitUntilBack(fast); // after an earlier test's restart
      assert.equal(await patient.claim('before', 60_000), true);
      await server.stop();
      for (const id of ['during-1', 'during-2', 'during-3']) {
        const elapsed = await rejectionTime(fast.claim(id, 60_000));
        assert.ok(elapsed < 300 + SLACK_MS, `rejected after ${Math.round(elapsed)} ms`);
      }
      await server.restart();
      await waitUntilBack(fast);
      assert.equal(await patient.claim('after', 60_000), true);
      assert.equal(await fast.claim('after', 60_000), false);
    });

    test(`${name}: a claim sent to a Redis that hangs rejects after timeoutMs; the late SET still spends the nonce`, async () => {
      const { fast, patient } = storesOf();
      await waitUntilBack(fast);
      server.pause();
      try {
        const elapsed = await rejectionTime(fast.claim('hung', 60_000));
        assert.ok(elapsed >= 250 && elapsed < 300 + SLACK_MS, `rejected after ${Math.round(elapsed)} ms`);
      } finally {
        server.resume();
      }
      assert.equal(await patient.claim('hung', 60_000), false, 'the SET sent before the timeout ran once Redis resumed');
    });
  }
});

/** Room for a loaded machine's timer lag when checking "within timeoutMs". */
const SLACK_MS = 700;

/** How long `claim` took to reject with ERR_SIG_STORE_UNAVAILABLE (503). */
async function rejectionTime(claim: Promise<boolean>): Promise<number> {
  const started = performance.now();
  await assert.rejects(claim, { code: 'ERR_SIG_STORE_UNAVAILABLE', status: 503 });
  return performance.now() - started;
}
