/**
 * `serveCluster()` from code, with real processes and sockets
 * (test/fixtures/cluster-api.ts): both workers answer, in module and in
 * factory mode; a worker that dies is logged and replaced on the same port;
 * a worker that cannot start ends the cluster with exit 1 instead of a
 * restart loop; SIGTERM / SIGINT drain the workers and exit 0. With `tls`,
 * every worker answers HTTPS with the given certificate (openssl makes one),
 * and a key Node refuses ends the cluster with one line and exit 1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ClusterInfo } from '../../src/index.ts';
import { selfSigned } from '../helpers/certificate.ts';
import { requireBinary } from '../helpers/clients.ts';
import { NodeProcess, requestOnNewConnection } from '../helpers/cluster-process.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const API = fixture('cluster-api.ts');

async function startCluster(t: TestContext, env: NodeJS.ProcessEnv): Promise<{ cluster: NodeProcess; info: ClusterInfo }> {
  const cluster = new NodeProcess(t, [API], env);
  const info = JSON.parse((await cluster.waitFor(/^ready (.*)$/m))[1]!) as ClusterInfo;
  return { cluster, info };
}

/** The distinct pids that answered `count` requests, each on a new connection. */
async function pidsAnswering(port: number, count: number, pidOf: (body: string, header: number) => number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < count; i++) {
    const answer = await requestOnNewConnection(port, '/');
    assert.equal(answer.status, 200);
    pids.add(pidOf(answer.body, answer.pid));
  }
  return pids;
}

describe('serveCluster() with two workers', { timeout: 120_000 }, () => {
  test('module mode: both workers answer on one port; SIGTERM → both drain, exit 0', async (t) => {
    const { cluster, info } = await startCluster(t, { APP_MODULE: fixture('cluster-app.ts') });
    assert.equal(info.workers, 2);
    assert.equal(info.balancing, 'round-robin');
    assert.equal(info.tls, false);
    assert.equal(new Set(info.pids).size, 2);
    assert.deepEqual(await pidsAnswering(info.port, 6, (_, pid) => pid), new Set(info.pids));
    cluster.signal('SIGTERM');
    assert.deepEqual(await cluster.exited(15_000), { code: 0, signal: null });
    assert.equal((cluster.stdout.match(/^requests-seen /gm) ?? []).length, 2, 'each worker ran its exit hooks');
  });

  test('factory mode: the script runs again in each worker and builds the App there; SIGINT → exit 0', async (t) => {
    const { cluster, info } = await startCluster(t, {});
    const pids = await pidsAnswering(info.port, 6, (body) => Number(/^factory (\d+)$/.exec(body)?.[1]));
    assert.deepEqual(pids, new Set(info.pids));
    assert.ok(!pids.has(cluster.child.pid!), 'the primary serves nothing itself');
    cluster.signal('SIGINT');
    assert.deepEqual(await cluster.exited(15_000), { code: 0, signal: null });
  });

  test('a worker killed by SIGKILL → a log line naming it and the signal, and a new worker on the same port', async (t) => {
    const { cluster, info } = await startCluster(t, { APP_MODULE: fixture('cluster-app.ts') });
    const [victim, survivor] = info.pids as [number, number];
    process.kill(victim, 'SIGKILL');
    await cluster.waitFor(new RegExp(`worker 1 \\(pid ${victim}\\) was killed by SIGKILL; restarting it in 100 ms`), 10_000);
    const replaced = await waitForPids(info.port, (pids) => pids.has(survivor) && [...pids].some((pid) => pid !== survivor && pid !== victim));
    assert.ok(!replaced.has(victim));
  });

  test('a worker exiting with code 3 → a log line with the code, and it is replaced', async (t) => {
    const { cluster, info } = await startCluster(t, { APP_MODULE: fixture('cluster-app.ts'), WORKERS: '1' });
    assert.equal((await requestOnNewConnection(info.port, '/exit?code=3')).body, 'exiting');
    await cluster.waitFor(new RegExp(`worker 1 \\(pid ${info.pids[0]}\\) exited with code 3; restarting it in 100 ms`), 10_000);
    const pids = await waitForPids(info.port, (seen) => seen.size > 0 && !seen.has(info.pids[0]!));
    assert.equal(pids.size, 1);
  });
});

describe('workers that cannot start', { timeout: 120_000 }, () => {
  test('a module that throws at startup → one line saying why, exit 1, no restart loop', async (t) => {
    const cluster = new NodeProcess(t, [API], { APP_MODULE: fixture('cluster-broken-app.ts') });
    const started = Date.now();
    assert.deepEqual(await cluster.exited(60_000), { code: 1, signal: null });
    assert.match(cluster.stderr, /worker \d \(pid \d+\) exited with code 1: deliberate startup failure; giving up: it failed to start/);
    assert.doesNotMatch(cluster.stdout + cluster.stderr, /restarting/);
    assert.doesNotMatch(cluster.stdout, /^ready /m);
    assert.ok(Date.now() - started < 60_000);
  });

  test('a worker that dies and then fails every restart → retried maxStartupFailures times, then exit 1', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'signwire-crash-loop-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { cluster, info } = await startCluster(t, {
      APP_MODULE: fixture('cluster-crash-loop-app.ts'),
      CRASH_MARKER: join(dir, 'started'),
      WORKERS: '1',
      RESTART: JSON.stringify({ initialMs: 20, maxStartupFailures: 3 }),
    });
    await requestOnNewConnection(info.port, '/exit');
    assert.deepEqual(await cluster.exited(60_000), { code: 1, signal: null });
    assert.match(cluster.stderr, /exited with code 3; restarting it in 20 ms/);
    assert.equal((cluster.stderr.match(/deliberate startup failure after a restart; restarting it in/g) ?? []).length, 2);
    assert.match(cluster.stderr, /deliberate startup failure after a restart; giving up: it failed to start 3 times in a row/);
  });
});

describe('serveCluster() with tls', { timeout: 120_000 }, () => {
  test('module mode, two workers: both answer HTTPS with the given certificate; plain HTTP gets nothing; SIGTERM → exit 0', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const certificate = await selfSigned(t);
    const { cluster, info } = await startCluster(t, { APP_MODULE: fixture('cluster-app.ts'), TLS_KEY: certificate.keyFile, TLS_CERT: certificate.certFile });
    assert.equal(info.tls, true);
    const answered = new Set<number>();
    for (let i = 0; i < 20 && answered.size < 2; i++) {
      const answer = await requestOnNewConnection(info.port, '/', { ca: certificate.cert });
      assert.equal(answer.body, 'Hello, World!');
      assert.equal(answer.fingerprint, certificate.fingerprint);
      answered.add(answer.pid);
    }
    assert.deepEqual(answered, new Set(info.pids));
    await assert.rejects(requestOnNewConnection(info.port, '/'));
    cluster.signal('SIGTERM');
    assert.deepEqual(await cluster.exited(15_000), { code: 0, signal: null });
  });

  test('factory mode: the workers serve the primary\'s TLS options', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const certificate = await selfSigned(t);
    const { cluster, info } = await startCluster(t, { TLS_KEY: certificate.keyFile, TLS_CERT: certificate.certFile, WORKERS: '1' });
    const answer = await requestOnNewConnection(info.port, '/', { ca: certificate.cert });
    assert.equal(answer.body, `factory ${info.pids[0]}`);
    assert.equal(answer.fingerprint, certificate.fingerprint);
    cluster.signal('SIGTERM');
    assert.deepEqual(await cluster.exited(15_000), { code: 0, signal: null });
  });

  test('the key of another certificate → one line saying why, exit 1, no worker forked', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const [mine, other] = [await selfSigned(t), await selfSigned(t)];
    const cluster = new NodeProcess(t, [API], { APP_MODULE: fixture('cluster-app.ts'), TLS_KEY: other.keyFile, TLS_CERT: mine.certFile });
    assert.deepEqual(await cluster.exited(60_000), { code: 1, signal: null });
    assert.match(cluster.stderr, /^cannot serve HTTPS: tls was refused by Node: [^\n]*key values mismatch\n$/);
    assert.equal(cluster.stdout, '');
  });
});

/** Requests on new connections until the set of answering pids satisfies `done` (bounded: 15 s). */
async function waitForPids(port: number, done: (pids: Set<number>) => boolean): Promise<Set<number>> {
  const deadline = Date.now() + 15_000;
  let pids = new Set<number>();
  while (Date.now() < deadline) {
    pids = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const answer = await requestOnNewConnection(port, '/').catch(() => undefined);
      if (answer?.status === 200) pids.add(answer.pid);
    }
    if (done(pids)) return pids;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the answering workers never matched: ${[...pids].join(', ')}`);
}
