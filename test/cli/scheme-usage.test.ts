/**
 * Bad combinations of --scheme and its options are usage errors: one clear
 * line on stderr, exit code 2, no stack trace, nothing sent — an option of
 * another scheme, a scheme missing what it needs, an unknown scheme, bad
 * values, and classic requests whose fields cannot be placed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from './run-cli.ts';

const URL_ = 'http://127.0.0.1:9/orders';
const KEY = ['--key-id', 'k', '--secret', 's'];
const SIGV4 = ['--scheme', 'sigv4', '--region', 'us-east-1', '--service', 'orders', ...KEY];

const CASES: ReadonlyArray<readonly [string, readonly string[], RegExp]> = [
  ['--region without --scheme sigv4', ['sign', URL_, ...KEY, '--region', 'us-east-1'], /--region is only for --scheme sigv4 \(the default scheme is rfc9421\)/],
  ['--presign with --scheme stripe', ['sign', URL_, '--scheme', 'stripe', '--secret', 's', '--presign'], /--presign is only for --scheme sigv4/],
  ['--algorithm with --scheme sigv4', ['sign', URL_, ...SIGV4, '--algorithm', 'md5'], /--algorithm is only for --scheme classic/],
  ['--private-key with --scheme classic', ['request', URL_, '--scheme', 'classic', '--key-id', 'k', '--private-key', 'k.pem'], /--private-key is only for --scheme rfc9421/],
  ['--alg with --scheme slack', ['sign', URL_, '--scheme', 'slack', '--secret', 's', '--alg', 'ed25519'], /--alg is only for --scheme rfc9421/],
  ['an unknown scheme', ['request', URL_, '--scheme', 'hawk', ...KEY], /unknown --scheme "hawk"; use one of rfc9421, classic, sigv4, stripe, slack, github/],
  ['--scheme sigv4 without --region', ['sign', URL_, '--scheme', 'sigv4', '--service', 'orders', ...KEY], /--scheme sigv4 needs --region R and --service S/],
  ['--scheme sigv4 without --service', ['request', URL_, '--scheme', 'sigv4', '--region', 'us-east-1', ...KEY], /--scheme sigv4 needs --region R and --service S/],
  ['a region with a space', ['sign', URL_, ...SIGV4, '--region', 'us east'], /--region must be 1-64 letters/],
  ['--expires without --presign', ['sign', URL_, ...SIGV4, '--expires', '60'], /--expires goes with --presign/],
  ['--expires over seven days', ['sign', URL_, ...SIGV4, '--presign', '--expires', '604801'], /--expires must be whole seconds from 1 to 604800/],
  ['sigv4 without --key-id', ['sign', URL_, '--scheme', 'sigv4', '--region', 'r', '--service', 's', '--secret', 's'], /--key-id ID is required/],
  ['a webhook without a secret', ['sign', URL_, '--scheme', 'github', '-d', '{}'], /give exactly one secret: --keys FILE or --secret S/],
  ['a webhook with both --keys and --secret', ['sign', URL_, '--scheme', 'stripe', '--keys', 'k.json', '--secret', 's'], /give exactly one secret: .*\(got both\)/],
  ['an empty --secret', ['sign', URL_, '--scheme', 'slack', '--secret', ''], /--secret must not be empty/],
  ['classic: an unknown --algorithm', ['sign', URL_, '--scheme', 'classic', ...KEY, '--algorithm', 'crc32'], /unknown --algorithm "crc32"; use one of md5/],
  ['classic: a bad --from', ['sign', URL_, '--scheme', 'classic', ...KEY, '--from', 'query,cookie'], /--from must list distinct sources among query, body, headers/],
  ['classic: a bad --timestamp-unit', ['sign', URL_, '--scheme', 'classic', ...KEY, '--timestamp-unit', 'h'], /--timestamp-unit must be "s" or "ms"/],
  ['classic: two fields of one name', ['sign', URL_, '--scheme', 'classic', ...KEY, '--nonce-field', 'appid'], /--nonce-field repeats the field name "appid"/],
  ['classic: a field already in the query', ['sign', `${URL_}?appid=x`, '--scheme', 'classic', ...KEY], /cannot cover this request: parameter "appid" appears more than once/],
  ['classic: a sign already in the query', ['sign', `${URL_}?sign=x`, '--scheme', 'classic', ...KEY], /already has a "sign" parameter/],
  ['classic: a text body for the fields', ['sign', URL_, '--scheme', 'classic', ...KEY, '--from', 'body', '-d', 'hi', '-H', 'Content-Type: text/plain'], /adds its fields to a form or JSON body, not text\/plain/],
  ['classic: a JSON array body', ['sign', URL_, '--scheme', 'classic', ...KEY, '--from', 'body', '-d', '[1]'], /adds its fields to a JSON object/],
  ['classic: fields in the body of a GET request', ['request', URL_, '--scheme', 'classic', ...KEY, '--from', 'body'], /fetch cannot send with GET; use -X POST or --from query/],
  ['verify: --region without --scheme sigv4', ['verify', '--keys', 'k.json', '--region', 'us-east-1', 'r.http'], /--region is only for --scheme sigv4/],
  ['verify: --scheme sigv4 without --service', ['verify', '--scheme', 'sigv4', '--region', 'r', '--keys', 'k.json', 'r.http'], /needs --region R and --service S/],
  ['verify: --presign is for signing', ['verify', '--scheme', 'sigv4', '--region', 'r', '--service', 's', '--keys', 'k.json', '--presign', 'r.http'], /Unknown option '--presign'/],
  ['verify: both --keys and --secret', ['verify', '--scheme', 'stripe', '--keys', 'k.json', '--secret', 's', 'r.http'], /give exactly one of --keys FILE or --secret S/],
  ['verify: --secret for sigv4 without --key-id', ['verify', '--scheme', 'sigv4', '--region', 'r', '--service', 's', '--secret', 's', 'r.http'], /--secret S needs --key-id ID/],
  ['verify: an unknown scheme', ['verify', '--scheme', 'hmac', '--keys', 'k.json', 'r.http'], /unknown --scheme "hmac"/],
];

describe('bad scheme combinations exit 2 with one line on stderr', () => {
  for (const [name, args, message] of CASES) {
    test(`${name}: exit 2`, async () => {
      const result = await runCli(args);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
    });
  }
});

test('each command\'s --help lists the schemes and their options', async () => {
  for (const command of ['sign', 'request', 'verify']) {
    const help = await runCli([command, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--scheme NAME +rfc9421 \(default\), classic, sigv4, stripe, slack or github/);
    assert.match(help.stdout, /--region R --service S/);
    assert.match(help.stdout, /--app-key-field/);
    assert.equal(/--presign/.test(help.stdout), command !== 'verify', `${command} --help and --presign`);
  }
});
