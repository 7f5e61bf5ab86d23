/**
 * The AWS SigV4 suite, case by case (imported by vectors.test.ts when the
 * suite is present).
 *
 * 1. Pure: from each case's request.txt and context, build the header and
 *    the query (presigned) variant the way a signer does, and check the
 *    canonical request, string to sign and signature byte for byte.
 * 2. Verifier, no socket: each case's signed requests (both variants)
 *    verify, except where our policy refuses them (table POLICY).
 * 3. Wire: each signed request sent as raw bytes (CRLF line endings) to an
 *    App on 127.0.0.1 with verifySignature({ scheme: sigv4(...) }) and the
 *    clock set to the case's time; the ones our strict parser refuses are
 *    listed in WIRE_REFUSED with the reason, and are checked to be refused.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { App, canonicalRequest, createVerifier, sigv4, sigv4Signature, sigv4SigningKey, stringToSign, verifySignature } from '../../../src/index.ts';
import { formatAmzDate } from '../../../src/sign/sigv4/amz-date.ts';
import { uriEncode } from '../../../src/sign/sigv4/uri-encode.ts';
import { errorCode } from '../../helpers/server.ts';
import { RawClient } from '../../helpers/sockets.ts';
import { loadVectors, signedRequestOf, parseVectorRequest, vectorTime, wireBytes, type Variant, type VectorCase } from './vectors.ts';

const CASES = loadVectors();
const VARIANTS: readonly Variant[] = ['header', 'query'];

/** Cases our strict HTTP/1.1 parser refuses (400, with this code) before any signature is looked at, and why. */
export const WIRE_REFUSED: Readonly<Record<string, { code: string; why: string }>> = {
  'get-header-value-multiline': { code: 'ERR_HTTP_HEADER', why: 'obs-fold: a header value continued on the next line (RFC 9112 §5.2 allows refusing it; we do)' },
  'get-space-normalized': { code: 'ERR_HTTP_VERSION', why: 'a raw space in the request-target (RFC 9112 §3.2); the line then has a stray part where the version should be' },
  'get-space-unnormalized': { code: 'ERR_HTTP_VERSION', why: 'a raw space in the request-target (RFC 9112 §3.2); the line then has a stray part where the version should be' },
  'get-utf8': { code: 'ERR_HTTP_TARGET', why: 'raw UTF-8 bytes in the request-target (RFC 3986 §2: they must be percent-encoded)' },
  'get-vanilla-utf8-query': { code: 'ERR_HTTP_TARGET', why: 'raw UTF-8 bytes in the request-target (RFC 3986 §2: they must be percent-encoded)' },
};

/** A normalized signature covers the path with "." and ".." resolved, but the app would route the path as sent. */
const DOT_SEGMENTS = { code: 'ERR_SIG_MALFORMED', why: 'a path with "." or ".." segments: the signature covers the resolved path, the app routes the one sent' };

/** Signed requests our verification policy refuses, with the code, and why. */
export const POLICY: Readonly<Record<string, { code: string; why: string }>> = {
  'post-sts-header-after/header': { code: 'ERR_SIG_COMPONENTS', why: 'X-Amz-Security-Token is sent but not signed; a sent token must be signed' },
  'post-sts-header-after/query': { code: 'ERR_SIG_INVALID', why: 'X-Amz-Security-Token was added to the query after signing; every query parameter is signed' },
  'get-space-unnormalized/header': { code: 'ERR_SIG_INVALID', why: 'S3 style signs the path as sent, and this client did not encode its space' },
  'get-space-unnormalized/query': { code: 'ERR_SIG_INVALID', why: 'S3 style signs the path as sent, and this client did not encode its space' },
  'get-relative-normalized/header': DOT_SEGMENTS,
  'get-relative-normalized/query': DOT_SEGMENTS,
  'get-relative-relative-normalized/header': DOT_SEGMENTS,
  'get-relative-relative-normalized/query': DOT_SEGMENTS,
  'get-slash-dot-slash-normalized/header': DOT_SEGMENTS,
  'get-slash-dot-slash-normalized/query': DOT_SEGMENTS,
  'get-slash-pointless-dot-normalized/header': DOT_SEGMENTS,
  'get-slash-pointless-dot-normalized/query': DOT_SEGMENTS,
};

/** The headers and query a signer adds, and what it signs, for one variant. */
function signerInput(c: VectorCase, variant: Variant) {
  const { context, request } = c;
  const amzDate = formatAmzDate(vectorTime(context) / 1000);
  const scope = { date: amzDate.slice(0, 8), region: context.region, service: context.service };
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const token = context.omit_session_token === true ? undefined : context.credentials.token;
  const headers = [...request.headers];
  let search = request.search;
  if (variant === 'header') {
    headers.push(['X-Amz-Date', amzDate]);
    if (token !== undefined) headers.push(['X-Amz-Security-Token', token]);
    if (context.sign_body) headers.push(['x-amz-content-sha256', bodyHash]);
  }
  const signedHeaders = [...new Set(headers.map(([name]) => name.toLowerCase()))].sort();
  if (variant === 'query') {
    const params: Array<[string, string]> = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${context.credentials.access_key_id}/${scope.date}/${scope.region}/${scope.service}/aws4_request`],
      ['X-Amz-Date', amzDate], ['X-Amz-Expires', String(context.expiration_in_seconds)], ['X-Amz-SignedHeaders', signedHeaders.join(';')],
      ...(token === undefined ? [] : [['X-Amz-Security-Token', token] as [string, string]]),
    ];
    search = [search, ...params.map(([k, v]) => `${k}=${uriEncode(v)}`)].filter((s) => s !== '').join('&');
  }
  const lines = (name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  // S3 style signs the path as sent, which a client has encoded once (unnormalized cases are S3 style).
  const path = context.normalize ? request.path : uriEncode(request.path, true);
  return { amzDate, scope, input: { method: request.method, path, search, headers: lines, signedHeaders, payloadHash: bodyHash, normalizePath: context.normalize } };
}

describe('SigV4 suite: pure functions', () => {
  test(`the suite has cases (${CASES.length})`, () => assert.ok(CASES.length >= 30));
  for (const c of CASES) {
    for (const variant of VARIANTS) {
      test(`${c.name} (${variant}): canonical request, string to sign and signature match byte for byte`, () => {
        const { amzDate, scope, input } = signerInput(c, variant);
        const canonical = canonicalRequest(input);
        assert.equal(canonical, c.expected[variant].canonicalRequest);
        const toSign = stringToSign(amzDate, scope, canonical);
        assert.equal(toSign, c.expected[variant].stringToSign);
        assert.equal(sigv4Signature(sigv4SigningKey(c.context.credentials.secret_access_key, scope), toSign), c.expected[variant].signature);
      });
    }
  }
});

function verifierOf(c: VectorCase) {
  return createVerifier({
    scheme: sigv4({ region: c.context.region, service: c.context.service, normalizePath: c.context.normalize }),
    keys: { [c.context.credentials.access_key_id]: { secret: c.context.credentials.secret_access_key } },
    now: () => vectorTime(c.context),
  });
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('SigV4 suite: every signed request through the verifier, without a socket', () => {
  for (const c of CASES) {
    for (const variant of VARIANTS) {
      const expected = POLICY[`${c.name}/${variant}`]?.code ?? 'accepted';
      test(`${c.name} (${variant}) → ${expected}`, async () => {
        const req = signedRequestOf(parseVectorRequest(c.expected[variant].signedRequest));
        assert.equal(await outcome(verifierOf(c).verify(req)), expected);
      });
    }
  }
});

describe('SigV4 suite: over a real socket', () => {
  const counts = { accepted: 0, policy: 0, wire: 0 };
  after(() => console.log(`SigV4 suite over the wire: ${counts.accepted} accepted, ${counts.policy} refused by policy, ${counts.wire} refused by the HTTP/1.1 parser`));

  async function send(c: VectorCase, bytes: Buffer) {
    const app = new App();
    app.use(verifySignature({
      scheme: sigv4({ region: c.context.region, service: c.context.service, normalizePath: c.context.normalize }),
      keys: { [c.context.credentials.access_key_id]: { secret: c.context.credentials.secret_access_key } },
      now: () => vectorTime(c.context),
    }), (ctx) => ctx.json({ keyId: ctx.get('signature')!.keyId }));
    const server = await app.listen({ port: 0, host: '127.0.0.1' });
    const client = await RawClient.connect(server.port);
    try {
      client.write(bytes);
      return (await client.responses(1))[0]!;
    } finally {
      client.destroy();
      await server.close({ graceMs: 0 });
    }
  }

  for (const c of CASES) {
    for (const variant of VARIANTS) {
      const refused = WIRE_REFUSED[c.name];
      const policy = POLICY[`${c.name}/${variant}`];
      const expected = refused !== undefined ? '400' : policy !== undefined ? `401 ${policy.code}` : '200';
      test(`${c.name} (${variant}) → ${expected}`, async () => {
        const res = await send(c, wireBytes(c.expected[variant].signedRequest));
        if (refused !== undefined) {
          assert.deepEqual([res.status, errorCode(res)], [400, refused.code], refused.why);
          counts.wire++;
        } else if (policy !== undefined) {
          assert.deepEqual([res.status, errorCode(res)], [401, policy.code], policy.why);
          counts.policy++;
        } else {
          assert.equal(res.status, 200, res.body.toString());
          assert.deepEqual(JSON.parse(res.body.toString()), { keyId: c.context.credentials.access_key_id });
          counts.accepted++;
        }
      });
    }
  }

  test('get-space-unnormalized verifies once its client encodes the space, as an S3 client does', async () => {
    const c = CASES.find((v) => v.name === 'get-space-unnormalized')!;
    const res = await send(c, wireBytes(c.expected.header.signedRequest.replace('/example space/', '/example%20space/')));
    assert.equal(res.status, 200, res.body.toString());
  });
});
