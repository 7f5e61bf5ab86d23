/**
 * `signwire serve --tls-key FILE --tls-cert FILE`: HTTPS with the given
 * certificate (made by openssl), from one process and from `--workers 2`,
 * with "Serving HTTPS on https://…" in the banner and a suggested signed
 * request that trusts the certificate; one flag without the
 * other or an unreadable file is a usage error (exit 2), a key Node refuses
 * one line and exit 1, never a stack trace. SIGHUP renews the certificate
 * from the files, with and without workers; files that cannot serve leave
 * the certificate being served.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renewInPlace, selfSigned } from '../helpers/certificate.ts';
import { requireBinary, tempDir } from '../helpers/clients.ts';
import { CLI_SOURCE, requestOnNewConnection, requestTrusting, servingPort, startCli } from '../helpers/cluster-process.ts';
import { runCli } from './run-cli.ts';

const APP = fileURLToPath(new URL('../fixtures/cluster-app.ts', import.meta.url));

describe('--tls-key and --tls-cert: usage', () => {
  for (const [given, missing] of [['--tls-key', '--tls-cert'], ['--tls-cert', '--tls-key']] as const) {
    for (const workers of [[], ['--workers', '2']]) {
      test(`${given} alone${workers.length > 0 ? ' with --workers 2' : ''} → exit 2, one line naming ${missing}`, async () => {
        const run = await runCli(['serve', APP, '--port', '0', given, 'some.pem', ...workers], { timeoutMs: 30_000 });
        assert.equal(run.code, 2);
        assert.equal(run.stderr, `signwire serve: ${given} needs ${missing}: give both, or neither (see signwire serve --help)\n`);
        assert.equal(run.stdout, '');
      });
    }
  }

  test('a key file that does not exist → exit 2 and one line naming it', async (t) => {
    const missing = path.join(tempDir(t), 'missing-key.pem');
    const run = await runCli(['serve', APP, '--port', '0', '--tls-key', missing, '--tls-cert', missing], { timeoutMs: 30_000 });
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `signwire serve: cannot read ${missing}: ENOENT (see signwire serve --help)\n`);
  });

  test('--help names both flags', async () => {
    const run = await runCli(['serve', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--tls-key FILE/);
    assert.match(run.stdout, /--tls-cert FILE/);
  });
});

describe('--tls-key and --tls-cert: a key Node refuses', { timeout: 120_000 }, () => {
  for (const workers of [[], ['--workers', '2']]) {
    test(`the key of another certificate${workers.length > 0 ? ' with --workers 2' : ''} → exit 1, one line naming both files`, async (t) => {
      if (!requireBinary(t, 'openssl')) return;
      const [mine, other] = [await selfSigned(t), await selfSigned(t)];
      const run = await runCli(['serve', APP, '--port', '0', '--tls-key', other.keyFile, '--tls-cert', mine.certFile, ...workers], { timeoutMs: 30_000 });
      assert.equal(run.code, 1);
      const refusal = `signwire serve: cannot serve HTTPS: --tls-key ${other.keyFile} with --tls-cert ${mine.certFile} was refused by Node: `;
      assert.ok(run.stderr.startsWith(refusal), run.stderr);
      assert.match(run.stderr, /key values mismatch\n$/);
      assert.equal(run.stdout, '');
    });
  }
});

describe('serve over HTTPS', { timeout: 120_000 }, () => {
  test('one process, the demo: the banner says https, the playground answers with the given certificate, the suggested request trusts it; SIGTERM → exit 0', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const certificate = await selfSigned(t);
    const keys = path.join(tempDir(t), 'demo.keys.json');
    const server = startCli(t, ['serve', '--port', '0', '--keys', keys, '--quiet', '--tls-key', certificate.keyFile, '--tls-cert', certificate.certFile]);
    const port = await servingPort(server, 60_000, 'https');
    const [, printed] = await server.waitFor(new RegExp(`^  (NODE_EXTRA_CA_CERTS=\\S+ npx signwire request https://127\\.0\\.0\\.1:${port}/api/whoami .*)$`, 'm'), 10_000);
    assert.match(server.stdout, new RegExp(`^Playground: https://127\\.0\\.0\\.1:${port}/$`, 'm'));
    const answer = await requestOnNewConnection(port, '/hello', { ca: certificate.cert });
    assert.equal(answer.body, 'Hello, World!');
    assert.equal(answer.fingerprint, certificate.fingerprint);
    // Pasted as printed (the CLI run from the source rather than through npx): a signed answer over HTTPS.
    const pasted = printed!.replace('npx signwire', `"${process.execPath}" --import tsx "${CLI_SOURCE}"`);
    const whoami = JSON.parse(execFileSync('bash', ['-c', pasted], { encoding: 'utf8', timeout: 60_000 })) as { keyId: string };
    assert.equal(whoami.keyId, 'demo');
    server.signal('SIGTERM');
    assert.deepEqual(await server.exited(15_000), { code: 0, signal: null });
    assert.equal(server.stderr, '');
  });

  test('--workers 2, a MODULE: both workers answer HTTPS with the given certificate; SIGTERM → exit 0', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const certificate = await selfSigned(t);
    const server = startCli(t, ['serve', APP, '--workers', '2', '--port', '0', '--quiet', '--tls-key', certificate.keyFile, '--tls-cert', certificate.certFile]);
    const port = await servingPort(server, 60_000, 'https');
    const pids = (await server.waitFor(/2 workers \(pids (\d+), (\d+)\)/, 10_000)).slice(1).map(Number);
    const answered = new Set<number>();
    for (let i = 0; i < 20 && answered.size < 2; i++) {
      const answer = await requestOnNewConnection(port, '/', { ca: certificate.cert });
      assert.equal(answer.fingerprint, certificate.fingerprint);
      answered.add(answer.pid);
    }
    assert.deepEqual(answered, new Set(pids));
    server.signal('SIGTERM');
    assert.deepEqual(await server.exited(15_000), { code: 0, signal: null });
    assert.equal(server.stderr, '');
  });
});

describe('serve over HTTPS: SIGHUP renews the certificate', { timeout: 120_000 }, () => {
  for (const workers of [[], ['--workers', '2']]) {
    test(`${workers.length > 0 ? '--workers 2' : 'one process'}: new connections get the files' new certificate; files that cannot serve → one line on stderr, the old one stays`, async (t) => {
      if (!requireBinary(t, 'openssl')) return;
      const [served, renewed] = [await selfSigned(t), await selfSigned(t)];
      const server = startCli(t, ['serve', APP, '--port', '0', '--quiet', '--tls-key', served.keyFile, '--tls-cert', served.certFile, ...workers]);
      const port = await servingPort(server, 60_000, 'https');
      assert.equal((await requestOnNewConnection(port, '/', { ca: served.cert })).fingerprint, served.fingerprint);

      renewInPlace(served, renewed);
      server.signal('SIGHUP');
      await server.waitFor(/^TLS reloaded: new connections get the renewed certificate/m, 15_000);
      for (let i = 0; i < 4; i++) assert.equal((await requestTrusting(port, renewed.cert)).fingerprint, renewed.fingerprint);

      rmSync(served.certFile);
      server.signal('SIGHUP');
      const failed = workers.length > 0 ? 'the workers keep their certificate' : 'still serving the previous certificate';
      await server.waitFor(new RegExp(`^signwire serve: TLS reload failed, ${failed}: cannot read ${escape(served.certFile)}: ENOENT$`, 'm'), 15_000);
      assert.equal((await requestTrusting(port, renewed.cert)).fingerprint, renewed.fingerprint);

      server.signal('SIGTERM');
      assert.deepEqual(await server.exited(15_000), { code: 0, signal: null });
      assert.equal(server.stderr.split('\n').filter((line) => line !== '').length, 1, server.stderr);
    });
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
