/**
 * Replay protection shared through Redis, end to end: a real redis-server,
 * `signwire serve test/fixtures/cluster-app.ts --redis URL` as real
 * processes, requests signed with the client's `signRequest`.
 *
 * - the same signed request sent on many connections to `--workers 2` is
 *   accepted exactly once, and both workers answered copies of it;
 * - the same with two separate `serve` processes behind one Host name;
 * - Redis stopped: 503 ERR_SIG_STORE_UNAVAILABLE, never an accept; Redis
 *   started again on the same port: accepted again by every worker, without
 *   restarting signwire.
 *
 * Needs `redis-server`: skipped with a reason when missing, failed when CI is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { signRequest } from '../../src/client/sign-request.ts';
import { CLUSTER_KEY_ID, CLUSTER_SECRET } from '../fixtures/cluster-app.ts';
import { requestOnNewConnection, servingPort, startCli, type Answer } from '../helpers/cluster-process.ts';
import { redisServerMissing, startRedisServer, type RedisServer } from '../helpers/redis-server.ts';

const APP = fileURLToPath(new URL('../fixtures/cluster-app.ts', import.meta.url));
const COPIES = 40;

const missing = redisServerMissing();
if (missing !== undefined && process.env.CI) {
  test('redis-server is installed (required when CI is set)', () => assert.fail(missing));
} else if (missing !== undefined) {
  console.log(`# shared replay tests skipped: ${missing}`);
}

interface SignedOrder {
  readonly host: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** POST /orders signed for `host` (the authority the server sees), with a fresh nonce. */
async function signedOrder(host: string): Promise<SignedOrder> {
  const body = JSON.stringify({ sku: 'A-1', qty: 1 });
  const headers = { 'content-type': 'application/json' };
  const added = await signRequest({ method: 'POST', url: `http://${host}/orders`, headers, body }, { keyId: CLUSTER_KEY_ID, key: CLUSTER_SECRET, alg: 'hmac-sha256' });
  return { host, headers: { ...headers, ...added, host }, body };
}

function send(port: number, order: SignedOrder): Promise<Answer> {
  return requestOnNewConnection(port, '/orders', { method: 'POST', headers: order.headers, body: order.body });
}

function tally(answers: readonly Answer[]): string {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[`${a.status} ${a.code ?? ''}`] = (counts[`${a.status} ${a.code ?? ''}`] ?? 0) + 1;
  return JSON.stringify(counts);
}

function assertAcceptedOnce(answers: readonly Answer[]): void {
  assert.equal(answers.filter((a) => a.status === 201).length, 1, tally(answers));
  assert.equal(answers.filter((a) => a.status === 401 && a.code === 'ERR_SIG_REPLAYED').length, answers.length - 1, tally(answers));
}

describe('replay protection shared through Redis', { skip: missing ?? false, timeout: 180_000 }, () => {
  let redis: RedisServer | undefined;
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.dispose();
  });

  test('--workers 2: one signed request on 40 connections → accepted once, refused ERR_SIG_REPLAYED 39 times, by both workers', async (t) => {
    const server = startCli(t, ['serve', APP, '--workers', '2', '--port', '0', '--redis', redis!.url, '--quiet']);
    const port = await servingPort(server);
    const order = await signedOrder(`127.0.0.1:${port}`);
    const answers = await Promise.all(Array.from({ length: COPIES }, () => send(port, order)));
    assertAcceptedOnce(answers);
    assert.equal(new Set(answers.map((a) => a.pid)).size, 2, 'both workers answered copies');
  });

  test('two separate serve processes behind one Host → accepted once overall', async (t) => {
    const servers = [0, 1].map(() => startCli(t, ['serve', APP, '--port', '0', '--redis', redis!.url, '--quiet']));
    const ports = await Promise.all(servers.map((server) => servingPort(server)));
    assert.notEqual(ports[0], ports[1]);
    const order = await signedOrder('api.example.test');
    const answers = await Promise.all(Array.from({ length: COPIES }, (_, i) => send(ports[i % 2]!, order)));
    assertAcceptedOnce(answers);
    assert.equal(new Set(answers.map((a) => a.pid)).size, 2, 'both processes answered copies');
  });

  test('Redis stopped → 503 ERR_SIG_STORE_UNAVAILABLE from every worker; restarted → accepted again, same workers', async (t) => {
    const server = startCli(t, ['serve', APP, '--workers', '2', '--port', '0', '--redis', redis!.url, '--quiet']);
    const port = await servingPort(server);
    const host = `127.0.0.1:${port}`;
    const workers = new Set((await acceptedByEveryWorker(port, host, 2)).map((a) => a.pid));
    await redis!.stop();
    const down = await Promise.all(Array.from({ length: 8 }, async () => send(port, await signedOrder(host))));
    assert.ok(down.every((a) => a.status === 503 && a.code === 'ERR_SIG_STORE_UNAVAILABLE'), tally(down));
    assert.deepEqual(new Set(down.map((a) => a.pid)), workers, 'every worker refused while Redis was down');
    await redis!.restart();
    const back = await acceptedByEveryWorker(port, host, 2);
    assert.deepEqual(new Set(back.map((a) => a.pid)), workers, 'the same workers, not restarted ones');
    assert.doesNotMatch(server.stderr, /restarting/);
  });
});

/**
 * Fresh signed orders on new connections until `workers` distinct workers
 * have each accepted one (bounded: 20 s). Anything but 201 or 503
 * ERR_SIG_STORE_UNAVAILABLE (a reconnecting client) fails the test.
 */
async function acceptedByEveryWorker(port: number, host: string, workers: number): Promise<Answer[]> {
  const accepted = new Map<number, Answer>();
  const deadline = Date.now() + 20_000;
  while (accepted.size < workers && Date.now() < deadline) {
    const answer = await send(port, await signedOrder(host));
    if (answer.status === 201) accepted.set(answer.pid, answer);
    else assert.deepEqual([answer.status, answer.code], [503, 'ERR_SIG_STORE_UNAVAILABLE']);
    if (answer.status !== 201) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(accepted.size, workers, `accepted by ${accepted.size} of ${workers} workers within 20 s`);
  return [...accepted.values()];
}
