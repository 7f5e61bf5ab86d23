/**
 * Usage errors: one clear line on stderr and exit code 2, never a stack
 * trace — unknown flags, a missing URL or key source, a bad alg, an
 * unreadable file. `--help` prints a command's help and exits 0.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from './run-cli.ts';

const URL_ = 'http://127.0.0.1:8000/orders';

const CASES: ReadonlyArray<readonly [string, readonly string[], RegExp]> = [
  ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
  ['an unknown flag', ['sign', URL_, '--key-id', 'k', '--secret', 's', '--bogus'], /Unknown option '--bogus'/],
  ['a missing URL', ['sign', '--key-id', 'k', '--secret', 's'], /the URL is missing/],
  ['a relative URL', ['request', '/orders', '--key-id', 'k', '--secret', 's'], /not an absolute URL/],
  ['no key source', ['sign', URL_, '--key-id', 'k'], /give exactly one key source/],
  ['two key sources', ['sign', URL_, '--key-id', 'k', '--secret', 's', '--keys', 'k.json'], /give exactly one key source/],
  ['no key id', ['request', URL_, '--secret', 's'], /--key-id ID is required/],
  ['a bad alg', ['sign', URL_, '--key-id', 'k', '--secret', 's', '--alg', 'rsa-sha1'], /unknown --alg "rsa-sha1"/],
  ['an asymmetric alg with a secret', ['sign', URL_, '--key-id', 'k', '--secret', 's', '--alg', 'ed25519'], /use --private-key FILE/],
  ['an unreadable keys file', ['sign', URL_, '--key-id', 'k', '--keys', 'no/such/keys.json'], /cannot read keys file .*ENOENT/],
  ['an unreadable data file', ['sign', URL_, '-d', '@no/such/body.json', '--key-id', 'k', '--secret', 's'], /cannot read no\/such\/body\.json: ENOENT/],
  ['an unreadable private key', ['sign', URL_, '--key-id', 'k', '--private-key', 'no/such.pem'], /cannot read no\/such\.pem: ENOENT/],
  ['a malformed -H', ['sign', URL_, '-H', 'no colon', '--key-id', 'k', '--secret', 's'], /is not a header/],
  ['a body with GET for request', ['request', '-X', 'GET', URL_, '-d', 'x', '--key-id', 'k', '--secret', 's'], /cannot send a body with GET/],
  ['verify without --keys', ['verify', 'request.http'], /--keys FILE is required/],
  ['verify with a bad --window', ['verify', '--keys', 'k.json', '--window=-5', 'r.http'], /--window must be a positive number/],
  ['an option missing its value', ['verify', '--keys', 'k.json', '--window', '-5', 'r.http'], /'--window' argument is ambiguous/],
];

describe('usage errors exit 2 with one line on stderr', () => {
  for (const [name, args, message] of CASES) {
    test(`${name}: exit 2`, async () => {
      const result = await runCli(args);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      const lines = result.stderr.trim().split('\n');
      assert.match(lines[0]!, /^signwire/);
      if (args[0] !== 'frobnicate') assert.equal(lines.length, 1, result.stderr); // an unknown command is followed by the command list
    });
  }
});

test('--help prints each command\'s usage and exits 0; no command prints the command list and exits 2', async () => {
  for (const command of ['keygen', 'sign', 'request', 'verify']) {
    const help = await runCli([command, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^usage: signwire ${command}`));
  }
  const none = await runCli([]);
  assert.equal(none.code, 2);
  assert.match(none.stdout, /keygen[\s\S]*sign[\s\S]*request[\s\S]*verify/);
});
