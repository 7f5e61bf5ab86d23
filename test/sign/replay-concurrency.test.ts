/**
 * Replay protection under concurrency, over real sockets: 100 copies of one
 * signed request sent at once let exactly one through, and the 99 others
 * are refused ERR_SIG_REPLAYED — with the in-process MemoryNonceStore, with
 * a RedisNonceStore on a real redis-server, and with two server processes
 * (test/fixtures/redis-signed-server.ts) sharing one Redis, the copies split
 * across both.
 *
 * The Redis parts need `redis-server` on PATH: skipped with a reason when it
 * is missing, failed when `CI` is set.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { App, MemoryNonceStore, RedisNonceStore, contentDigest, verifySignature } from '../../src/index.ts';
import type { NonceStore } from '../../src/index.ts';
import { ALGORITHMS, serializeSignature, serializeSignatureInput, signatureBase, signatureBaseBytes } from '../../src/sign/rfc9421/index.ts';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.ts';
import { stopChild } from '../helpers/child-process.ts';

const COPIES = 100;
const KEY_ID = 'replay-test';
const SECRET = 'replay-test-secret-5d2e';
const FIXTURE = fileURLToPath(new URL('../fixtures/redis-signed-server.ts', import.meta.url));

const missing = redisServerMissing();
if (missing !== undefined && process.env.CI) {
  test('redis-server is installed (required when CI is set)', () => assert.fail(missing));
} else if (missing !== undefined) {
  console.log(`# Redis replay tests skipped: ${missing}`);
}

interface SignedOrder {
  readonly target: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** POST /orders signed for `authority` now, with a fresh nonce: the one request every copy repeats. */
function signedOrder(authority: string): SignedOrder {
  const target = '/orders?batch=1';
  const body = JSON.stringify({ sku: 'A-1', qty: 1 });
  const fields: Record<string, string> = { 'content-type': 'application/json', 'content-digest': contentDigest(body) };
  const components = ['@method', '@authority', '@path', '@query', 'content-digest', 'content-type'];
  const params = { created: Math.floor(Date.now() / 1000), nonce: randomUUID(), keyid: KEY_ID };
  const message = { method: 'POST', target, path: '/orders', search: 'batch=1', authority, scheme: 'http', header: (n: string) => fields[n] };
  const signature = ALGORITHMS['hmac-sha256'].sign(SECRET, signatureBaseBytes(signatureBase(message, components, params)));
  return {
    target,
    body,
    headers: {
      ...fields,
      'signature-input': serializeSignatureInput([{ label: 'sig1', components, params }]),
      signature: serializeSignature([{ label: 'sig1', signature }]),
    },
  };
}

interface Outcome {
  readonly status: number;
  readonly code: string | undefined;
}

function outcome(status: number, text: string): Outcome {
  try {
    return { status, code: (JSON.parse(text) as { error?: { code?: string } }).error?.code };
  } catch {
    return { status, code: undefined };
  }
}

/** Sends the copies at once with fetch (one connection each while all are in flight). */
async function fetchAll(port: number, order: SignedOrder, copies = COPIES): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: copies }, async () => {
      const res = await fetch(`http://127.0.0.1:${port}${order.target}`, {
        method: 'POST',
        headers: order.headers,
        body: order.body,
        signal: AbortSignal.timeout(10_000),
      });
      return outcome(res.status, await res.text());
    }),
  );
}

/** One copy on a connection of its own (no agent), with the Host a load balancer would pass on. */
function postOnNewConnection(port: number, host: string, order: SignedOrder): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: order.target, agent: false, timeout: 10_000, headers: { ...order.headers, host } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(outcome(res.statusCode ?? 0, text)));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(order.body);
  });
}

function assertExactlyOneAccepted(outcomes: readonly Outcome[]): void {
  const accepted = outcomes.filter((o) => o.status >= 200 && o.status < 300);
  const replayed = outcomes.filter((o) => o.status === 401 && o.code === 'ERR_SIG_REPLAYED');
  const tally = JSON.stringify(outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [`${o.status} ${o.code ?? ''}`]: (t[`${o.status} ${o.code ?? ''}`] ?? 0) + 1 }), {}));
  assert.equal(accepted.length, 1, tally);
  assert.equal(replayed.length, outcomes.length - 1, tally);
}

/** An app with verifySignature on `nonces`, listening on 127.0.0.1; records the client port of every request. */
async function serve(nonces: NonceStore): Promise<{ port: number; peers: Set<number>; close(): Promise<void> }> {
  const app = new App();
  const peers = new Set<number>();
  app.use(async (c, next) => {
    peers.add(c.req.raw.peer.remotePort ?? 0);
    await next();
  });
  app.post('/orders', verifySignature({ keys: { [KEY_ID]: { alg: 'hmac-sha256', secret: SECRET } }, nonces }), (c) => c.json({ ok: true }, 201));
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: server.port, peers, close: () => server.close({ graceMs: 0 }) };
}

describe('100 concurrent copies of one signed request, one process', () => {
  test('MemoryNonceStore: exactly one is accepted and 99 are refused ERR_SIG_REPLAYED', { timeout: 30_000 }, async () => {
    const server = await serve(new MemoryNonceStore());
    try {
      assertExactlyOneAccepted(await fetchAll(server.port, signedOrder(`127.0.0.1:${server.port}`)));
      assert.ok(server.peers.size > 1, `the copies came on ${server.peers.size} connection(s)`);
    } finally {
      await server.close();
    }
  });
});

describe('replay protection in Redis', { skip: missing ?? false }, () => {
  let redis: RedisServer | undefined;
  let client: Redis | undefined;

  before(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
  });
  after(async () => {
    client?.disconnect();
    await redis?.dispose();
  });

  test('RedisNonceStore: exactly one of 100 concurrent copies is accepted, 99 refused ERR_SIG_REPLAYED', { timeout: 30_000 }, async () => {
    const server = await serve(new RedisNonceStore({ client: client!, prefix: `test:${randomUUID()}:` }));
    try {
      assertExactlyOneAccepted(await fetchAll(server.port, signedOrder(`127.0.0.1:${server.port}`)));
      assert.ok(server.peers.size > 1, `the copies came on ${server.peers.size} connection(s)`);
    } finally {
      await server.close();
    }
  });

  describe('two server processes sharing one Redis', () => {
    const children: ChildProcess[] = [];
    const ports: number[] = [];
    const HOST = 'api.example.test'; // both sit behind one name, as behind a load balancer

    before(async () => {
      const prefix = `test:${randomUUID()}:`;
      for (let i = 0; i < 2; i += 1) {
        const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
          env: { ...process.env, REDIS_URL: redis!.url, NONCE_PREFIX: prefix, KEY_ID, KEY_SECRET: SECRET },
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        children.push(child);
        ports.push(await portOf(child));
      }
    });
    after(async () => {
      await Promise.all(children.map((child) => stopChild(child)));
    });

    test('100 copies split across both: exactly one is accepted overall, 99 refused ERR_SIG_REPLAYED', { timeout: 30_000 }, async () => {
      const order = signedOrder(HOST);
      const outcomes = await Promise.all(Array.from({ length: COPIES }, (_, i) => postOnNewConnection(ports[i % 2]!, HOST, order)));
      assertExactlyOneAccepted(outcomes);
    });

    test('a request accepted by one process is refused ERR_SIG_REPLAYED by the other', { timeout: 30_000 }, async () => {
      const order = signedOrder(HOST);
      assert.equal((await postOnNewConnection(ports[0]!, HOST, order)).status, 201);
      assert.deepEqual(await postOnNewConnection(ports[1]!, HOST, order), { status: 401, code: 'ERR_SIG_REPLAYED' });
    });
  });
});

/** The port a fixture server prints on its first line; fails after 15 s or if it exits first. */
function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('the fixture server did not print its port within 15 s')), 15_000);
    child.once('exit', (code) => reject(new Error(`the fixture server exited (${String(code)}) before listening`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
}

