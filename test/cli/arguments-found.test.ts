/**
 * Plain examples of what the command-line property tests
 * (arguments-*.property.test.ts) found: each is refused with exit 2 and one
 * line on stderr that says what is wrong, sending nothing and changing no
 * file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KEYS, base, dir, received, useCountingServer, useKeyFiles } from './arguments.fixture.ts';
import { runCli } from './run-cli.ts';
import { failureProblem, runInProcess } from './run-in-process.ts';

useKeyFiles();
useCountingServer();

describe('cases the properties found', () => {
  const URL_ = 'http://127.0.0.1:8000/orders';
  const SECRET = ['--key-id', 'k', '--secret', 's'];

  async function refused(args: readonly string[], message: RegExp): Promise<void> {
    const result = await runInProcess(args);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(failureProblem(args[0]!, result), undefined, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '');
  }

  test('sign refuses a non-ASCII rfc9421 --key-id with exit 2, not exit 1 with ERR_SIG_MALFORMED', async () => {
    await refused(['sign', URL_, '--key-id', 'é', '--secret', 's'], /--key-id "é" must be printable ASCII/);
  });

  test('sign refuses -H with a control character or a character beyond U+00FF in its value', async () => {
    await refused(['sign', URL_, '-H', 'X: a\u0001b', ...SECRET], /-H "X" has a control character in its value/);
    await refused(['sign', URL_, '-H', 'X: \u0100', ...SECRET], /-H "X" has a character beyond U\+00FF/);
  });

  test('sign refuses -X ſ, which upper-cases to the token S', async () => {
    await refused(['sign', '-X', 'ſ', URL_, ...SECRET], /-X "ſ" is not a method/);
  });

  test('classic with --from headers refuses a --key-id that would split the printed header', async () => {
    await refused(['sign', URL_, '--scheme', 'classic', '--from', 'headers', '--key-id', 'k\nX-Evil: 1', '--secret', 's'], /--key-id "k\\nX-Evil: 1" cannot be sent in the "appid" header/);
  });

  test('sign with --key-id __proto__ and a keys file says the key is not in the file', async () => {
    await refused(['sign', URL_, '--key-id', '__proto__', '--keys', KEYS], /key "__proto__" is not in /);
  });

  test('an error message never carries a raw CR or other control character to the terminal', async () => {
    await refused(['sign', URL_, ...SECRET, '--alg', 'x\ry\u001b[2J'], /unknown --alg "x\\x0dy\\x1b\[2J"/);
  });

  test('request refuses what fetch will not send (CONNECT, credentials in the URL, Connection: upgrade, Expect) with exit 2, sending nothing', async () => {
    const before = received;
    await refused(['request', '-X', 'CONNECT', `${base}/orders`, ...SECRET], /fetch cannot send this request: 'CONNECT' HTTP method is unsupported/);
    await refused(['request', base.replace('//', '//user:pw@'), ...SECRET], /fetch cannot send this request: .*credentials/);
    await refused(['request', `${base}/orders`, '-H', 'Connection: upgrade', ...SECRET], /fetch cannot send this request: invalid connection header/);
    await refused(['request', `${base}/orders`, '-H', 'Expect: 100-continue', ...SECRET], /fetch cannot send this request: expect header not supported/);
    assert.equal(received, before);
  });

  test('serve --keys FILE holding other keys exits 2 and leaves the file as it was (it was replaced by a demo key)', async () => {
    const before = readFileSync(KEYS, 'utf8');
    const result = await runCli(['serve', '--keys', KEYS, '--port', '0', '--quiet'], { timeoutMs: 20_000 });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(failureProblem('serve', result), undefined, result.stderr);
    assert.match(result.stderr, /has no hmac-sha256 key "demo", and it is not written over/);
    assert.equal(readFileSync(KEYS, 'utf8'), before);
  });

  test('keygen into a directory that does not exist exits 2 with "cannot write", not 1 with a raw ENOENT', async () => {
    await refused(['keygen', '--out', join(dir, 'no/such/dir/keys.json')], /cannot write .*no\/such\/dir\/keys\.json: ENOENT/);
  });
});
