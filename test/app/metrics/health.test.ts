/**
 * The health endpoint: 200 when every check passes, 503 naming the check
 * that failed, resolved false or timed out (within a bounded time, and
 * without what it threw), probes that arrive together sharing one round of
 * checks, 503 while draining, options checked at the boundary; and the
 * nonce store check, in memory and against a real redis-server that is
 * frozen and then let go.
 *
 * The Redis part needs `redis-server` on PATH: skipped with a reason when
 * it is missing, failed when `CI` is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { App, MemoryNonceStore, RedisNonceStore, health, nonceStoreCheck, type HealthOptions } from '../../../src/index.ts';
import { recordingLogger, sleep } from '../../helpers/app.ts';
import { redisServerMissing, startRedisServer, type RedisServer } from '../../helpers/redis-server.ts';

function healthApp(options?: HealthOptions): App {
  const app = new App({ logger: recordingLogger().logger });
  app.get('/healthz', health(options));
  return app;
}

async function probe(app: App): Promise<{ status: number; body: Record<string, unknown>; text: string; cache: string | null }> {
  const res = await app.request('/healthz');
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, text, cache: res.headers.get('cache-control') };
}

describe('health()', () => {
  test('no checks → 200 { status: "ok" }, not cached', async () => {
    const res = await probe(healthApp());
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.equal(res.cache, 'no-store');
  });

  test('passing checks, sync and async → 200 with each check ok', async () => {
    const res = await probe(healthApp({ checks: { sync: () => true, async: async () => undefined } }));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', checks: { sync: 'ok', async: 'ok' } });
  });

  test('a check that throws, rejects or resolves false → 503 naming it, never showing what it threw', async () => {
    const secret = 'redis://:hunter2-password@db.internal:6379';
    const res = await probe(
      healthApp({
        checks: {
          fine: () => 'yes',
          throws: () => {
            throw new Error(`cannot reach ${secret}`);
          },
          rejects: () => Promise.reject(new Error(secret)),
          no: async () => false,
        },
      }),
    );
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { status: 'unavailable', checks: { fine: 'ok', throws: 'failed', rejects: 'failed', no: 'failed' } });
    assert.doesNotMatch(res.text, /hunter2|internal/);
  });

  test('a check that hangs → 503 timeout within about timeoutMs', async () => {
    const app = healthApp({ checks: { hangs: () => new Promise(() => {}), fine: () => true }, timeoutMs: 50 });
    const started = performance.now();
    const res = await probe(app);
    const took = performance.now() - started;
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { status: 'unavailable', checks: { hangs: 'timeout', fine: 'ok' } });
    assert.ok(took >= 45 && took < 1000, `answered after ${took.toFixed(0)} ms`);
  });

  test('probes that arrive together share one round of checks; the next probe runs a new one', async () => {
    let runs = 0;
    const app = healthApp({ checks: { counted: async () => (++runs, sleep(20)) } });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => probe(app)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
    assert.equal(runs, 1);
    await probe(app);
    assert.equal(runs, 2);
  });

  test('while draining → 503 { draining: true } without running the checks', async () => {
    let draining = true;
    let runs = 0;
    const app = healthApp({ checks: { c: () => ++runs }, draining: () => draining });
    const res = await probe(app);
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { status: 'unavailable', draining: true });
    assert.equal(runs, 0);
    draining = false;
    assert.equal((await probe(app)).status, 200);
  });

  test('bad options are ERR_INVALID_OPTION', () => {
    const bad: unknown[] = [{ timeoutMs: 0 }, { timeoutMs: 1.5 }, { timeoutMs: 2 ** 31 }, { checks: { x: 'not a function' } }, { draining: true }];
    for (const options of bad) assert.throws(() => health(options as HealthOptions), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(options));
  });
});

describe('nonceStoreCheck', () => {
  test('a working store passes; a store that rejects fails', async () => {
    const ok = await probe(healthApp({ checks: { nonces: nonceStoreCheck(new MemoryNonceStore()) } }));
    assert.equal(ok.status, 200);
    const down = await probe(healthApp({ checks: { nonces: nonceStoreCheck({ claim: () => Promise.reject(new Error('down')) }) } }));
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, { status: 'unavailable', checks: { nonces: 'failed' } });
  });
});

const missing = redisServerMissing();
if (missing !== undefined && process.env.CI) {
  test('redis-server is installed (required when CI is set)', () => assert.fail(missing));
} else if (missing !== undefined) {
  console.log(`# health check against Redis skipped: ${missing}`);
}

describe('nonceStoreCheck on a real redis-server', { skip: missing ?? false }, () => {
  let server: RedisServer;
  let client: Redis;
  before(async () => {
    server = await startRedisServer();
    client = new Redis(server.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
  });
  after(async () => {
    client.disconnect();
    await server.dispose();
  });

  test('Redis answering → 200; frozen → 503 within the store timeout; let go → 200 again', async () => {
    const nonces = new RedisNonceStore({ client, prefix: 'health-test:', timeoutMs: 200 });
    const app = healthApp({ checks: { nonces: nonceStoreCheck(nonces) }, timeoutMs: 1000 });
    assert.equal((await probe(app)).status, 200);
    server.pause();
    try {
      const started = performance.now();
      const frozen = await probe(app);
      assert.equal(frozen.status, 503);
      assert.deepEqual(frozen.body, { status: 'unavailable', checks: { nonces: 'failed' } });
      assert.ok(performance.now() - started < 1000, 'the store timeout answered, not the probe timeout');
    } finally {
      server.resume();
    }
    const deadline = Date.now() + 5000;
    let back = await probe(app);
    while (back.status !== 200 && Date.now() < deadline) back = (await sleep(50), await probe(app));
    assert.equal(back.status, 200);
    const keys = await client.keys('health-test:healthz:*');
    assert.ok(keys.length >= 1 && (await client.pttl(keys[0]!)) <= 1000, 'check nonces expire within a second');
  });
});
