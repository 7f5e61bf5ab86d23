/**
 * The classic sign's parameter sources, against an in-memory request and
 * context: the query, an urlencoded or JSON body, headers, and what each
 * refuses (imported by classic.test.ts when the vectors are present).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classicSign, classicSignature, type ClassicSignOptions } from '../../src/sign/classic/index.ts';
import { APPID, NOW, SECRET, codeOf, fakeContext, fakeRequest, form, signedParams, wechat, type FakeInit } from './classic.fixture.ts';

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
