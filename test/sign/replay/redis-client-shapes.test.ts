/**
 * RedisNonceStore without a server: which command each client shape gets,
 * how replies are read (only OK is a fresh nonce; anything unexpected is an
 * error, never a yes), refusing at once a client that lost its connection,
 * the timeout on a client that never answers (fakes, then real ioredis and
 * node-redis dialling a closed port), option validation, and fromUrl()
 * against a closed port.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { RedisNonceStore, type IoRedisLike, type NodeRedisLike, type NodeRedisSetOptions } from '../../../src/sign/replay/index.ts';
import { freePort } from '../../helpers/redis-server.ts';

/** An ioredis-shaped fake that records its calls and answers `reply`. */
function fakeIoRedis(reply: () => Promise<unknown>): IoRedisLike & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return { status: 'ready', calls, set: (...args) => (calls.push(args), reply()) };
}

/** A node-redis-shaped fake that records its calls and answers `reply`. */
function fakeNodeRedis(reply: () => Promise<unknown>): NodeRedisLike & { calls: [string, string, NodeRedisSetOptions][] } {
  const calls: [string, string, NodeRedisSetOptions][] = [];
  return { isOpen: true, calls, set: (...args) => (calls.push(args), reply()) };
}

const never = (): Promise<unknown> => new Promise(() => {});

describe('RedisNonceStore commands', () => {
  test('an ioredis client gets SET <prefix><id> 1 PX <ttl> NX', async () => {
    const client = fakeIoRedis(async () => 'OK');
    await new RedisNonceStore({ client }).claim('demo:n1', 600_000);
    assert.deepEqual(client.calls, [['signwire:nonce:demo:n1', '1', 'PX', 600_000, 'NX']]);
  });

  test('a node-redis client gets SET with NX and PX in both the v4 and the v5+ option forms', async () => {
    const client = fakeNodeRedis(async () => 'OK');
    await new RedisNonceStore({ client, prefix: 'p:' }).claim('n1', 600_000);
    assert.deepEqual(client.calls, [
      ['p:n1', '1', { NX: true, PX: 600_000, condition: 'NX', expiration: { type: 'PX', value: 600_000 } }],
    ]);
  });

  test('a fractional TTL is rounded up to whole milliseconds', async () => {
    const client = fakeIoRedis(async () => 'OK');
    await new RedisNonceStore({ client }).claim('n', 1.2);
    assert.equal(client.calls[0]?.[3], 2);
  });

  test('an adapter function gets the prefixed key and the TTL', async () => {
    const calls: [string, number][] = [];
    const store = new RedisNonceStore({ client: async (key, ttlMs) => (calls.push([key, ttlMs]), true), prefix: '' });
    assert.equal(await store.claim('n', 1000), true);
    assert.deepEqual(calls, [['n', 1000]]);
  });
});

describe('RedisNonceStore replies', () => {
  for (const [shape, make] of [['ioredis', fakeIoRedis], ['node-redis', fakeNodeRedis]] as const) {
    test(`${shape}: OK (string or bytes) is fresh, nil is a replay`, async () => {
      assert.equal(await new RedisNonceStore({ client: make(async () => 'OK') }).claim('n', 1000), true);
      assert.equal(await new RedisNonceStore({ client: make(async () => Buffer.from('OK')) }).claim('n', 1000), true);
      assert.equal(await new RedisNonceStore({ client: make(async () => new TextEncoder().encode('OK')) }).claim('n', 1000), true);
      assert.equal(await new RedisNonceStore({ client: make(async () => null) }).claim('n', 1000), false);
    });

    test(`${shape}: any other reply rejects with ERR_SIG_STORE_UNAVAILABLE`, async () => {
      for (const reply of ['QUEUED', undefined, 1, true, 'ok', {}, ['OK'], Buffer.from('OK!')]) {
        const store = new RedisNonceStore({ client: make(async () => reply) });
        await assert.rejects(store.claim('n', 1000), { code: 'ERR_SIG_STORE_UNAVAILABLE' }, String(reply));
      }
    });

    test(`${shape}: a failing command rejects with ERR_SIG_STORE_UNAVAILABLE, keeping the cause`, async () => {
      const cause = new Error('Connection is closed.');
      const store = new RedisNonceStore({ client: make(() => Promise.reject(cause)) });
      await assert.rejects(store.claim('n', 1000), (err: Error & { code?: string }) => err.code === 'ERR_SIG_STORE_UNAVAILABLE' && err.cause === cause);
    });

    test(`${shape}: a command that never answers rejects within timeoutMs`, async () => {
      const store = new RedisNonceStore({ client: make(never), timeoutMs: 50 });
      const started = performance.now();
      await assert.rejects(store.claim('n', 1000), { code: 'ERR_SIG_STORE_UNAVAILABLE', status: 503 });
      assert.ok(performance.now() - started < 1000);
    });
  }

  test('an ioredis client that lost its connection is refused at once, without queueing a command', async () => {
    for (const status of ['reconnecting', 'close', 'end']) {
      const client = { ...fakeIoRedis(never), status };
      await assert.rejects(new RedisNonceStore({ client, timeoutMs: 60_000 }).claim('n', 1000), { code: 'ERR_SIG_STORE_UNAVAILABLE' });
      assert.equal(client.calls.length, 0, status);
    }
  });

  test('an ioredis client still making its first connection gets the command', async () => {
    for (const status of ['wait', 'connecting', 'connect']) {
      const client = { ...fakeIoRedis(async () => 'OK'), status };
      assert.equal(await new RedisNonceStore({ client }).claim('n', 1000), true, status);
    }
  });

  test('a node-redis client that is closed or not ready is refused at once', async () => {
    for (const state of [{ isOpen: false }, { isOpen: true, isReady: false }]) {
      const client = { ...fakeNodeRedis(never), ...state };
      await assert.rejects(new RedisNonceStore({ client, timeoutMs: 60_000 }).claim('n', 1000), { code: 'ERR_SIG_STORE_UNAVAILABLE' });
      assert.equal(client.calls.length, 0, JSON.stringify(state));
    }
  });

  test('a client that throws synchronously rejects with ERR_SIG_STORE_UNAVAILABLE', async () => {
    const client: IoRedisLike = { status: 'end', set: () => { throw new Error('boom'); } };
    await assert.rejects(new RedisNonceStore({ client }).claim('n', 1000), { code: 'ERR_SIG_STORE_UNAVAILABLE' });
  });

  test('an adapter that resolves something other than a boolean rejects with ERR_SIG_STORE_UNAVAILABLE', async () => {
    const client = (async () => 'OK') as unknown as () => Promise<boolean>;
    await assert.rejects(new RedisNonceStore({ client }).claim('n', 1000), { code: 'ERR_SIG_STORE_UNAVAILABLE' });
  });
});

describe('RedisNonceStore with real clients and nothing listening', () => {
  test('ioredis (offline queue on, no retry limit): every claim rejects within timeoutMs', async () => {
    const client = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: null, retryStrategy: () => 20 });
    client.on('error', () => {});
    try {
      const store = new RedisNonceStore({ client, timeoutMs: 200 });
      for (let i = 0; i < 5; i++) assert.ok((await rejectionTime(store.claim(`n${i}`, 1000))) < 200 + 500);
    } finally {
      client.disconnect();
    }
  });

  test('node-redis (offline queue on, still trying to connect): every claim rejects within timeoutMs', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${await freePort()}`, socket: { reconnectStrategy: () => 20 } });
    client.on('error', () => {});
    const connecting = client.connect().catch(() => {});
    try {
      const store = new RedisNonceStore({ client, timeoutMs: 200 });
      for (let i = 0; i < 5; i++) assert.ok((await rejectionTime(store.claim(`n${i}`, 1000))) < 200 + 500);
    } finally {
      if (client.isOpen) client.destroy();
      await connecting;
    }
  });
});

/** How long `claim` took to reject with ERR_SIG_STORE_UNAVAILABLE. */
async function rejectionTime(claim: Promise<boolean>): Promise<number> {
  const started = performance.now();
  await assert.rejects(claim, { code: 'ERR_SIG_STORE_UNAVAILABLE' });
  return performance.now() - started;
}

describe('RedisNonceStore options', () => {
  test('rejects a client of no known shape with ERR_INVALID_OPTION', () => {
    for (const client of [undefined, null, {}, { set: 1, status: 'ready' }, { set: () => null }, 'redis://x']) {
      assert.throws(() => new RedisNonceStore({ client: client as unknown as IoRedisLike }), { code: 'ERR_INVALID_OPTION' }, String(client));
    }
  });

  test('rejects a timeoutMs that is not a positive integer below 2^31, and a non-string prefix', () => {
    const client = fakeIoRedis(async () => 'OK');
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      assert.throws(() => new RedisNonceStore({ client, timeoutMs }), { code: 'ERR_INVALID_OPTION' }, String(timeoutMs));
    }
    assert.throws(() => new RedisNonceStore({ client, prefix: 5 as unknown as string }), { code: 'ERR_INVALID_OPTION' });
  });

  test('fromUrl() checks its options before opening a connection', async () => {
    await assert.rejects(RedisNonceStore.fromUrl('redis://127.0.0.1:1', { timeoutMs: 0 }), { code: 'ERR_INVALID_OPTION' });
  });

  test('fromUrl() refuses what is not a redis:// or rediss:// URL with ERR_INVALID_OPTION, before connecting', async () => {
    for (const url of ['not a url', 'http://127.0.0.1:6379', '127.0.0.1:6379']) {
      await assert.rejects(RedisNonceStore.fromUrl(url), { code: 'ERR_INVALID_OPTION' }, url);
    }
  });

  test('a failed connection names the address but never the password in the URL', async () => {
    const port = await freePort();
    const error = await RedisNonceStore.fromUrl(`redis://app:s3cret-pw@127.0.0.1:${port}/2`, { timeoutMs: 300 }).then(
      () => assert.fail('connected to nothing'),
      (err: Error & { code?: string }) => err,
    );
    assert.equal(error.code, 'ERR_SIG_STORE_UNAVAILABLE');
    assert.ok(error.message.includes(`redis://127.0.0.1:${port}/2`), error.message);
    assert.ok(!error.message.includes('s3cret-pw'), error.message);
  });

  for (const library of ['ioredis', 'redis'] as const) {
    test(`fromUrl() with ${library} rejects with ERR_SIG_STORE_UNAVAILABLE within timeoutMs when nothing listens`, async () => {
      const port = await freePort();
      const started = performance.now();
      await assert.rejects(
        RedisNonceStore.fromUrl(`redis://127.0.0.1:${port}`, { library, timeoutMs: 300 }),
        { code: 'ERR_SIG_STORE_UNAVAILABLE' },
      );
      assert.ok(performance.now() - started < 2000);
    });
  }
});
