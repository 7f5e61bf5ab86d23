/**
 * `signwire serve --workers N`: a bad count is a usage error (exit 2); a
 * MODULE and the demo are served by N workers that all answer; SIGTERM
 * drains them and exits 0; a module that cannot load, or a taken port, is
 * one clear line and exit 1, without a restart loop or a stack trace.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requestOnNewConnection, servingPort, startCli } from '../helpers/cluster-process.ts';
import { runCli } from './run-cli.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** "2 workers (pids 11, 12), …" → [11, 12], waiting for the line: it follows "Serving HTTP …", maybe in a later chunk. */
async function workerPids(server: ReturnType<typeof startCli>): Promise<number[]> {
  const match = await server.waitFor(/(\d+) workers? \(pids ([\d, ]+)\)/, 10_000);
  return match[2]!.split(', ').map(Number);
}

describe('--workers values', () => {
  for (const value of ['0', '-2', '1.5', 'two', '', '100000']) {
    test(`--workers "${value}" → exit 2 and one line naming the flag`, async () => {
      const run = await runCli(['serve', `--workers=${value}`, '--port', '0'], { timeoutMs: 30_000 });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^signwire serve: workers must be a positive integer up to 256, or "auto", got ".*" \(see signwire serve --help\)\n$/);
      assert.equal(run.stdout, '');
    });
  }

  test('--help names --workers and the exit codes', async () => {
    const run = await runCli(['serve', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--workers N/);
    assert.match(run.stdout, /exit codes: 0 .*1 .*2 usage error/);
  });
});

describe('serve --workers 2', { timeout: 120_000 }, () => {
  test('a MODULE: both workers answer on the printed port; SIGTERM → "Shutting down ...", exit 0', async (t) => {
    const server = startCli(t, ['serve', fixture('cluster-app.ts'), '--workers', '2', '--port', '0', '--quiet']);
    const port = await servingPort(server);
    const pids = await workerPids(server);
    assert.equal(new Set(pids).size, 2);
    const answered = new Set<number>();
    // Round-robin hands each new connection to the next free worker: a few connections reach both.
    for (let i = 0; i < 20 && answered.size < 2; i++) answered.add((await requestOnNewConnection(port, '/')).pid);
    assert.deepEqual(answered, new Set(pids));
    server.signal('SIGTERM');
    assert.deepEqual(await server.exited(15_000), { code: 0, signal: null });
    assert.match(server.stdout, /^Shutting down \.\.\.$/m);
    assert.equal(server.stderr, '');
  });

  test('the demo: one key file made by the primary, the banner once, every worker answers', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'signwire-workers-demo-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const keys = join(dir, 'demo.keys.json');
    const server = startCli(t, ['serve', '--workers', '2', '--port', '0', '--keys', keys, '--quiet']);
    const port = await servingPort(server);
    // The banner's last line: once it is there, the whole banner is.
    await server.waitFor(new RegExp(`signwire request http://127\\.0\\.0\\.1:${port}/api/whoami --key-id demo --keys ${keys}`), 10_000);
    assert.equal((server.stdout.match(/Created the demo key "demo"/g) ?? []).length, 1);
    assert.ok(JSON.parse(readFileSync(keys, 'utf8')).keys.demo.secret.length > 0);
    for (let i = 0; i < 4; i++) assert.equal((await requestOnNewConnection(port, '/hello')).body, 'Hello, World!');
    server.signal('SIGINT');
    assert.equal((await server.exited(15_000)).code, 0);
  });

  test('a MODULE that throws → exit 1 with one "giving up" line, no stack trace, no restart loop', async (t) => {
    const server = startCli(t, ['serve', fixture('cluster-broken-app.ts'), '--workers', '2', '--port', '0']);
    assert.deepEqual(await server.exited(60_000), { code: 1, signal: null });
    assert.match(server.stderr, /^signwire serve: worker \d \(pid \d+\) exited with code 1: deliberate startup failure; giving up: it failed to start$/m);
    assert.doesNotMatch(server.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(server.stderr, /restarting/);
  });

  test('a port in use → exit 1 and the port-in-use line', async (t) => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const { port } = blocker.address() as net.AddressInfo;
    const server = startCli(t, ['serve', fixture('cluster-app.ts'), '--workers', '2', '--port', String(port)]);
    assert.deepEqual(await server.exited(60_000), { code: 1, signal: null });
    assert.match(server.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use; try --port ${port + 1}`));
    assert.doesNotMatch(server.stderr, /\n\s+at /, 'no stack trace');
  });
});
