/**
 * `signwire verify --scheme …` on raw request files: one signed by the AWS
 * SDK's own signer (`@smithy/signature-v4`) verifies with --scheme sigv4,
 * and a tampered copy prints, with --debug, the canonical request (the
 * SDK's, with the changed line) and string to sign; requests signed by
 * `signwire sign` with the classic and webhook schemes verify, and with a
 * wrong secret print ERR_SIG_INVALID and the signed payload, exit 1.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { tempDir } from '../helpers/clients.ts';
import { ACCESS_KEY_ID, REGION, SECRET, SERVICE, rawRequest, signed, smithySigner } from '../sign/sigv4/smithy.ts';
import { runCli } from './run-cli.ts';

const SIGV4 = ['--scheme', 'sigv4', '--region', REGION, '--service', SERVICE];

/** A file in a fresh temp dir with `content`. */
function file(t: TestContext, name: string, content: string | Buffer): string {
  const full = path.join(tempDir(t, 'signwire-cli-'), name);
  writeFileSync(full, content);
  return full;
}

describe('verify --scheme sigv4 on a request signed by the AWS SDK', () => {
  const parts = { method: 'POST', path: '/orders/7', query: { tenant: 'acme' }, headers: { 'content-type': 'application/json' }, body: '{"qty":1}' };

  test('OK, naming the access key and the scheme', async (t) => {
    const keys = file(t, 'keys.json', JSON.stringify({ keys: { [ACCESS_KEY_ID]: { secret: SECRET } } }));
    const raw = file(t, 'request.http', rawRequest(await signed(parts, smithySigner(), new Date())));
    const result = await runCli(['verify', ...SIGV4, '--keys', keys, raw]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`^OK keyid=${ACCESS_KEY_ID} alg=hmac-sha256 created=\\d+ scheme=sigv4$`, 'm'));
  });

  test('a changed path → ERR_SIG_INVALID, and --debug prints the SDK\'s canonical request with that path, and the string to sign', async (t) => {
    const signer = smithySigner();
    const request = await signed(parts, signer, new Date());
    const sdkCanonical = await signer.canonicalRequestOf(request);
    const raw = file(t, 'request.http', rawRequest(Object.assign(request, { path: '/orders/8' })));
    const result = await runCli(['verify', ...SIGV4, '--key-id', ACCESS_KEY_ID, '--secret', SECRET, raw, '--debug']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const [first, ...rest] = result.stdout.split('\n');
    assert.match(first!, /^ERR_SIG_INVALID /);
    const printed = rest.join('\n');
    const canonical = printed.slice('canonical request, as the verifier computed it:\n'.length, printed.indexOf('\nstring to sign, as the verifier computed it:\n'));
    assert.ok(printed.startsWith('canonical request, as the verifier computed it:\n'), printed);
    assert.equal(canonical, sdkCanonical.replace('\n/orders/7\n', '\n/orders/8\n'));
    assert.match(printed, /\nstring to sign, as the verifier computed it:\nAWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/orders\/aws4_request\n[0-9a-f]{64}\n$/);
  });
});

interface SignedCase {
  readonly name: string;
  /** Scheme options, used both to sign and to verify. */
  readonly scheme: readonly string[];
  readonly data?: string;
  /** The key options to sign and to verify with. */
  readonly key: readonly string[];
  /** What --debug shows as the signature base for a wrong secret. */
  readonly base: RegExp;
}

const WEBHOOK_SECRET = 'whsec_cli_verify';
const CASES: readonly SignedCase[] = [
  { name: 'classic, fields in the query', scheme: ['--scheme', 'classic', '--algorithm', 'sha256'], key: ['--key-id', 'wx1', '--secret', WEBHOOK_SECRET], base: /^appid=wx1&nonce_str=[0-9a-f]{32}&page=2&timestamp=\d+&key=\*\*\*$/m },
  { name: 'stripe', scheme: ['--scheme', 'stripe'], data: '{"id":"evt_9"}', key: ['--secret', WEBHOOK_SECRET], base: /^\d+\.\{"id":"evt_9"\}$/m },
  { name: 'slack', scheme: ['--scheme', 'slack'], data: 'text=hi', key: ['--secret', WEBHOOK_SECRET], base: /^v0:\d+:text=hi$/m },
  { name: 'github', scheme: ['--scheme', 'github'], data: '{"zen":"z"}', key: ['--secret', WEBHOOK_SECRET], base: /^\{"zen":"z"\}$/m },
];

/** A raw request made from what `signwire sign` printed (a changed URL on the first line, then headers). */
async function signedRawRequest(c: SignedCase): Promise<string> {
  const data = c.data === undefined ? [] : ['-d', c.data];
  const result = await runCli(['sign', 'http://127.0.0.1:8000/hook?page=2', ...data, ...c.scheme, ...c.key]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  const url = new URL(lines[0]!.startsWith('http') ? lines.shift()! : 'http://127.0.0.1:8000/hook?page=2');
  const body = c.data ?? '';
  const head = [`${c.data === undefined ? 'GET' : 'POST'} ${url.pathname}${url.search} HTTP/1.1`, 'Host: 127.0.0.1:8000', ...lines, `Content-Length: ${Buffer.byteLength(body)}`];
  return `${head.join('\n')}\n\n${body}`;
}

for (const c of CASES) {
  test(`verify --scheme ${c.name}: a request signed by signwire sign → OK; a wrong secret → ERR_SIG_INVALID with the signed payload`, async (t) => {
    const raw = file(t, 'request.http', await signedRawRequest(c));
    const ok = await runCli(['verify', ...c.scheme, ...c.key, raw]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, new RegExp(`^OK keyid=\\S+ alg=\\S+ created=\\d+ scheme=${c.scheme[1]!}$`, 'm'));
    const wrong = c.key.map((arg, i) => (c.key[i - 1] === '--secret' ? 'not-the-secret' : arg));
    const refused = await runCli(['verify', ...c.scheme, ...wrong, raw, '--debug']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /^ERR_SIG_INVALID /);
    assert.match(refused.stdout, /^signature base, as the verifier computed it:$/m);
    assert.match(refused.stdout, c.base);
    assert.ok(!refused.stdout.includes(WEBHOOK_SECRET) && !refused.stdout.includes('not-the-secret'), 'no secret is printed');
  });
}
