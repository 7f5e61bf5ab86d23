/**
 * The classic sign's verification, against an in-memory request and
 * context: field names, timestamp units, algorithms, and the order in
 * which a request is refused (missing, malformed, unknown key, expired,
 * invalid, replayed) with what the error carries (imported by
 * classic.test.ts when the vectors are present).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { classicSign, classicSignature, type ClassicSignOptions } from '../../src/sign/classic/index.ts';
import { SignatureError } from '../../src/sign/errors.ts';
import { APPID, NOW, SECRET, codeOf, fakeContext, fakeRequest, form, signedParams, wechat } from './classic.fixture.ts';

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
