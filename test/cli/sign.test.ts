/**
 * `signwire sign`: the headers it prints sign the request, and with
 * `--curl` the printed command, run by bash with the real curl, is
 * accepted by a server that verifies signatures (keys from `signwire keygen`).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { requireBinary, tempDir } from '../helpers/clients.ts';
import { runCli, runProcess, startSignedApp } from './run-cli.ts';

async function keysFile(t: TestContext, ...keygenArgs: string[]): Promise<{ dir: string; keys: string }> {
  const dir = tempDir(t, 'signwire-cli-');
  const keys = path.join(dir, 'signwire.keys.json');
  const made = await runCli(['keygen', '--id', 'cli', '--out', keys, ...keygenArgs]);
  assert.equal(made.code, 0, made.stderr);
  return { dir, keys };
}

/** Runs a printed curl command with bash, with -w appending the status code on its own line. */
async function runCurl(command: string): Promise<{ status: number; body: string }> {
  const result = await runProcess('bash', ['-c', `${command} -w '\\n%{http_code}'`]);
  assert.equal(result.code, 0, result.stderr);
  const cut = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(cut + 1)), body: result.stdout.slice(0, cut) };
}

test('sign prints Content-Type (when it chose one), Content-Digest, Signature-Input and Signature', async (t) => {
  const { keys } = await keysFile(t);
  const result = await runCli(['sign', 'http://127.0.0.1:8000/orders?x=1', '-d', '{"qty":1}', '--key-id', 'cli', '--keys', keys]);
  assert.equal(result.code, 0, result.stderr);
  const names = result.stdout.trim().split('\n').map((line) => line.slice(0, line.indexOf(':')));
  assert.deepEqual(names, ['Content-Type', 'Content-Digest', 'Signature-Input', 'Signature']);
  assert.match(result.stdout, /^Content-Type: application\/json$/m);
  assert.match(result.stdout, /^Signature-Input: sig1=\("@method" "@authority" "@path" "@query" "content-digest" "content-type"\);created=\d+;nonce="[\w-]+";keyid="cli";alg="hmac-sha256"$/m);
});

test('sign --curl (hmac from the keys file): the command run by bash gets 201 for a POST and 200 for a GET', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const { keys } = await keysFile(t);
  const base = await startSignedApp(t, keys);
  const post = await runCli(['sign', '-X', 'POST', `${base}/orders`, '-d', `{"note":"it's \\"quoted\\" & $HOME"}`, '--key-id', 'cli', '--keys', keys, '--curl']);
  assert.equal(post.code, 0, post.stderr);
  assert.match(post.stdout, /^curl /);
  const posted = await runCurl(post.stdout.trim());
  assert.equal(posted.status, 201, posted.body);
  assert.deepEqual((JSON.parse(posted.body) as { order: unknown }).order, { note: 'it\'s "quoted" & $HOME' });
  const get = await runCli(['sign', `${base}/whoami?q=a%20b&r=1`, '--key-id', 'cli', '--keys', keys, '--curl']);
  const got = await runCurl(get.stdout.trim());
  assert.equal(got.status, 200, got.body);
  assert.equal((JSON.parse(got.body) as { keyId: string }).keyId, 'cli');
});

test('sign --curl with an Ed25519 private key and a body file: accepted, and the same command again is a replay', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const { dir, keys } = await keysFile(t, '--alg', 'ed25519');
  const base = await startSignedApp(t, keys);
  const bodyFile = path.join(dir, 'order.json');
  writeFileSync(bodyFile, '{\n  "qty": 3\n}\n');
  const args = ['sign', `${base}/orders`, '-d', `@${bodyFile}`, '--key-id', 'cli', '--private-key', path.join(dir, 'cli.private.pem'), '--curl'];
  const signed = await runCli(args);
  assert.equal(signed.code, 0, signed.stderr);
  assert.match(signed.stdout, /--data-binary /);
  const first = await runCurl(signed.stdout.trim());
  assert.equal(first.status, 201, first.body);
  const replay = await runCurl(signed.stdout.trim());
  assert.equal(replay.status, 401);
  assert.equal((JSON.parse(replay.body) as { error: { code: string } }).error.code, 'ERR_SIG_REPLAYED');
});
