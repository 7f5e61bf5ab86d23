/**
 * `signwire serve`: a taken port is a clear message (no stack trace), and
 * SIGINT shuts the demo down gracefully.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, startDemo } from '../helpers/demo-process.ts';

test('a port already in use is a one-line message and exit 1, not a stack trace', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const cwd = mkdtempSync(join(tmpdir(), 'signwire-serve-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd, encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.status, 1);
  assert.match(run.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use; try --port ${port + 1}`));
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('SIGINT shuts the demo down gracefully and exits 0', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'signwire-serve-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const demo = await startDemo(t, cwd);
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => {
    let output = '';
    demo.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.child.on('exit', (code) => resolve({ code, output }));
  });
  const answer = await fetch(`http://127.0.0.1:${demo.port}/hello`);
  assert.equal(await answer.text(), 'Hello, World!');
  demo.child.kill('SIGINT');
  const { code, output } = await exited;
  assert.equal(code, 0);
  assert.match(output, /Shutting down \.\.\./);
});
