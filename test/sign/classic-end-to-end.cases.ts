/**
 * The classic sign end to end: an App on a real socket with the default
 * nonce store, verifying WeChat-style signed forms sent with Node's fetch
 * (imported by classic.test.ts when the vectors are present).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import { App } from '../../src/app/app.ts';
import { classicSign, classicSignature } from '../../src/sign/classic/index.ts';
import { canonicalString } from '../../src/sign/classic/canonical-string.ts';
import { verifySignature } from '../../src/sign/middleware.ts';
import { APPID, SECRET, wechat } from './classic.fixture.ts';

const TIMEOUT_MS = 2_000;

async function payServer(t: TestContext, options: { debug?: boolean } = {}): Promise<string> {
  const app = new App();
  const keys = { [APPID]: { alg: 'hmac-sha256', secret: SECRET } } as const;
  const scheme = classicSign({ algorithm: 'md5', from: ['query', 'body'] });
  app.post('/pay', verifySignature({ scheme, keys, window: 300, debug: options.debug ?? false }), (c) => c.json(c.get('signature')));
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close({ graceMs: 0 }));
  return `http://127.0.0.1:${server.port}/pay`;
}

/** The vector's params with a current timestamp and a fresh nonce, signed with MD5. */
function freshParams(extra: Record<string, string> = {}): Record<string, string> {
  const params = { ...wechat.params, timestamp: String(Math.floor(Date.now() / 1000)), nonce_str: randomUUID().replaceAll('-', ''), ...extra };
  return { ...params, sign: classicSignature(params, SECRET, { algorithm: 'md5' }).signature };
}

interface Answer {
  readonly status: number;
  readonly body: { error?: { code: string; signatureBase?: string } } & Record<string, unknown>;
  readonly text: string;
  readonly challenge: string | null;
}

async function post(url: string, params: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(params), signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as never, text, challenge: response.headers.get('accept-signature') };
}

describe('classicSign end to end over a socket with fetch', () => {
  test('a WeChat-style signed form is accepted once, and its replay is ERR_SIG_REPLAYED', async (t) => {
    const url = await payServer(t);
    const params = freshParams();
    const first = await post(url, params);
    assert.equal(first.status, 200);
    assert.deepEqual({ ...first.body, created: 0 }, { keyId: APPID, alg: 'md5', scheme: 'classic', label: 'classic', created: 0 });
    assert.equal(first.body['created'], Number(params['timestamp']));
    const again = await post(url, params);
    assert.equal(again.status, 401);
    assert.equal(again.body.error?.code, 'ERR_SIG_REPLAYED');
  });

  test('signature parameters in the query and the business ones in the body are accepted', async (t) => {
    const url = await payServer(t);
    const { body, mch_id, device_info, ...query } = freshParams();
    const response = await fetch(`${url}?${new URLSearchParams(query)}`, {
      method: 'POST',
      body: new URLSearchParams({ body: body!, mch_id: mch_id!, device_info: device_info! }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    assert.equal(response.status, 200);
  });

  const failures: Array<[string, () => Record<string, string>, string]> = [
    ['a tampered parameter', () => ({ ...freshParams(), mch_id: '10000101' }), 'ERR_SIG_INVALID'],
    ['a stale timestamp', () => freshParams({ timestamp: String(Math.floor(Date.now() / 1000) - 3600) }), 'ERR_SIG_EXPIRED'],
    ['an unknown app key', () => freshParams({ appid: 'wx-unknown' }), 'ERR_SIG_UNKNOWN_KEY'],
    ['no sign', () => { const { sign: _, ...rest } = freshParams(); return rest; }, 'ERR_SIG_MISSING'],
  ];
  for (const [what, params, code] of failures) {
    test(`${what} answers 401 ${code} with an Accept-Signature challenge`, async (t) => {
      const url = await payServer(t);
      const response = await post(url, params());
      assert.equal(response.status, 401);
      assert.equal(response.body.error?.code, code);
      assert.equal(response.challenge, 'classic; alg="md5"; fields="appid,timestamp,nonce_str,sign"; from="query,body"; timestamp="s"');
      assert.equal(response.body.error?.signatureBase, undefined);
    });
  }

  test('with debug, a mismatch shows the masked string-to-sign and never the secret', async (t) => {
    const url = await payServer(t, { debug: true });
    const params: Record<string, string> = { ...freshParams(), body: 'tampered' };
    const response = await post(url, params);
    assert.equal(response.status, 401);
    assert.equal(response.body.error?.code, 'ERR_SIG_INVALID');
    const { sign: _, ...signed } = params;
    assert.equal(response.body.error?.signatureBase, `${canonicalString(signed, 'sign')}&key=***`);
    assert.ok(!response.text.includes(SECRET), 'the secret never reaches the client');
  });
});
