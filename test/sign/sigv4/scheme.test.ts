/**
 * `sigv4()` as a scheme, without sockets: requests signed and presigned by
 * the AWS SDK's signer (`@smithy/signature-v4`), handed to a verifier as a
 * `SignedRequest`. Each refusal is asserted by its code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createVerifier, sigv4, type SigV4Options } from '../../../src/index.ts';
import { ACCESS_KEY_ID, NOW, REGION, SECRET, SERVICE, SIGNED_AT, asSignedRequest, presigned, signed, smithyRequest, smithySigner } from './smithy.ts';
import { at, handSigned, outcome, outcomeOf, verifier, withHeader } from './verify.ts';
import type { HttpRequest } from '@smithy/protocol-http';

describe('sigv4: what a verified request yields', () => {
  test('a signed GET verifies and names the access key, the scheme and the time of signing', async () => {
    const verified = await verifier().verify(asSignedRequest(await signed()));
    assert.deepEqual(verified, { keyId: ACCESS_KEY_ID, alg: 'hmac-sha256', scheme: 'sigv4', label: 'sigv4', created: NOW });
  });

  test('a presigned GET verifies', async () => {
    assert.equal(await outcome(await presigned()), 'accepted');
  });

  test('a key given as just { secret } and one given with alg hmac-sha256 both work', async () => {
    const v = createVerifier({ scheme: sigv4({ region: REGION, service: SERVICE }), keys: { [ACCESS_KEY_ID]: { alg: 'hmac-sha256', secret: SECRET } }, now: () => NOW * 1000 });
    assert.equal(await outcome(await signed(), v), 'accepted');
  });

  test('a Date header instead of X-Amz-Date verifies when it is signed; unsigned → ERR_SIG_COMPONENTS', async () => {
    const date = SIGNED_AT.toUTCString(); // an IMF-fixdate
    assert.equal(await outcomeOf(handSigned({ host: 'api.example.com', date }, ['date', 'host'])), 'accepted');
    assert.equal(await outcomeOf(handSigned({ host: 'api.example.com', date }, ['host'])), 'ERR_SIG_COMPONENTS');
    assert.equal(await outcomeOf(handSigned({ host: 'api.example.com', date: 'Sunday, 06-Nov-94 08:49:37 GMT' }, ['date', 'host'])), 'ERR_SIG_MALFORMED');
  });
});

describe('sigv4: refusals, by code', () => {
  test('no Authorization header and no presigned query → ERR_SIG_MISSING', async () => {
    assert.equal(await outcome(withHeader(await signed(), 'authorization', undefined)), 'ERR_SIG_MISSING');
  });

  test('an Authorization header of another scheme (Bearer) → ERR_SIG_MISSING', async () => {
    assert.equal(await outcome(withHeader(await signed(), 'authorization', 'Bearer abc')), 'ERR_SIG_MISSING');
  });

  test('SigV4a (AWS4-ECDSA-P256-SHA256) → ERR_SIG_ALG_MISMATCH', async () => {
    const request = await signed();
    const value = request.headers['authorization']!.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256');
    assert.equal(await outcome(withHeader(request, 'authorization', value)), 'ERR_SIG_ALG_MISMATCH');
  });

  for (const [what, edit] of [
    ['a missing Signature', (v: string) => v.replace(/, Signature=\w+/, '')],
    ['a Signature that is not 64 hex digits', (v: string) => v.replace(/Signature=\w+/, 'Signature=abc')],
    ['an upper-case Signature', (v: string) => v.replace(/Signature=(\w+)/, (_, s: string) => `Signature=${s.toUpperCase()}`)],
    ['a repeated parameter', (v: string) => `${v}, Signature=${'0'.repeat(64)}`],
    ['unsorted SignedHeaders', (v: string) => v.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date;host')],
    ['upper-case SignedHeaders', (v: string) => v.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=Host;X-Amz-Date')],
    ['a Credential with four parts', (v: string) => v.replace('/aws4_request', '')],
    ['a Credential not ending in aws4_request', (v: string) => v.replace('/aws4_request', '/aws5_request')],
    ['a Credential date other than X-Amz-Date\'s', (v: string) => v.replace(/Credential=(\w+)\/\d{8}/, 'Credential=$1/20200101')],
    ['garbage after the algorithm', () => 'AWS4-HMAC-SHA256 nonsense'],
  ] as const) {
    test(`${what} → ERR_SIG_MALFORMED`, async () => {
      const request = await signed();
      assert.equal(await outcome(withHeader(request, 'authorization', edit(request.headers['authorization']!))), 'ERR_SIG_MALFORMED');
    });
  }

  test('a path with "." or ".." segments → ERR_SIG_MALFORMED: the signature made for /orders does not reach /x/../orders', async () => {
    const request = await signed();
    for (const path of ['/x/../orders', '/./orders', '/orders/.']) {
      const moved = Object.assign(Object.create(Object.getPrototypeOf(request) as object) as HttpRequest, request, { path });
      assert.equal(await outcome(moved), 'ERR_SIG_MALFORMED', path);
    }
    assert.equal(await outcome(request), 'accepted');
    const s3 = verifier({ normalizePath: false });
    assert.equal(await outcome(await signed({ path: '/a/./b' }, smithySigner({ applyChecksum: false, uriEscapePath: false })), s3), 'accepted', 'S3 style signs the path as sent');
  });

  test('a raw "+" in the query → ERR_SIG_MALFORMED: signed as a plus, it would be read as a space', async () => {
    const request = await signed({ query: { q: 'x+y' } });
    const plain = asSignedRequest(request);
    assert.match(plain.search, /%2B/, 'the SDK sends a plus encoded');
    assert.equal(await outcomeOf(plain), 'accepted');
    const raw = { ...plain, search: plain.search.replace('%2B', '+'), target: plain.target.replace('%2B', '+') };
    assert.equal(await outcomeOf(raw), 'ERR_SIG_MALFORMED');
  });

  test('a malformed X-Amz-Date → ERR_SIG_MALFORMED', async () => {
    assert.equal(await outcome(withHeader(await signed(), 'x-amz-date', '2026-11-18T12:00:00Z')), 'ERR_SIG_MALFORMED');
  });

  test('a scope for another region → ERR_SIG_INVALID', async () => {
    assert.equal(await outcome(await signed({}, smithySigner({ region: 'eu-west-1' }))), 'ERR_SIG_INVALID');
  });

  test('a scope for another service → ERR_SIG_INVALID', async () => {
    assert.equal(await outcome(await signed({}, smithySigner({ service: 'billing' }))), 'ERR_SIG_INVALID');
  });

  test('an unknown access key → ERR_SIG_UNKNOWN_KEY', async () => {
    assert.equal(await outcome(await signed({}, smithySigner({ accessKeyId: 'AKIDOTHER' }))), 'ERR_SIG_UNKNOWN_KEY');
  });

  test('an access key whose entry is a public key → ERR_SIG_ALG_MISMATCH', async () => {
    const { publicKey } = await import('node:crypto').then((c) => c.generateKeyPairSync('ed25519'));
    const v = createVerifier({ scheme: sigv4({ region: REGION, service: SERVICE }), keys: { [ACCESS_KEY_ID]: { alg: 'ed25519', publicKey } }, now: () => NOW * 1000 });
    assert.equal(await outcome(await signed(), v), 'ERR_SIG_ALG_MISMATCH');
  });

  test('host not signed → ERR_SIG_COMPONENTS', async () => {
    const request = await smithySigner().sign(
      smithyRequest(), { signingDate: SIGNED_AT, unsignableHeaders: new Set(['host']) },
    );
    assert.equal(await outcome(request as HttpRequest), 'ERR_SIG_COMPONENTS');
  });

  test('a header required by requireHeaders but not signed → ERR_SIG_COMPONENTS', async () => {
    const request = await signed();
    assert.equal(await outcome(request, verifier({ requireHeaders: ['content-type'] })), 'ERR_SIG_COMPONENTS');
  });

  test('a signed header the request does not carry → ERR_SIG_MALFORMED', async () => {
    assert.equal(await outcome(withHeader(await signed({ headers: { 'x-tenant': 'acme' } }), 'x-tenant', undefined)), 'ERR_SIG_MALFORMED');
  });
});

describe('sigv4: the window and presigned expiry', () => {
  const window = 300;
  for (const [offset, expected] of [[-window, 'accepted'], [window, 'accepted'], [-window - 1, 'ERR_SIG_EXPIRED'], [window + 1, 'ERR_SIG_EXPIRED']] as const) {
    test(`signed ${offset} s from the server's clock (window ${window} s) → ${expected}`, async () => {
      assert.equal(await outcome(await signed({}, smithySigner(), at(offset))), expected);
    });
  }

  test('a wider window accepts what the default refuses', async () => {
    assert.equal(await outcome(await signed({}, smithySigner(), at(-600)), verifier({}, { window: 900 })), 'accepted');
  });

  test('a presigned URL is accepted until X-Amz-Date + X-Amz-Expires, and refused after → ERR_SIG_EXPIRED', async () => {
    assert.equal(await outcome(await presigned({}, { at: at(-60), expiresIn: 60 })), 'accepted');
    assert.equal(await outcome(await presigned({}, { at: at(-61), expiresIn: 60 })), 'ERR_SIG_EXPIRED');
  });

  test('a presigned URL older than the window but within its expiry is accepted', async () => {
    assert.equal(await outcome(await presigned({}, { at: at(-86_400), expiresIn: 604_800 })), 'accepted');
  });

  test('a presigned URL dated beyond the window in the future → ERR_SIG_EXPIRED', async () => {
    assert.equal(await outcome(await presigned({}, { at: at(window + 1) })), 'ERR_SIG_EXPIRED');
  });

  for (const expires of ['0', '604801', '-1', '1e3', '']) {
    test(`X-Amz-Expires=${JSON.stringify(expires)} → ERR_SIG_MALFORMED`, async () => {
      const request = await presigned();
      request.query['X-Amz-Expires'] = expires;
      assert.equal(await outcome(request), 'ERR_SIG_MALFORMED');
    });
  }
});

describe('sigv4: options', () => {
  for (const [what, options] of [
    ['no region', { service: SERVICE }],
    ['a region with a slash', { region: 'us/east', service: SERVICE }],
    ['an empty service', { region: REGION, service: '' }],
    ['an unknown option', { region: REGION, service: SERVICE, normalise: true }],
    ['a non-boolean replay', { region: REGION, service: SERVICE, replay: 'yes' }],
    ['requireHeaders with an upper-case name', { region: REGION, service: SERVICE, requireHeaders: ['Content-Type'] }],
    ['a sessionToken that is not a function', { region: REGION, service: SERVICE, sessionToken: 'abc' }],
  ] as const) {
    test(`${what} → ERR_INVALID_OPTION when the scheme is built`, () => {
      assert.throws(() => sigv4(options as unknown as SigV4Options), { code: 'ERR_INVALID_OPTION' });
    });
  }

  test('the challenge names the algorithm, region, service and the headers to sign', () => {
    assert.deepEqual(sigv4({ region: REGION, service: SERVICE, requireHeaders: ['content-type'] }).challenge(), {
      'WWW-Authenticate': `AWS4-HMAC-SHA256 region="${REGION}", service="${SERVICE}"`,
      'Accept-Signature': `sigv4; alg="AWS4-HMAC-SHA256"; region="${REGION}"; service="${SERVICE}"; signed-headers="content-type;host;x-amz-date"`,
    });
  });
});
