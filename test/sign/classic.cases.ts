/**
 * The classic "sorted params + secret" sign: the WeChat Pay v2 worked
 * examples reproduced exactly, every option, the verification order against
 * an in-memory request and context, and end to end over a real socket with
 * Node's fetch.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { App } from '../../src/app/app.ts';
import { classicSign, classicSignature, type ClassicSignOptions } from '../../src/sign/classic/index.ts';
import { canonicalString } from '../../src/sign/classic/canonical-string.ts';
import { CLASSIC_DEFAULTS } from '../../src/sign/classic/options.ts';
import { SignatureError } from '../../src/sign/errors.ts';
import type { KeyConfig } from '../../src/sign/keys/key-config.ts';
import { verifySignature } from '../../src/sign/middleware.ts';
import type { SignedRequest, VerifyContext } from '../../src/sign/scheme.ts';

interface WeChatVector {
  readonly params: Record<string, string>;
  readonly key: string;
  readonly 'string-to-sign': string;
  readonly md5: string;
  readonly 'hmac-sha256': string;
}
const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/classic/vectors.json', import.meta.url), 'utf8')) as { 'wechat-pay-v2': WeChatVector };
const wechat = vectors['wechat-pay-v2'];
const SECRET = wechat.key;
const APPID = wechat.params['appid']!;
const NOW = 1_700_000_000;

/** WeChat Pay v2 rules (§ 签名生成的通用步骤). */
describe('classicSignature: WeChat Pay v2 worked example', () => {
  test('MD5 reproduces the string-to-sign and the signature exactly', () => {
    const out = classicSignature(wechat.params, SECRET, { algorithm: 'md5' });
    assert.equal(out.stringToSign, wechat['string-to-sign']);
    assert.equal(out.signature, wechat.md5);
  });

  test('HMAC-SHA256 appends &key= and keys the HMAC with the secret, reproducing the signature exactly', () => {
    const out = classicSignature(wechat.params, SECRET, { algorithm: 'hmac-sha256' });
    assert.equal(out.stringToSign, wechat['string-to-sign']);
    assert.equal(out.signature, wechat['hmac-sha256']);
  });

  test('the default algorithm is hmac-sha256 and the default hex case upper', () => {
    assert.equal(classicSignature(wechat.params, SECRET).signature, wechat['hmac-sha256']);
  });

  test('hexCase lower gives the same digest in lower case', () => {
    assert.equal(classicSignature(wechat.params, SECRET, { algorithm: 'md5', hexCase: 'lower' }).signature, wechat.md5.toLowerCase());
  });

  test('a secret given as bytes signs like its UTF-8 string', () => {
    assert.equal(classicSignature(wechat.params, Buffer.from(SECRET), { algorithm: 'md5' }).signature, wechat.md5);
  });

  test('a sign parameter already present is not signed', () => {
    assert.equal(classicSignature({ ...wechat.params, sign: 'whatever' }, SECRET, { algorithm: 'md5' }).signature, wechat.md5);
  });
});

describe('classicSignature: algorithms and options', () => {
  const input = `${wechat['string-to-sign']}`;
  for (const [algorithm, expected] of [
    ['sha1', createHash('sha1').update(input).digest('hex')],
    ['sha256', createHash('sha256').update(input).digest('hex')],
    ['hmac-sha1', createHmac('sha1', SECRET).update(input).digest('hex')],
  ] as const) {
    test(`${algorithm} digests the string-to-sign as the table says`, () => {
      assert.equal(classicSignature(wechat.params, SECRET, { algorithm, hexCase: 'lower' }).signature, expected);
    });
  }

  test('appendSecret false with an HMAC signs the bare canonical string, keyed with the secret', () => {
    const out = classicSignature(wechat.params, SECRET, { algorithm: 'hmac-sha256', appendSecret: false, hexCase: 'lower' });
    const base = wechat['string-to-sign'].replace(`&key=${SECRET}`, '');
    assert.equal(out.stringToSign, base);
    assert.equal(out.signature, createHmac('sha256', SECRET).update(base).digest('hex'));
  });

  test('secretField renames the appended key', () => {
    const out = classicSignature({ a: '1' }, 's3', { algorithm: 'md5', secretField: 'secret', hexCase: 'lower' });
    assert.equal(out.stringToSign, 'a=1&secret=s3');
    assert.equal(out.signature, createHash('md5').update('a=1&secret=s3').digest('hex'));
  });

  test('signField names the excluded parameter', () => {
    assert.equal(classicSignature({ a: '1', signature: 'x', sign: 'y' }, 's', { signField: 'signature' }).stringToSign, 'a=1&sign=y&key=s');
  });

  test('an empty secret is refused', () => {
    assert.throws(() => classicSignature({ a: '1' }, ''), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => classicSignature({ a: '1' }, new Uint8Array(0)), { code: 'ERR_INVALID_OPTION' });
  });
});

describe('canonicalString', () => {
  test('sorts names in ASCII order: upper case before lower case, shorter prefix first', () => {
    assert.equal(canonicalString({ b: '2', a: '1', B: '3', ab: '4', a_: '5' }, 'sign'), 'B=3&a=1&a_=5&ab=4&b=2');
  });

  test('skips empty, null and undefined values and the sign field', () => {
    assert.equal(canonicalString({ a: '', b: null, c: undefined, d: '0', sign: 'S' }, 'sign'), 'd=0');
  });

  test('keeps values decoded: spaces, "&", "=" and non-ASCII as they are', () => {
    assert.equal(canonicalString({ body: 'Tencent 充值', url: 'https://x.test/?a=1&b=2' }, 'sign'), 'body=Tencent 充值&url=https://x.test/?a=1&b=2');
  });

  test('numbers and booleans as String(value), objects and arrays as compact JSON', () => {
    assert.equal(canonicalString({ n: 10, t: true, o: { x: [1, 'y'] }, l: [] }, 'sign'), 'l=[]&n=10&o={"x":[1,"y"]}&t=true');
  });

  test('accepts a Map as well as an object', () => {
    assert.equal(canonicalString(new Map([['b', '2'], ['a', '1']]), 'sign'), 'a=1&b=2');
  });

  test('refuses a value it cannot sign', () => {
    assert.throws(() => canonicalString({ n: Number.NaN }, 'sign'), { code: 'ERR_INVALID_OPTION' });
  });
});

describe('classicSign options are validated at construction', () => {
  const bad: Array<[string, unknown]> = [
    ['an unknown option', { algorithem: 'md5' }],
    ['an unknown algorithm', { algorithm: 'sha512' }],
    ['an empty "from"', { from: [] }],
    ['an unknown source', { from: ['cookies'] }],
    ['a repeated source', { from: ['query', 'query'] }],
    ['two fields with one name', { nonceField: 'sign' }],
    ['a field name with "="', { appKeyField: 'app=id' }],
    ['an empty field name', { timestampField: '' }],
    ['"headers" without the headers source', { headers: ['x-sign'] }],
    ['a bad header name', { from: ['headers'], headers: ['x sign'] }],
    ['a bad timestampUnit', { timestampUnit: 'us' }],
    ['a bad hexCase', { hexCase: 'mixed' }],
    ['a plain digest without the secret appended', { algorithm: 'md5', appendSecret: false }],
  ];
  for (const [what, options] of bad) {
    test(`rejects ${what} with ERR_INVALID_OPTION`, () => {
      assert.throws(() => classicSign(options as ClassicSignOptions), { code: 'ERR_INVALID_OPTION' });
    });
  }

  test('the defaults are frozen and are the WeChat field names', () => {
    assert.ok(Object.isFrozen(CLASSIC_DEFAULTS));
    assert.deepEqual(
      [CLASSIC_DEFAULTS.appKeyField, CLASSIC_DEFAULTS.signField, CLASSIC_DEFAULTS.timestampField, CLASSIC_DEFAULTS.nonceField, CLASSIC_DEFAULTS.secretField],
      ['appid', 'sign', 'timestamp', 'nonce_str', 'key'],
    );
  });
});

// ---------------------------------------------------------------------------
// The scheme, against an in-memory request and context.

interface FakeInit {
  readonly search?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

function fakeRequest(init: FakeInit): SignedRequest {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: 'POST',
    target: `/pay${init.search === undefined ? '' : `?${init.search}`}`,
    path: '/pay',
    search: init.search ?? '',
    authority: 'example.test',
    scheme: 'http',
    header: (name) => headers.get(name.toLowerCase()),
    body: () => Promise.resolve(Buffer.from(init.body ?? '')),
  };
}

interface FakeContext extends VerifyContext {
  readonly claimed: string[];
}

function fakeContext(options: { keys?: Record<string, KeyConfig>; debug?: boolean; now?: number } = {}): FakeContext {
  const keys = options.keys ?? { [APPID]: { alg: 'hmac-sha256', secret: SECRET } };
  const claimed: string[] = [];
  return {
    claimed,
    key: (id) => Promise.resolve(Object.hasOwn(keys, id) ? keys[id] : undefined),
    claimNonce: (id, nonce) => {
      if (claimed.includes(`${id}\n${nonce}`)) return Promise.reject(new SignatureError('ERR_SIG_REPLAYED', 'replayed'));
      claimed.push(`${id}\n${nonce}`);
      return Promise.resolve();
    },
    windowSeconds: 300,
    now: () => options.now ?? NOW,
    debug: options.debug ?? false,
  };
}

/** The vector's params, a timestamp and a nonce, signed under `options`. */
function signedParams(options: ClassicSignOptions = {}, extra: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = { ...wechat.params, [options.timestampField ?? 'timestamp']: String(NOW), ...extra };
  return { ...params, [options.signField ?? 'sign']: classicSignature(params, SECRET, options).signature };
}

const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('classicSign: parameter sources', () => {
  test('query parameters (the default sources) verify and fill in what was verified', async () => {
    const ctx = fakeContext();
    const verified = await classicSign({ algorithm: 'md5' }).verify(fakeRequest({ search: form(signedParams({ algorithm: 'md5' })) }), ctx);
    assert.deepEqual(verified, { keyId: APPID, alg: 'md5', scheme: 'classic', label: 'classic', created: NOW });
    assert.deepEqual(ctx.claimed, [`${APPID}\n${wechat.params['nonce_str']}`]);
  });

  test('an urlencoded body verifies, its values taken decoded', async () => {
    const params = signedParams({}, { body: 'Tencent 充值 a+b&c' });
    const req = fakeRequest({ body: form(params), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
    assert.equal((await classicSign().verify(req, fakeContext())).keyId, APPID);
  });

  test('a JSON body verifies through its top level, nested values as compact JSON', async () => {
    const body = { ...wechat.params, timestamp: NOW, detail: { goods: [{ id: 1 }] }, empty: null };
    const sign = classicSignature(body, SECRET).signature;
    const req = fakeRequest({ body: JSON.stringify({ ...body, sign }), headers: { 'content-type': 'application/json' } });
    assert.equal((await classicSign().verify(req, fakeContext())).created, NOW);
  });

  test('query and body merge: signature fields in the query, business fields in the body', async () => {
    const params = signedParams();
    const { appid, timestamp, nonce_str, sign, ...business } = params;
    const search = form({ appid: appid!, timestamp: timestamp!, nonce_str: nonce_str!, sign: sign! });
    const req = fakeRequest({ search, body: JSON.stringify(business), headers: { 'content-type': 'application/json' } });
    assert.equal((await classicSign().verify(req, fakeContext())).keyId, APPID);
  });

  test('headers: the field names read as headers, business fields from the query', async () => {
    const options: ClassicSignOptions = {
      from: ['query', 'headers'], appKeyField: 'X-App-Key', timestampField: 'X-Timestamp', nonceField: 'X-Nonce', signField: 'X-Sign',
    };
    const all = { mch_id: '10000100', 'X-App-Key': APPID, 'X-Timestamp': String(NOW), 'X-Nonce': 'n1' };
    const sign = classicSignature(all, SECRET, options).signature;
    const req = fakeRequest({ search: 'mch_id=10000100', headers: { 'x-app-key': APPID, 'x-timestamp': String(NOW), 'x-nonce': 'n1', 'x-sign': sign } });
    assert.equal((await classicSign(options).verify(req, fakeContext())).keyId, APPID);
  });

  test('headers: an explicit list adds a header to the signed parameters', async () => {
    const options: ClassicSignOptions = { from: ['query', 'headers'], headers: ['X-Tenant'] };
    const params = signedParams(options, { 'X-Tenant': 'acme' });
    const { 'X-Tenant': tenant, ...query } = params;
    const ok = fakeRequest({ search: form(query), headers: { 'x-tenant': tenant! } });
    assert.equal(await codeOf(classicSign(options).verify(ok, fakeContext())), undefined);
    const swapped = fakeRequest({ search: form(query), headers: { 'x-tenant': 'evil' } });
    assert.equal(await codeOf(classicSign(options).verify(swapped, fakeContext())), 'ERR_SIG_INVALID');
  });

  test('a source left out of "from" is not read: a sign in the body of a query-only scheme is missing', async () => {
    const req = fakeRequest({ body: form(signedParams()), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(await codeOf(classicSign({ from: ['query'] }).verify(req, fakeContext())), 'ERR_SIG_MISSING');
  });

  test('an empty body adds nothing, whatever its Content-Type', async () => {
    const req = fakeRequest({ search: form(signedParams()), headers: { 'content-type': 'application/json' } });
    assert.equal(await codeOf(classicSign().verify(req, fakeContext())), undefined);
  });

  test('a parameter both in the query and the body is malformed', async () => {
    const params = signedParams();
    const req = fakeRequest({ search: form(params), body: 'mch_id=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(await codeOf(classicSign().verify(req, fakeContext())), 'ERR_SIG_MALFORMED');
  });

  test('a parameter repeated in the query is malformed', async () => {
    const req = fakeRequest({ search: `${form(signedParams())}&mch_id=2` });
    assert.equal(await codeOf(classicSign().verify(req, fakeContext())), 'ERR_SIG_MALFORMED');
  });

  for (const [what, init] of [
    ['a text/plain body', { body: 'hello', headers: { 'content-type': 'text/plain' } }],
    ['a body without Content-Type', { body: 'hello' }],
    ['invalid JSON', { body: '{', headers: { 'content-type': 'application/json' } }],
    ['a JSON array body', { body: '[1]', headers: { 'content-type': 'application/json' } }],
    ['malformed percent-encoding', { search: 'a=%zz' }],
  ] as Array<[string, FakeInit]>) {
    test(`${what} is ERR_SIG_MALFORMED`, async () => {
      assert.equal(await codeOf(classicSign().verify(fakeRequest(init), fakeContext())), 'ERR_SIG_MALFORMED');
    });
  }
});

describe('classicSign: fields, timestamps, algorithms', () => {
  test('custom field names: app_key, signature, ts, nonce', async () => {
    const options: ClassicSignOptions = { appKeyField: 'app_key', signField: 'signature', timestampField: 'ts', nonceField: 'nonce' };
    const params = { app_key: APPID, ts: String(NOW), nonce: 'abc', amount: '1' };
    const search = form({ ...params, signature: classicSignature(params, SECRET, options).signature });
    assert.equal((await classicSign(options).verify(fakeRequest({ search }), fakeContext())).keyId, APPID);
  });

  test('timestampUnit ms: a millisecond timestamp verifies, a seconds one is expired', async () => {
    const scheme = classicSign({ timestampUnit: 'ms' });
    const ms = signedParams({}, { timestamp: String(NOW * 1000 + 999) });
    assert.equal((await scheme.verify(fakeRequest({ search: form(ms) }), fakeContext())).created, NOW);
    assert.equal(await codeOf(scheme.verify(fakeRequest({ search: form(signedParams()) }), fakeContext())), 'ERR_SIG_EXPIRED');
  });

  test('a non-numeric timestamp is malformed', async () => {
    const params = signedParams({}, { timestamp: '2024-01-01T00:00:00Z' });
    assert.equal(await codeOf(classicSign().verify(fakeRequest({ search: form(params) }), fakeContext())), 'ERR_SIG_MALFORMED');
  });

  test('a lower-case hex sign verifies like the upper-case one', async () => {
    const params = signedParams({ hexCase: 'lower' });
    assert.match(params['sign']!, /^[0-9a-f]{64}$/);
    assert.equal(await codeOf(classicSign().verify(fakeRequest({ search: form(params) }), fakeContext())), undefined);
  });

  test('a sign of the wrong length or not hex is malformed', async () => {
    for (const sign of [wechat.md5, 'Z'.repeat(64)]) {
      const params = { ...signedParams(), sign };
      assert.equal(await codeOf(classicSign().verify(fakeRequest({ search: form(params) }), fakeContext())), 'ERR_SIG_MALFORMED');
    }
  });

  test('algorithmField: the named algorithm is signed and may differ only in case', async () => {
    const options: ClassicSignOptions = { algorithm: 'hmac-sha256', algorithmField: 'sign_type' };
    const params = signedParams(options, { sign_type: 'HMAC-SHA256' });
    assert.equal(await codeOf(classicSign(options).verify(fakeRequest({ search: form(params) }), fakeContext())), undefined);
    assert.equal(await codeOf(classicSign(options).verify(fakeRequest({ search: form({ ...params, sign_type: '' }) }), fakeContext())), 'ERR_SIG_INVALID');
  });

  test('algorithmField naming another algorithm is ERR_SIG_ALG_MISMATCH', async () => {
    const options: ClassicSignOptions = { algorithm: 'hmac-sha256', algorithmField: 'sign_type' };
    const params = signedParams(options, { sign_type: 'MD5' });
    assert.equal(await codeOf(classicSign(options).verify(fakeRequest({ search: form(params) }), fakeContext())), 'ERR_SIG_ALG_MISMATCH');
  });

  test('a sign made with another algorithm than the scheme\'s is invalid', async () => {
    const params = signedParams({ algorithm: 'sha256' });
    assert.equal(await codeOf(classicSign({ algorithm: 'hmac-sha256' }).verify(fakeRequest({ search: form(params) }), fakeContext())), 'ERR_SIG_INVALID');
  });
});

describe('classicSign: verification order and errors', () => {
  const verify = (params: Record<string, string>, ctx = fakeContext()): Promise<string | undefined> =>
    codeOf(classicSign().verify(fakeRequest({ search: form(params) }), ctx));

  test('no sign is ERR_SIG_MISSING; an empty one too', async () => {
    const { sign: _, ...unsigned } = signedParams();
    assert.equal(await verify(unsigned), 'ERR_SIG_MISSING');
    assert.equal(await verify({ ...unsigned, sign: '' }), 'ERR_SIG_MISSING');
  });

  for (const field of ['appid', 'timestamp', 'nonce_str']) {
    test(`a signed request without ${field} is ERR_SIG_MALFORMED`, async () => {
      const { [field]: _, ...rest } = signedParams();
      assert.equal(await verify(rest), 'ERR_SIG_MALFORMED');
    });
  }

  test('a nonce longer than 128 characters is malformed', async () => {
    assert.equal(await verify(signedParams({}, { nonce_str: 'n'.repeat(129) })), 'ERR_SIG_MALFORMED');
  });

  test('an unknown app key is ERR_SIG_UNKNOWN_KEY, before the window is looked at', async () => {
    assert.equal(await verify(signedParams({}, { appid: 'nobody', timestamp: '1' })), 'ERR_SIG_UNKNOWN_KEY');
  });

  test('an asymmetric key cannot verify a classic sign: ERR_SIG_ALG_MISMATCH', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    assert.equal(await verify(signedParams(), fakeContext({ keys: { [APPID]: { alg: 'ed25519', publicKey } } })), 'ERR_SIG_ALG_MISMATCH');
  });

  test('a timestamp outside the window, either way, is ERR_SIG_EXPIRED before the signature is checked', async () => {
    assert.equal(await verify({ ...signedParams({}, { timestamp: String(NOW - 301) }), sign: 'A'.repeat(64) }), 'ERR_SIG_EXPIRED');
    assert.equal(await verify(signedParams({}, { timestamp: String(NOW + 301) })), 'ERR_SIG_EXPIRED');
    assert.equal(await verify(signedParams({}, { timestamp: String(NOW - 300) })), undefined);
  });

  test('a tampered parameter is ERR_SIG_INVALID and claims no nonce', async () => {
    const ctx = fakeContext();
    assert.equal(await verify({ ...signedParams(), mch_id: '10000101' }, ctx), 'ERR_SIG_INVALID');
    assert.deepEqual(ctx.claimed, []);
  });

  test('the same request twice: the second is ERR_SIG_REPLAYED', async () => {
    const ctx = fakeContext();
    assert.equal(await verify(signedParams(), ctx), undefined);
    assert.equal(await verify(signedParams(), ctx), 'ERR_SIG_REPLAYED');
  });

  test('with debug, ERR_SIG_INVALID carries the string-to-sign with the secret masked', async () => {
    const req = fakeRequest({ search: form({ ...signedParams(), body: 'tampered' }) });
    const error = await classicSign().verify(req, fakeContext({ debug: true })).catch((e: unknown) => e);
    assert.ok(error instanceof SignatureError);
    assert.equal(error.code, 'ERR_SIG_INVALID');
    assert.equal(error.signatureBase, `appid=${APPID}&body=tampered&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&timestamp=${NOW}&key=***`);
    assert.ok(!error.message.includes(SECRET));
  });

  test('without debug, ERR_SIG_INVALID carries no string-to-sign', async () => {
    const error = await classicSign().verify(fakeRequest({ search: form({ ...signedParams(), body: 'x' }) }), fakeContext()).catch((e: unknown) => e);
    assert.ok(error instanceof SignatureError);
    assert.equal(error.signatureBase, undefined);
  });

  test('challenge() names the scheme, algorithm, fields, sources and timestamp unit', () => {
    assert.deepEqual(classicSign({ algorithm: 'md5', algorithmField: 'sign_type' }).challenge(), {
      'Accept-Signature': 'classic; alg="md5"; fields="appid,timestamp,nonce_str,sign_type,sign"; from="query,body"; timestamp="s"',
    });
  });
});

// ---------------------------------------------------------------------------
// End to end: a real socket, Node's fetch, the default nonce store.

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
