/**
 * `signwire verify`: a raw request file made from `signwire sign` headers
 * verifies (LF-only or CRLF line endings, from a file or stdin); a tampered
 * one exits 1 with ERR_SIG_INVALID (and, with --debug, the signature base
 * the verifier computed); a file that is not a request is a usage error.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir } from '../helpers/clients.ts';
import { runCli } from './run-cli.ts';

const BODY = '{"qty":1}';

/** A keys file with the hmac key "cli", and a raw request signed with it (LF line endings). */
async function signedRawRequest(t: TestContext): Promise<{ dir: string; keys: string; raw: string }> {
  const dir = tempDir(t, 'signwire-cli-');
  const keys = path.join(dir, 'keys.json');
  assert.equal((await runCli(['keygen', '--id', 'cli', '--out', keys])).code, 0);
  const signed = await runCli(['sign', 'http://127.0.0.1:8000/orders?src=cli', '-d', BODY, '--key-id', 'cli', '--keys', keys]);
  assert.equal(signed.code, 0, signed.stderr);
  const raw = `POST /orders?src=cli HTTP/1.1\nHost: 127.0.0.1:8000\n${signed.stdout}Content-Length: ${BODY.length}\n\n${BODY}\n`;
  return { dir, keys, raw };
}

test('verify accepts the signed request from a file (LF endings) and from stdin (CRLF)', async (t) => {
  const { dir, keys, raw } = await signedRawRequest(t);
  const file = path.join(dir, 'request.http');
  writeFileSync(file, raw);
  const fromFile = await runCli(['verify', '--keys', keys, file]);
  assert.equal(fromFile.code, 0, fromFile.stdout + fromFile.stderr);
  assert.match(fromFile.stdout, /^OK keyid=cli alg=hmac-sha256 created=\d+$/m);
  const crlf = raw.replace(/\n(?=[\s\S]*\n\n)/g, '\r\n').replace('\n\n', '\r\n\r\n');
  const fromStdin = await runCli(['verify', '--keys', keys, '-'], { input: crlf });
  assert.equal(fromStdin.code, 0, fromStdin.stdout + fromStdin.stderr);
});

test('verify rejects a tampered request with ERR_SIG_INVALID (exit 1), showing the base with --debug', async (t) => {
  const { dir, keys, raw } = await signedRawRequest(t);
  const file = path.join(dir, 'tampered.http');
  writeFileSync(file, raw.replace('POST /orders?src=cli', 'POST /orders?src=evil'));
  const result = await runCli(['verify', '--keys', keys, file, '--debug']);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /^ERR_SIG_INVALID /);
  assert.match(result.stdout, /^"@query": \?src=evil$/m);
  const body = path.join(dir, 'body.http');
  writeFileSync(body, raw.replace(`\n\n${BODY}`, `\n\n${BODY.replace('1', '9')}`));
  const digest = await runCli(['verify', '--keys', keys, body]);
  assert.equal(digest.code, 1);
  assert.match(digest.stdout, /^ERR_SIG_DIGEST /);
});

test('verify with a file that is not an HTTP request, or a missing one, exits 2', async (t) => {
  const { dir, keys } = await signedRawRequest(t);
  const file = path.join(dir, 'junk.http');
  writeFileSync(file, 'hello world\n');
  const junk = await runCli(['verify', '--keys', keys, file]);
  assert.equal(junk.code, 2);
  assert.match(junk.stderr, /^signwire verify: not a valid HTTP\/1\.1 request: ERR_HTTP_/);
  const missing = await runCli(['verify', '--keys', keys, path.join(dir, 'nope.http')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope\.http: ENOENT/);
});
