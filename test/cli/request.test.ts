/**
 * `signwire request`: signs and sends with fetch, prints the body; `-i`
 * shows the status line and headers first; a non-2xx answer exits 1 with
 * its body printed; an unreachable server exits 1 with a clear message.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/clients.ts';
import { runCli, startSignedApp } from './run-cli.ts';

test('request GET and POST are accepted; -i shows HTTP/1.1 201 and the headers', async (t) => {
  const keys = path.join(tempDir(t, 'signwire-cli-'), 'keys.json');
  assert.equal((await runCli(['keygen', '--id', 'cli', '--out', keys])).code, 0);
  const base = await startSignedApp(t, keys);
  const get = await runCli(['request', `${base}/whoami`, '--key-id', 'cli', '--keys', keys]);
  assert.equal(get.code, 0, get.stderr);
  assert.equal((JSON.parse(get.stdout) as { keyId: string }).keyId, 'cli');
  const post = await runCli(['request', `${base}/orders`, '-d', '{"qty":2}', '--key-id', 'cli', '--keys', keys, '-i']);
  assert.equal(post.code, 0, post.stderr);
  assert.match(post.stdout, /^HTTP\/1\.1 201 Created\n/);
  assert.match(post.stdout, /^content-type: application\/json/m);
  const body = post.stdout.slice(post.stdout.indexOf('\n\n') + 2);
  assert.deepEqual((JSON.parse(body) as { order: unknown }).order, { qty: 2 });
});

test('request with a wrong secret exits 1 and prints the 401 body', async (t) => {
  const keys = path.join(tempDir(t, 'signwire-cli-'), 'keys.json');
  assert.equal((await runCli(['keygen', '--id', 'cli', '--out', keys])).code, 0);
  const base = await startSignedApp(t, keys);
  const result = await runCli(['request', `${base}/whoami`, '--key-id', 'cli', '--secret', 'not the secret', '-i']);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^HTTP\/1\.1 401/);
  assert.match(result.stdout, /"code":"ERR_SIG_INVALID"/);
});

/** A port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

test('request to a closed port exits 1 with "cannot reach" and no stack trace', async () => {
  const port = await closedPort();
  const result = await runCli(['request', `http://127.0.0.1:${port}/x`, '--key-id', 'k', '--secret', 's']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`^signwire request: cannot reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});
