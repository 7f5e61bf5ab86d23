/**
 * Reading what a SigV4 request claims: the Authorization header, the
 * Credential, SignedHeaders, the dates, and a presigned URL's query; each
 * refusal asserted by its code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAuthorization } from '../../../src/index.ts';
import { formatAmzDate, parseAmzDate, parseImfFixdate } from '../../../src/sign/sigv4/amz-date.ts';
import { parseCredential } from '../../../src/sign/sigv4/credential.ts';
import { parsePresigned, presignedParams } from '../../../src/sign/sigv4/presigned.ts';
import { parseSignedHeaders } from '../../../src/sign/sigv4/signed-headers.ts';

const SIG = 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea';
const CREDENTIAL = 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('parseAuthorization', () => {
  const expected = {
    credential: { accessKeyId: 'AKIDEXAMPLE', date: '20150830', region: 'us-east-1', service: 'service' },
    signedHeaders: ['host', 'x-amz-date'],
    signature: SIG,
  };

  for (const value of [
    `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${SIG}`,
    `AWS4-HMAC-SHA256 Credential=${CREDENTIAL},SignedHeaders=host;x-amz-date,Signature=${SIG}`,
    `AWS4-HMAC-SHA256  Signature=${SIG}, Credential=${CREDENTIAL},  SignedHeaders=host;x-amz-date`,
  ]) {
    test(`reads ${JSON.stringify(value.slice(0, 60))}…`, () => assert.deepEqual(parseAuthorization(value), expected));
  }

  for (const [value, code] of [
    ['Bearer abc', 'ERR_SIG_MISSING'],
    ['AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=', 'ERR_SIG_MISSING'],
    [`AWS4-ECDSA-P256-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host, Signature=${SIG}`, 'ERR_SIG_ALG_MISMATCH'],
    ['AWS4-HMAC-SHA256', 'ERR_SIG_MALFORMED'],
    [`AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host`, 'ERR_SIG_MALFORMED'],
    [`AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host, Signature=${SIG}, Extra=1`, 'ERR_SIG_MALFORMED'],
    [`AWS4-HMAC-SHA256 credential=${CREDENTIAL}, SignedHeaders=host, Signature=${SIG}`, 'ERR_SIG_MALFORMED'],
    [`AWS4-HMAC-SHA256 Credential=${CREDENTIAL} , SignedHeaders=host, Signature=${SIG}`, 'ERR_SIG_MALFORMED'],
    [`AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host, Signature=${SIG.slice(1)}`, 'ERR_SIG_MALFORMED'],
  ] as const) {
    test(`${JSON.stringify(value.slice(0, 50))}… → ${code}`, () => assert.equal(codeOf(() => parseAuthorization(value)), code));
  }
});

describe('parseCredential', () => {
  test('reads the five parts', () => {
    assert.deepEqual(parseCredential(CREDENTIAL), { accessKeyId: 'AKIDEXAMPLE', date: '20150830', region: 'us-east-1', service: 'service' });
  });

  for (const credential of [
    '/20150830/us-east-1/service/aws4_request',
    'AKID/2015083/us-east-1/service/aws4_request',
    'AKID/20150830/us east/service/aws4_request',
    'AKID/20150830/us-east-1//aws4_request',
    'AKID/20150830/us-east-1/service/aws4_request/x',
    'AKID/20150830/us-east-1/service/AWS4_REQUEST',
    `${'A'.repeat(129)}/20150830/us-east-1/service/aws4_request`,
  ]) {
    test(`${JSON.stringify(credential.slice(0, 50))} → ERR_SIG_MALFORMED`, () => assert.equal(codeOf(() => parseCredential(credential)), 'ERR_SIG_MALFORMED'));
  }
});

describe('parseSignedHeaders', () => {
  test('reads a sorted list of lower-case names', () => assert.deepEqual(parseSignedHeaders('content-type;host;x-amz-date'), ['content-type', 'host', 'x-amz-date']));

  for (const list of ['', 'host;', 'x-amz-date;host', 'host;host', 'Host', 'authorization;host', 'ho st', Array.from({ length: 65 }, (_, i) => `h${String(i).padStart(2, '0')}`).join(';')]) {
    test(`${JSON.stringify(list.slice(0, 30))} → ERR_SIG_MALFORMED`, () => assert.equal(codeOf(() => parseSignedHeaders(list)), 'ERR_SIG_MALFORMED'));
  }
});

describe('dates', () => {
  test('X-Amz-Date reads and formats both ways', () => {
    assert.equal(parseAmzDate('20150830T123600Z'), 1440938160);
    assert.equal(formatAmzDate(1440938160), '20150830T123600Z');
  });

  test('an X-Amz-Date that does not exist, or is not in basic format, is not a date', () => {
    for (const text of ['20150230T123600Z', '20150830T246000Z', '2015-08-30T12:36:00Z', '20150830T123600', '20150830T123600.000Z']) assert.equal(parseAmzDate(text), undefined, text);
  });

  test('an IMF-fixdate reads; the obsolete forms do not', () => {
    assert.equal(parseImfFixdate('Sun, 30 Aug 2015 12:36:00 GMT'), 1440938160);
    for (const text of ['Sunday, 30-Aug-15 12:36:00 GMT', 'Sun Aug 30 12:36:00 2015', 'Sun, 31 Sep 2015 12:36:00 GMT']) assert.equal(parseImfFixdate(text), undefined, text);
  });
});

describe('presigned query', () => {
  const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(CREDENTIAL)}&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=${SIG}`;

  test('a query without presigning parameters is not presigned', () => {
    assert.equal(presignedParams('page=2&X-Amz-Date=20150830T123600Z'), undefined);
  });

  test('the parameters are read whatever the case of their names, values decoded', () => {
    const parsed = parsePresigned(presignedParams(query.replace('X-Amz-Expires', 'x-amz-expires'))!);
    assert.deepEqual([parsed.credential.accessKeyId, parsed.amzDate, parsed.expires, parsed.signedHeaders, parsed.sessionToken], ['AKIDEXAMPLE', '20150830T123600Z', 3600, ['host'], undefined]);
  });

  for (const [what, edit, code] of [
    ['a parameter sent twice', (q: string) => `${q}&x-amz-signature=${SIG}`, 'ERR_SIG_MALFORMED'],
    ['no X-Amz-Algorithm', (q: string) => q.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256&', ''), 'ERR_SIG_MALFORMED'],
    ['another algorithm', (q: string) => q.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'), 'ERR_SIG_ALG_MISMATCH'],
    ['no X-Amz-Date', (q: string) => q.replace('X-Amz-Date=20150830T123600Z&', ''), 'ERR_SIG_MALFORMED'],
    ['no X-Amz-Expires', (q: string) => q.replace('X-Amz-Expires=3600&', ''), 'ERR_SIG_MALFORMED'],
    ['no X-Amz-SignedHeaders', (q: string) => q.replace('X-Amz-SignedHeaders=host&', ''), 'ERR_SIG_MALFORMED'],
    ['a bad percent-encoding', (q: string) => `${q}&X-Amz-Security-Token=%zz`, 'ERR_SIG_MALFORMED'],
  ] as const) {
    test(`${what} → ${code}`, () => assert.equal(codeOf(() => parsePresigned(presignedParams(edit(query))!)), code));
  }
});
