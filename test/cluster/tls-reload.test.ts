/**
 * `serveCluster({ tls, reloadTls })`: SIGHUP to the primary renews the
 * certificate of every worker without a restart, and a worker forked later
 * gets the renewed one too; a renewal that cannot serve is one line on
 * stderr and the workers keep theirs. Real processes, real HTTPS clients,
 * certificates made by openssl (test/fixtures/cluster-api.ts reads the PEM
 * files again on SIGHUP).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { App, serveCluster, type ClusterInfo } from '../../src/index.ts';
import { renewInPlace, selfSigned } from '../helpers/certificate.ts';
import { requireBinary } from '../helpers/clients.ts';
import { NodeProcess, requestOnNewConnection, requestTrusting } from '../helpers/cluster-process.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

async function startCluster(t: TestContext, env: NodeJS.ProcessEnv): Promise<{ cluster: NodeProcess; info: ClusterInfo }> {
  const cluster = new NodeProcess(t, [fixture('cluster-api.ts')], { APP_MODULE: fixture('cluster-app.ts'), ...env });
  const info = JSON.parse((await cluster.waitFor(/^ready (.*)$/m))[1]!) as ClusterInfo;
  return { cluster, info };
}

/**
 * The fingerprints each pid presented over new connections that trust only `ca`, until every one of `pids`
 * answered (at most 60 requests). A failed handshake (a worker serving another certificate) is retried
 * (`requestTrusting`), so a worker that applies a renewal a moment after the primary logged it is waited for.
 */
async function fingerprintsByPid(port: number, ca: Buffer, pids: readonly number[]): Promise<Map<number, Set<string>>> {
  const seen = new Map<number, Set<string>>();
  for (let i = 0; i < 60 && !pids.every((pid) => seen.has(pid)); i++) {
    const answer = await requestTrusting(port, ca);
    assert.equal(answer.status, 200);
    seen.set(answer.pid, (seen.get(answer.pid) ?? new Set()).add(answer.fingerprint ?? ''));
  }
  return seen;
}

describe('serveCluster() reloadTls on SIGHUP', { timeout: 120_000 }, () => {
  test('both workers serve the renewed certificate to new connections, and so does a worker restarted afterwards', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const [served, renewed] = [await selfSigned(t), await selfSigned(t)];
    const { cluster, info } = await startCluster(t, { TLS_KEY: served.keyFile, TLS_CERT: served.certFile });
    const before = await fingerprintsByPid(info.port, served.cert, info.pids);
    assert.deepEqual(new Set(before.keys()), new Set(info.pids));
    assert.deepEqual([...before.values()], [new Set([served.fingerprint]), new Set([served.fingerprint])]);

    renewInPlace(served, renewed);
    cluster.signal('SIGHUP');
    await cluster.waitFor(/^TLS reloaded: new connections get the renewed certificate \(2 workers\)$/m, 15_000);
    const after = await fingerprintsByPid(info.port, renewed.cert, info.pids);
    assert.deepEqual(new Set(after.keys()), new Set(info.pids));
    assert.deepEqual([...after.values()], [new Set([renewed.fingerprint]), new Set([renewed.fingerprint])]);

    await requestOnNewConnection(info.port, '/exit?code=3', { ca: renewed.cert });
    await cluster.waitFor(/exited with code 3; restarting it/, 15_000);
    let restarted: number | undefined;
    for (let i = 0; i < 150 && restarted === undefined; i++) {
      const answer = await requestOnNewConnection(info.port, '/', { ca: renewed.cert }).catch(() => undefined);
      if (answer !== undefined && !info.pids.includes(answer.pid)) {
        assert.equal(answer.fingerprint, renewed.fingerprint);
        restarted = answer.pid;
      }
      if (restarted === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(restarted !== undefined, `no restarted worker answered\n${cluster.stderr}`);
    cluster.signal('SIGTERM');
    assert.deepEqual(await cluster.exited(15_000), { code: 0, signal: null });
  });

  test('a SIGHUP during a reload → one more reload after it: the workers end up with the files as they are after the last signal', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const [served, second, third] = [await selfSigned(t), await selfSigned(t), await selfSigned(t)];
    const { cluster, info } = await startCluster(t, { TLS_KEY: served.keyFile, TLS_CERT: served.certFile, RELOAD_DELAY_MS: '1000' });
    renewInPlace(served, second);
    cluster.signal('SIGHUP');
    await cluster.waitFor(/^reloadTls read the files$/m, 15_000);
    // The first reload has read `second` and holds it for a second: renewed again meanwhile, and signalled.
    renewInPlace(served, third);
    cluster.signal('SIGHUP');
    await cluster.waitFor(/TLS reloaded[^]*TLS reloaded/, 15_000);
    assert.equal(cluster.stdout.match(/^reloadTls read the files$/gm)?.length, 2, 'two signals during one reload would make two reloads, not three');
    const seen = await fingerprintsByPid(info.port, third.cert, info.pids);
    assert.deepEqual(new Set(seen.keys()), new Set(info.pids));
    assert.deepEqual([...seen.values()], [new Set([third.fingerprint]), new Set([third.fingerprint])]);
    cluster.signal('SIGTERM');
    assert.deepEqual(await cluster.exited(15_000), { code: 0, signal: null });
  });

  test('a renewed key that does not match → one line on stderr, the workers keep their certificate', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const [served, other] = [await selfSigned(t), await selfSigned(t)];
    const { cluster, info } = await startCluster(t, { TLS_KEY: served.keyFile, TLS_CERT: served.certFile });
    writeFileSync(served.keyFile, other.key);
    cluster.signal('SIGHUP');
    const line = await cluster.waitFor(/^TLS reload failed, the workers keep their certificate: (.*)$/m, 15_000);
    assert.match(line[1]!, /^cannot serve HTTPS: tls was refused by Node: .*key values mismatch$/);
    const seen = await fingerprintsByPid(info.port, served.cert, info.pids);
    assert.deepEqual(new Set(seen.keys()), new Set(info.pids));
    assert.deepEqual([...seen.values()], [new Set([served.fingerprint]), new Set([served.fingerprint])]);
    cluster.signal('SIGTERM');
    assert.deepEqual(await cluster.exited(15_000), { code: 0, signal: null });
    assert.doesNotMatch(cluster.stdout, /TLS reloaded/);
  });

  test('reloadTls without tls, or not a function → ERR_INVALID_OPTION before forking', async () => {
    const factory = (): App => new App();
    await assert.rejects(serveCluster(factory, { workers: 1, reloadTls: () => ({ key: 'k', cert: 'c' }) }), {
      code: 'ERR_INVALID_OPTION',
      message: /reloadTls needs tls/,
    });
    const reloadTls = 'key.pem' as unknown as () => { key: string; cert: string };
    await assert.rejects(serveCluster(factory, { workers: 1, tls: { key: 'k', cert: 'c' }, reloadTls }), {
      code: 'ERR_INVALID_OPTION',
      message: /reloadTls must be a function/,
    });
  });
});
