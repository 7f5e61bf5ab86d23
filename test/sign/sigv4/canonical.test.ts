/**
 * The pure pieces of a SigV4 canonical request, string to sign and signing
 * key, against the AWS guide's examples and the AWS SDK's own functions
 * (`@smithy/signature-v4`) as an independent oracle, including generated
 * inputs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { getCanonicalQuery, getSigningKey } from '@smithy/signature-v4';
import fc from 'fast-check';
import { canonicalRequest, credentialScope, sigv4Signature, sigv4SigningKey, stringToSign } from '../../../src/index.ts';
import { canonicalHeaders, trimAll } from '../../../src/sign/sigv4/canonical-headers.ts';
import { canonicalQuery } from '../../../src/sign/sigv4/canonical-query.ts';
import { canonicalUri } from '../../../src/sign/sigv4/canonical-uri.ts';
import { percentDecode, uriEncode } from '../../../src/sign/sigv4/uri-encode.ts';
import { checkDeclaredHash, payloadHash } from '../../../src/sign/sigv4/payload-hash.ts';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('uriEncode and percentDecode', () => {
  test('unreserved characters pass; everything else is %XX in upper case, a space is %20', () => {
    assert.equal(uriEncode("-._~AZaz09 +/!'()*ሴ"), '-._~AZaz09%20%2B%2F%21%27%28%29%2A%E1%88%B4');
  });

  test('a path keeps its slashes', () => {
    assert.equal(uriEncode('/a b/c', true), '/a%20b/c');
  });

  test('decoding keeps + as a plus and accepts either hex case', () => {
    assert.equal(percentDecode('a+b%2fc%2F').toString(), 'a+b/c/');
  });

  test('a % without two hex digits → ERR_SIG_MALFORMED', async () => {
    for (const text of ['%', '%4', '%zz', 'a%g0']) assert.equal(await codeOf(() => percentDecode(text)), 'ERR_SIG_MALFORMED', text);
  });

  test('encoding the decoded bytes round-trips any byte string', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      assert.deepEqual(new Uint8Array(percentDecode(uriEncode(bytes))), bytes);
    }));
  });
});

describe('canonicalUri', () => {
  for (const [path, normalized, asSent] of [
    ['/', '/', '/'],
    ['', '/', '/'],
    ['//example//', '/example/', '//example//'],
    ['/example1/example2/../..', '/', '/example1/example2/../..'],
    ['/./example', '/example', '/./example'],
    ['/documents and settings/', '/documents%20and%20settings/', '/documents and settings/'],
    ['/a%20b', '/a%2520b', '/a%20b'],
  ] as const) {
    test(`${JSON.stringify(path)} → ${JSON.stringify(normalized)} normalized, ${JSON.stringify(asSent)} S3 style`, () => {
      assert.equal(canonicalUri(path), normalized);
      assert.equal(canonicalUri(path, false), asSent);
    });
  }
});

describe('canonicalQuery', () => {
  test('sorted by name then value, a name without = has an empty value, X-Amz-Signature left out', () => {
    assert.equal(canonicalQuery('b=2&a=z&a=y&flag&X-Amz-Signature=abc&x-amz-signature=def'), 'a=y&a=z&b=2&flag=');
  });

  test('every client encoding of the same parameters signs the same', () => {
    assert.equal(canonicalQuery("k=a%2fb&q='x'"), canonicalQuery('q=%27x%27&k=a%2Fb'));
  });

  test('matches the AWS SDK for generated parameters (unique names)', () => {
    const param = fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
    fc.assert(fc.property(fc.uniqueArray(param, { selector: ([name]) => name, maxLength: 6 }), (params) => {
      const search = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
      const sdk = getCanonicalQuery({ query: Object.fromEntries(params) } as Parameters<typeof getCanonicalQuery>[0]);
      assert.equal(canonicalQuery(search), sdk);
    }));
  });
});

describe('canonical headers', () => {
  test('trimAll removes outer spaces and makes each inner run of spaces and tabs one space, quotes included', () => {
    assert.equal(trimAll('  "a   b \t c"  '), '"a b c"');
  });

  test('a header on several field lines gives its values in order, joined with a comma', () => {
    const lines = { host: ['h'], 'my-header1': ['value4', ' value1 ', 'value3'] } as Record<string, string[]>;
    assert.equal(canonicalHeaders(['host', 'my-header1'], (name) => lines[name]), 'host:h\nmy-header1:value4,value1,value3\n');
  });
});

describe('canonicalRequest, stringToSign, signing key and signature', () => {
  // The AWS guide's worked example (IAM ListUsers, "Create a canonical request" … "Calculate the signature").
  const canonical = canonicalRequest({
    method: 'GET', path: '/', search: 'Action=ListUsers&Version=2010-05-08',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Host: 'iam.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
    signedHeaders: ['content-type', 'host', 'x-amz-date'], payloadHash: EMPTY_SHA256,
  });
  const scope = { date: '20150830', region: 'us-east-1', service: 'iam' };

  test('the guide\'s canonical request hashes to its published value', () => {
    assert.equal(stringToSign('20150830T123600Z', scope, canonical).split('\n')[3], 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  });

  test('the guide\'s signing keys (2012-02-15 and 2015-08-30, iam) and the AWS SDK\'s agree', async () => {
    assert.equal(sigv4SigningKey(AWS_SECRET, { ...scope, date: '20120215' }).toString('hex'), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
    assert.equal(sigv4SigningKey(AWS_SECRET, scope).toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
    const sdk = await getSigningKey(Hash.bind(null, 'sha256'), { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: AWS_SECRET }, '20150830', 'us-east-1', 'iam');
    assert.equal(Buffer.from(sdk).toString('hex'), sigv4SigningKey(AWS_SECRET, scope).toString('hex'));
  });

  test('the guide\'s signature', () => {
    const signature = sigv4Signature(sigv4SigningKey(AWS_SECRET, scope), stringToSign('20150830T123600Z', scope, canonical));
    assert.equal(signature, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  test('a secret as bytes derives the same key as the same secret as a string', () => {
    assert.deepEqual(sigv4SigningKey(Buffer.from(AWS_SECRET), scope), sigv4SigningKey(AWS_SECRET, scope));
  });

  test('changing a returned signing key does not change the cached one', () => {
    const key = sigv4SigningKey(AWS_SECRET, scope);
    key.fill(0);
    assert.equal(sigv4SigningKey(AWS_SECRET, scope).toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  test('the signing key cache stays correct past its bound (many dates, then the first again)', () => {
    const first = sigv4SigningKey(AWS_SECRET, scope).toString('hex');
    for (let day = 0; day < 300; day++) sigv4SigningKey(AWS_SECRET, { ...scope, date: `2016${String(1 + (day % 12)).padStart(2, '0')}${String(1 + (day % 28)).padStart(2, '0')}`, service: `s${day}` });
    assert.equal(sigv4SigningKey(AWS_SECRET, scope).toString('hex'), first);
  });

  test('credentialScope ends in aws4_request', () => {
    assert.equal(credentialScope(scope), '20150830/us-east-1/iam/aws4_request');
  });
});

describe('payload hash', () => {
  const body = () => Promise.resolve(Buffer.from('Param1=value1'));
  const hash = '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e';

  test('absent: computed from the body', async () => {
    assert.equal(await payloadHash(undefined, body), hash);
  });

  test('declared and matching: signed as declared; not matching → ERR_SIG_DIGEST', async () => {
    assert.equal(await payloadHash(hash, body), hash);
    assert.equal(await codeOf(() => payloadHash(EMPTY_SHA256, body)), 'ERR_SIG_DIGEST');
  });

  test('UNSIGNED-PAYLOAD: the body is not read', async () => {
    assert.equal(await payloadHash('UNSIGNED-PAYLOAD', () => Promise.reject(new Error('read'))), 'UNSIGNED-PAYLOAD');
  });

  test('upper-case hex, a streaming form or anything else → ERR_SIG_MALFORMED', async () => {
    for (const declared of [hash.toUpperCase(), 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x']) {
      assert.equal(await codeOf(() => checkDeclaredHash(declared, true)), 'ERR_SIG_MALFORMED', declared);
    }
  });
});
