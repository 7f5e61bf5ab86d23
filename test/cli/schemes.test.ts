/**
 * `signwire request` and `signwire sign --curl` with every scheme, against
 * a real App on 127.0.0.1 guarded by `verifySignature({ scheme })`: the
 * request is accepted (the App answers what it verified), the same with a
 * wrong secret is refused with ERR_SIG_INVALID and exit code 1, and the
 * printed curl command, run by bash with the real curl, is accepted too.
 * A presigned SigV4 URL from `sign --presign` works with Node's fetch.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { classicSign } from '../../src/sign/classic/scheme.ts';
import type { VerifySignatureOptions } from '../../src/sign/middleware.ts';
import { sigv4 } from '../../src/sign/sigv4/scheme.ts';
import { githubWebhook } from '../../src/sign/webhooks/github-webhook.ts';
import { slackSignature } from '../../src/sign/webhooks/slack-signature.ts';
import { stripeWebhook } from '../../src/sign/webhooks/stripe-webhook.ts';
import { bounded } from '../helpers/app.ts';
import { requireBinary, tempDir } from '../helpers/clients.ts';
import { runCli, runProcess } from './run-cli.ts';
import { answerOf, refusalCode, startSchemeApp, type CheckAnswer } from './scheme-app.ts';

const SECRET = 'cli-scheme-secret-0123456789abcdef';
const SIGV4_ARGS = ['--scheme', 'sigv4', '--region', 'us-east-1', '--service', 'orders', '--key-id', 'AKIDCLI'];

interface SchemeCase {
  readonly name: string;
  readonly server: VerifySignatureOptions;
  /** The scheme options and key source, `KEYS` standing for the keys file. */
  readonly args: readonly string[];
  readonly data?: string;
  readonly expect: { readonly scheme: string; readonly keyId: string };
  /** What the App must have received in the query (classic fields), or as the body when a scheme changed it. */
  readonly query?: RegExp;
  readonly body?: RegExp;
}

const KEYS = '<keys file>';

const CASES: readonly SchemeCase[] = [
  { name: 'rfc9421 (default)', server: { keys: { cli: { alg: 'hmac-sha256', secret: SECRET } } }, args: ['--key-id', 'cli', '--keys', KEYS], data: '{"qty":1}', expect: { scheme: 'rfc9421', keyId: 'cli' } },
  {
    name: 'classic md5, fields in the query', server: { scheme: classicSign({ algorithm: 'md5' }), keys: { wx1: { secret: SECRET } } },
    args: ['--scheme', 'classic', '--algorithm', 'md5', '--key-id', 'wx1', '--keys', KEYS], data: '{"qty":2,"item":"tea"}',
    expect: { scheme: 'classic', keyId: 'wx1' }, query: /^appid=wx1&timestamp=\d+&nonce_str=[0-9a-f]{32}&sign=[0-9A-F]{32}$/,
  },
  {
    name: 'classic hmac-sha256, fields in a form body with sign_type', server: { scheme: classicSign({ from: ['body'], algorithmField: 'sign_type' }), keys: { wx1: { secret: SECRET } } },
    args: ['--scheme', 'classic', '--from', 'body', '--algorithm-field', 'sign_type', '--key-id', 'wx1', '--secret', SECRET], data: 'item=green+tea&qty=3',
    expect: { scheme: 'classic', keyId: 'wx1' }, body: /^item=green\+tea&qty=3&appid=wx1&timestamp=\d+&nonce_str=[0-9a-f]{32}&sign_type=HMAC-SHA256&sign=[0-9A-F]{64}$/,
  },
  { name: 'sigv4', server: { scheme: sigv4({ region: 'us-east-1', service: 'orders' }), keys: { AKIDCLI: { secret: SECRET } } }, args: [...SIGV4_ARGS, '--keys', KEYS], data: '{"qty":4}', expect: { scheme: 'sigv4', keyId: 'AKIDCLI' } },
  {
    name: 'sigv4 with a session token and an unsigned payload',
    server: { scheme: sigv4({ region: 'us-east-1', service: 'orders', sessionToken: (token) => token === 'TOKEN-1' }), keys: { AKIDCLI: { secret: SECRET } } },
    args: [...SIGV4_ARGS, '--secret', SECRET, '--session-token', 'TOKEN-1', '--unsigned-payload'], data: '{"qty":5}', expect: { scheme: 'sigv4', keyId: 'AKIDCLI' },
  },
  { name: 'stripe', server: { scheme: stripeWebhook({ secret: SECRET }) }, args: ['--scheme', 'stripe', '--secret', SECRET], data: '{"id":"evt_1","object":"event"}', expect: { scheme: 'stripe', keyId: 'stripe' } },
  { name: 'stripe, the secret from the keys file', server: { scheme: stripeWebhook(), keys: { stripe: { secret: SECRET } } }, args: ['--scheme', 'stripe', '--keys', KEYS], data: '{"id":"evt_2"}', expect: { scheme: 'stripe', keyId: 'stripe' } },
  { name: 'slack', server: { scheme: slackSignature({ signingSecret: SECRET }) }, args: ['--scheme', 'slack', '--secret', SECRET], data: 'command=%2Fdeploy&text=prod', expect: { scheme: 'slack', keyId: 'slack' } },
  { name: 'github', server: { scheme: githubWebhook({ secret: SECRET }) }, args: ['--scheme', 'github', '--secret', SECRET], data: '{"zen":"Keep it logically awesome."}', expect: { scheme: 'github', keyId: 'github' } },
];

/** A keys file with SECRET under every key id the cases use. */
function keysFile(t: TestContext): string {
  const file = path.join(tempDir(t, 'signwire-cli-'), 'keys.json');
  const keys = Object.fromEntries(['cli', 'wx1', 'AKIDCLI', 'stripe'].map((id) => [id, { alg: 'hmac-sha256', secret: SECRET }]));
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

function argsOf(t: TestContext, c: SchemeCase): string[] {
  const data = c.data === undefined ? [] : ['-d', c.data];
  return [...data, ...c.args.map((arg) => (arg === KEYS ? keysFile(t) : arg))];
}

/** The case's arguments with the key source replaced by a wrong secret. */
function wrongSecret(c: SchemeCase): string[] {
  const args = c.args.filter((arg, i) => !['--keys', '--secret'].includes(arg) && !['--keys', '--secret'].includes(c.args[i - 1]!));
  return [...(c.data === undefined ? [] : ['-d', c.data]), ...args, '--secret', 'not-the-secret'];
}

function assertVerified(answer: CheckAnswer, c: SchemeCase): void {
  assert.equal(answer.signature.scheme, c.expect.scheme);
  assert.equal(answer.signature.keyId, c.expect.keyId);
  if (c.query !== undefined) assert.match(answer.query, c.query);
  if (c.body !== undefined) assert.match(answer.body, c.body);
  else assert.equal(answer.body, c.data ?? '');
}

/** Runs a printed curl command with bash, -w appending the status code on its own line. */
async function runCurl(command: string): Promise<{ status: number; body: string }> {
  const result = await runProcess('bash', ['-c', `${command} --max-time 10 -w '\\n%{http_code}'`]);
  assert.equal(result.code, 0, result.stderr);
  const cut = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(cut + 1)), body: result.stdout.slice(0, cut) };
}

for (const c of CASES) {
  describe(`--scheme ${c.name}`, () => {
    test('request → 200, the App verified it under the expected scheme and key', async (t) => {
      const url = await startSchemeApp(t, c.server);
      const result = await runCli(['request', url, ...argsOf(t, c)]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assertVerified(answerOf(result.stdout), c);
    });

    test('request with a wrong secret → ERR_SIG_INVALID, exit 1', async (t) => {
      const url = await startSchemeApp(t, c.server);
      const result = await runCli(['request', url, ...wrongSecret(c), '-i']);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /^HTTP\/1\.1 401 /);
      assert.equal(refusalCode(result.stdout.slice(result.stdout.indexOf('\n\n') + 2)), 'ERR_SIG_INVALID');
    });

    test('sign --curl: the command, run by bash with curl, is accepted', async (t) => {
      if (!requireBinary(t, 'curl')) return;
      const url = await startSchemeApp(t, c.server);
      const signed = await runCli(['sign', url, ...argsOf(t, c), '--curl']);
      assert.equal(signed.code, 0, signed.stderr);
      const sent = await runCurl(signed.stdout.trim());
      assert.equal(sent.status, 200, sent.body);
      assertVerified(answerOf(sent.body), c);
    });
  });
}

describe('sign --scheme sigv4 --presign', () => {
  const server = { scheme: sigv4({ region: 'us-east-1', service: 'orders' }), keys: { AKIDCLI: { secret: SECRET } } };

  test('prints a URL that Node\'s fetch gets 200 with, twice; a changed query → ERR_SIG_INVALID', async (t) => {
    const url = await startSchemeApp(t, server);
    const signed = await runCli(['sign', `${url}?page=2`, ...SIGV4_ARGS, '--secret', SECRET, '--presign', '--expires', '120']);
    assert.equal(signed.code, 0, signed.stderr);
    const link = signed.stdout.trim();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/check\?page=2&X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Expires=120&.*X-Amz-Signature=[0-9a-f]{64}$/);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(link, { signal: bounded() });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as CheckAnswer).signature.keyId, 'AKIDCLI');
    }
    const tampered = await fetch(link.replace('page=2', 'page=3'), { signal: bounded() });
    assert.equal(tampered.status, 401);
    assert.equal(((await tampered.json()) as { error: { code: string } }).error.code, 'ERR_SIG_INVALID');
  });
});
