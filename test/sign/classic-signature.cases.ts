/**
 * The classic sign's pure parts: the WeChat Pay v2 worked example
 * reproduced exactly, every algorithm and option of `classicSignature`,
 * `canonicalString`, and the options `classicSign` refuses at construction
 * (imported by classic.test.ts when the vectors are present).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { classicSign, classicSignature, type ClassicSignOptions } from '../../src/sign/classic/index.ts';
import { canonicalString } from '../../src/sign/classic/canonical-string.ts';
import { CLASSIC_DEFAULTS } from '../../src/sign/classic/options.ts';
import { SECRET, wechat } from './classic.fixture.ts';

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
