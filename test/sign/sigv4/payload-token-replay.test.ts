/**
 * `sigv4()` without sockets, continued: bodies and x-amz-content-sha256,
 * session tokens, replay, and the debug information of a mismatch; requests
 * signed by the AWS SDK's signer, each refusal asserted by its code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryNonceStore, SignatureError } from '../../../src/index.ts';
import { ACCESS_KEY_ID, SIGNED_AT, asSignedRequest, presigned, signed, smithyRequest, smithySigner } from './smithy.ts';
import { outcome, verifier, withHeader } from './verify.ts';
import type { HttpRequest } from '@smithy/protocol-http';

describe('sigv4: bodies and x-amz-content-sha256', () => {
  const body = '{"item":"book","qty":1}';

  test('a body with x-amz-content-sha256 (the SDK default) verifies', async () => {
    assert.equal(await outcome(await signed({ method: 'POST', body })), 'accepted');
  });

  test('a changed body with x-amz-content-sha256 → ERR_SIG_DIGEST', async () => {
    const request = await signed({ method: 'POST', body });
    assert.equal(await outcome(Object.assign(request, { body: body.replace('1', '9') })), 'ERR_SIG_DIGEST');
  });

  test('a changed body without x-amz-content-sha256 → ERR_SIG_INVALID', async () => {
    const request = await signed({ method: 'POST', body }, smithySigner({ applyChecksum: false }));
    assert.equal(request.headers['x-amz-content-sha256'], undefined);
    assert.equal(await outcome(request), 'accepted');
    assert.equal(await outcome(Object.assign(request, { body: body.replace('1', '9') })), 'ERR_SIG_INVALID');
  });

  test('UNSIGNED-PAYLOAD verifies whatever the body, unless unsignedPayload is false → ERR_SIG_MALFORMED', async () => {
    const request = await signed({ method: 'POST', body, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    assert.equal(await outcome(Object.assign(request, { body: 'anything' })), 'accepted');
    assert.equal(await outcome(request, verifier({ unsignedPayload: false })), 'ERR_SIG_MALFORMED');
  });

  test('a streaming payload hash (aws-chunked) → ERR_SIG_MALFORMED', async () => {
    const request = await signed({ method: 'POST', body, headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } });
    assert.equal(await outcome(request), 'ERR_SIG_MALFORMED');
  });
});

describe('sigv4: session tokens', () => {
  const token = 'FwoGZXIvYXdzEXAMPLETOKEN//+==';

  test('a signed session token header verifies; the same token unsigned → ERR_SIG_COMPONENTS', async () => {
    const request = await signed({}, smithySigner({ sessionToken: token }));
    assert.equal(await outcome(request), 'accepted');
    const unsigned = await smithySigner({ sessionToken: token }).sign(smithyRequest(), {
      signingDate: SIGNED_AT, unsignableHeaders: new Set(['x-amz-security-token']),
    });
    assert.equal(await outcome(unsigned as HttpRequest), 'ERR_SIG_COMPONENTS');
  });

  test('the sessionToken check sees the token and the access key; false → ERR_SIG_UNKNOWN_KEY', async () => {
    const seen: Array<[string | undefined, string]> = [];
    const check = (t: string | undefined, id: string) => (seen.push([t, id]), t === token);
    assert.equal(await outcome(await signed({}, smithySigner({ sessionToken: token })), verifier({ sessionToken: check })), 'accepted');
    assert.equal(await outcome(await signed({}, smithySigner({ sessionToken: 'other' })), verifier({ sessionToken: check })), 'ERR_SIG_UNKNOWN_KEY');
    assert.equal(await outcome(await signed(), verifier({ sessionToken: check })), 'ERR_SIG_UNKNOWN_KEY');
    assert.deepEqual(seen, [[token, ACCESS_KEY_ID], ['other', ACCESS_KEY_ID], [undefined, ACCESS_KEY_ID]]);
  });

  test('the sessionToken check is not called for a forged signature', async () => {
    let calls = 0;
    const request = await signed({}, smithySigner({ sessionToken: token }));
    const forged = withHeader(request, 'authorization', request.headers['authorization']!.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`));
    assert.equal(await outcome(forged, verifier({ sessionToken: () => (calls++, true) })), 'ERR_SIG_INVALID');
    assert.equal(calls, 0);
  });

  test('a presigned URL carries its token in the query, where it is signed', async () => {
    const request = await presigned({}, { signer: smithySigner({ sessionToken: token }) });
    assert.equal(request.query['X-Amz-Security-Token'], token);
    assert.equal(await outcome(request), 'accepted');
    request.query['X-Amz-Security-Token'] = 'swapped';
    assert.equal(await outcome(request), 'ERR_SIG_INVALID');
  });
});

describe('sigv4: replay', () => {
  test('the same header-signed request twice → the second is ERR_SIG_REPLAYED', async () => {
    const v = verifier();
    const request = await signed();
    assert.equal(await outcome(request, v), 'accepted');
    assert.equal(await outcome(request, v), 'ERR_SIG_REPLAYED');
  });

  test('a forged signature claims nothing: the genuine request still verifies after it', async () => {
    const nonces = new MemoryNonceStore();
    const v = verifier({}, { nonces });
    const request = await signed();
    const forged = withHeader(request, 'authorization', request.headers['authorization']!.replace(/Signature=\w+/, `Signature=${'0'.repeat(64)}`));
    assert.equal(await outcome(forged, v), 'ERR_SIG_INVALID');
    assert.equal(await outcome(request, v), 'accepted');
  });

  test('with replay: false the same request verifies twice', async () => {
    const v = verifier({ replay: false });
    const request = await signed();
    assert.deepEqual([await outcome(request, v), await outcome(request, v)], ['accepted', 'accepted']);
  });

  test('a presigned URL can be used again until it expires', async () => {
    const v = verifier();
    const request = await presigned();
    assert.deepEqual([await outcome(request, v), await outcome(request, v)], ['accepted', 'accepted']);
  });

  test('an Authorization header together with a presigned query → ERR_SIG_MALFORMED', async () => {
    const both = await presigned();
    both.headers['authorization'] = (await signed()).headers['authorization']!;
    assert.equal(await outcome(both), 'ERR_SIG_MALFORMED');
  });
});

describe('sigv4: debug information', () => {
  /** The SignatureError a verification rejects with. */
  async function rejection(promise: Promise<unknown>): Promise<SignatureError> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof SignatureError, 'the verification must fail with a SignatureError');
    return error;
  }

  test('with debug, ERR_SIG_INVALID carries the canonical request and string to sign; without, nothing', async () => {
    const request = await signed({ path: '/orders/7' });
    const tampered = Object.assign(request, { path: '/orders/8' });
    const error = await rejection(verifier({}, { debug: true }).verify(asSignedRequest(tampered)));
    assert.equal(error.code, 'ERR_SIG_INVALID');
    assert.deepEqual(Object.keys(error.debugInfo ?? {}), ['canonicalRequest', 'stringToSign']);
    assert.equal(error.debugInfo!['canonicalRequest']!.split('\n')[1], '/orders/8');
    assert.equal((await rejection(verifier().verify(asSignedRequest(tampered)))).debugInfo, undefined);
  });

  test('a session token is masked in the debug canonical request', async () => {
    const token = 'SECRET-SESSION-TOKEN';
    const request = await signed({ path: '/orders/7' }, smithySigner({ sessionToken: token }));
    const error = await rejection(verifier({}, { debug: true }).verify(asSignedRequest(Object.assign(request, { path: '/x' }))));
    assert.ok(error.debugInfo!['canonicalRequest']!.includes('x-amz-security-token:***'));
    assert.ok(!JSON.stringify(error.debugInfo).includes(token));
  });
});
