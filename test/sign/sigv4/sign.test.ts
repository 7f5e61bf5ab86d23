/**
 * `signSigV4`, the pure SigV4 signer: for the same request, credentials and
 * date it makes the signature the AWS SDK's signer (`@smithy/signature-v4`)
 * makes, with an Authorization header and as a presigned URL, also on
 * generated requests; what it signs, our `sigv4()` verifier accepts, and
 * refuses once anything signed changes; bad options are ERR_INVALID_OPTION.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { signSigV4, type SigV4Request, type SigV4SignOptions } from '../../../src/sign/sigv4/index.ts';
import type { SignedRequest } from '../../../src/sign/scheme.ts';
import { ACCESS_KEY_ID, REGION, SECRET, SERVICE, SIGNED_AT, presigned, queryString, signed, smithyRequest, smithySigner, type RequestParts } from './smithy.ts';
import { outcomeOf, verifier } from './verify.ts';

const TOKEN = 'FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLETOKEN+ab/cd==';
const CREDENTIALS: SigV4SignOptions = { accessKeyId: ACCESS_KEY_ID, secret: SECRET, region: REGION, service: SERVICE, date: SIGNED_AT };

/** The same request as `smithyRequest(parts)`, as signSigV4 takes it. */
function ourRequest(parts: RequestParts): SigV4Request {
  const sdk = smithyRequest(parts);
  const search = queryString(sdk.query);
  return {
    method: sdk.method,
    url: `http://127.0.0.1:8000${sdk.path}${search === '' ? '' : `?${search}`}`,
    headers: sdk.headers,
    ...(parts.body === undefined ? {} : { body: parts.body }),
  };
}

/** What a server sees of a request sent as signSigV4 says: its URL, its headers plus the added ones. */
function asReceived(request: SigV4Request, url: string, added: Readonly<Record<string, string>>): SignedRequest {
  const target = new URL(url);
  const headers = new Map([...Object.entries(request.headers ?? {}), ...Object.entries(added)].map(([n, v]) => [n.toLowerCase(), String(v)]));
  if (!headers.has('host')) headers.set('host', target.host);
  const body = Buffer.from(request.body ?? '');
  return {
    method: request.method, target: target.pathname + target.search, path: target.pathname, search: target.search.slice(1),
    authority: target.host, scheme: 'http', header: (name) => headers.get(name), body: () => Promise.resolve(body),
  };
}

const CASES: ReadonlyArray<readonly [string, RequestParts]> = [
  ['a GET with a query', { path: '/orders/7', query: { tenant: 'acme', q: 'a b/c*' } }],
  ['a POST with a JSON body and a header', { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json', 'x-tenant': ' acme  corp ' }, body: '{"item":"book"}' }],
  ['an encoded path', { path: '/orders/a%20b/%E1%88%B4' }],
  ['unsignable headers left out', { headers: { 'user-agent': 'test/1', 'cache-control': 'no-cache', 'x-ok': '1' } }],
];

describe('the same signature as the AWS SDK', () => {
  for (const [name, parts] of CASES) {
    test(`${name}: the Authorization header is the SDK's, byte for byte`, async () => {
      const sdk = await signed(parts);
      const ours = signSigV4(ourRequest(parts), CREDENTIALS);
      assert.equal(ours.headers['Authorization'], sdk.headers['authorization']);
      assert.equal(ours.headers['X-Amz-Date'], sdk.headers['x-amz-date']);
      assert.equal(ours.headers['X-Amz-Content-Sha256'], sdk.headers['x-amz-content-sha256']);
    });

    test(`${name}, presigned for 300 s: the X-Amz-Signature is the SDK's`, async () => {
      const sdk = await presigned(parts, { expiresIn: 300 });
      const ours = new URL(signSigV4(ourRequest(parts), { ...CREDENTIALS, presign: { expires: 300 } }).url);
      assert.equal(ours.searchParams.get('X-Amz-Signature'), sdk.query['X-Amz-Signature']);
      assert.equal(ours.searchParams.get('X-Amz-SignedHeaders'), sdk.query['X-Amz-SignedHeaders']);
    });
  }

  test('with a session token, in the header form and presigned: the SDK\'s signatures', async () => {
    const signer = smithySigner({ sessionToken: TOKEN });
    const options = { ...CREDENTIALS, sessionToken: TOKEN };
    assert.equal(signSigV4(ourRequest({}), options).headers['Authorization'], (await signed({}, signer)).headers['authorization']);
    const link = new URL(signSigV4(ourRequest({}), { ...options, presign: { expires: 60 } }).url);
    assert.equal(link.searchParams.get('X-Amz-Signature'), (await presigned({}, { signer, expiresIn: 60 })).query['X-Amz-Signature']);
    assert.equal(link.searchParams.get('X-Amz-Security-Token'), TOKEN);
  });

  test('generated requests (path, query, headers, body): the Authorization header is always the SDK\'s', async () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab Z9-_.~!*\'()/+=&?%ሴ'.split('')), maxLength: 8 });
    const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,10}$/);
    const headerValue = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,10}[\x21-\x7e]$/);
    const parts = fc.record({
      segments: fc.array(text.filter((s) => s !== '.' && s !== '..'), { maxLength: 3 }),
      query: fc.dictionary(text.filter((s) => s !== '' && !/^x-amz-/i.test(s)), text, { maxKeys: 3 }),
      headers: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
      body: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    });
    await fc.assert(fc.asyncProperty(parts, async ({ segments, query, headers, body }) => {
      const request: RequestParts = { method: body === undefined ? 'GET' : 'PUT', path: `/${segments.map(encodeURIComponent).join('/')}`, query, headers, ...(body === undefined ? {} : { body }) };
      assert.equal(signSigV4(ourRequest(request), CREDENTIALS).headers['Authorization'], (await signed(request)).headers['authorization']);
    }), { numRuns: 150 });
  });
});

test('the worked example of docs/signing.md: signSigV4 gives the Authorization and presigned URL shown there', () => {
  const docs = readFileSync(new URL('../../../docs/signing.md', import.meta.url), 'utf8');
  const body = '{"item":"book","qty":1}';
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(body.length) };
  const signed = signSigV4({ method: 'POST', url: 'https://api.example.com/orders?tenant=acme', headers, body }, CREDENTIALS);
  assert.ok(docs.includes(`\nAuthorization: ${signed.headers['Authorization']!}\n`), signed.headers['Authorization']);
  const link = signSigV4({ method: 'GET', url: 'https://api.example.com/orders/7' }, { ...CREDENTIALS, presign: { expires: 300 } }).url;
  assert.ok(docs.includes(`\n${link}\n`), link);
});

describe('what signSigV4 signs, the sigv4() verifier accepts', () => {
  const post: SigV4Request = { method: 'POST', url: 'http://127.0.0.1:8000/orders?tenant=acme', headers: { 'Content-Type': 'application/json' }, body: '{"qty":1}' };

  test('the header form → accepted; a changed query → ERR_SIG_INVALID; a changed body → ERR_SIG_DIGEST', async () => {
    const { url, headers } = signSigV4(post, CREDENTIALS);
    assert.equal(await outcomeOf(asReceived(post, url, headers)), 'accepted');
    assert.equal(await outcomeOf(asReceived(post, url.replace('acme', 'evil'), headers)), 'ERR_SIG_INVALID');
    assert.equal(await outcomeOf(asReceived({ ...post, body: '{"qty":9}' }, url, headers)), 'ERR_SIG_DIGEST');
  });

  test('presigned → accepted, with a session token too; a changed path → ERR_SIG_INVALID', async () => {
    const get: SigV4Request = { method: 'GET', url: 'http://127.0.0.1:8000/orders/7?page=2' };
    const link = signSigV4(get, { ...CREDENTIALS, sessionToken: TOKEN, presign: { expires: 300 } }).url;
    assert.equal(await outcomeOf(asReceived(get, link, {})), 'accepted');
    assert.equal(await outcomeOf(asReceived(get, link.replace('/orders/7', '/orders/8'), {})), 'ERR_SIG_INVALID');
  });

  test('unsignedPayload → UNSIGNED-PAYLOAD: any body accepted; refused by a verifier with unsignedPayload: false', async () => {
    const { url, headers } = signSigV4(post, { ...CREDENTIALS, unsignedPayload: true });
    assert.equal(headers['X-Amz-Content-Sha256'], 'UNSIGNED-PAYLOAD');
    assert.equal(await outcomeOf(asReceived({ ...post, body: 'anything' }, url, headers)), 'accepted');
    assert.equal(await outcomeOf(asReceived(post, url, headers), verifier({ unsignedPayload: false })), 'ERR_SIG_MALFORMED');
    const link = signSigV4(post, { ...CREDENTIALS, unsignedPayload: true, presign: { expires: 60 } }).url;
    assert.equal(new URL(link).searchParams.get('X-Amz-Content-Sha256'), 'UNSIGNED-PAYLOAD');
    assert.equal(await outcomeOf(asReceived({ ...post, body: 'other' }, link, {})), 'accepted');
  });

  test('the canonical request and string to sign returned are the verifier\'s debug fields for a tampered request', async () => {
    const signedPost = signSigV4(post, CREDENTIALS);
    const error = await verifier({}, { debug: true }).verify(asReceived(post, signedPost.url, { ...signedPost.headers, Authorization: signedPost.headers['Authorization']!.replace(/.$/, '0') })).catch((e: unknown) => e);
    assert.deepEqual((error as { debugInfo?: unknown }).debugInfo, { canonicalRequest: signedPost.canonicalRequest, stringToSign: signedPost.stringToSign });
  });
});

describe('bad input → ERR_INVALID_OPTION', () => {
  const get: SigV4Request = { method: 'GET', url: 'http://127.0.0.1:8000/' };
  const BAD: ReadonlyArray<readonly [string, SigV4Request, Partial<SigV4SignOptions>]> = [
    ['an empty secret', get, { secret: '' }],
    ['an access key id with "/"', get, { accessKeyId: 'A/B' }],
    ['a region with a space', get, { region: 'us east' }],
    ['no service', get, { service: undefined as unknown as string }],
    ['presign for 0 s', get, { presign: { expires: 0 } }],
    ['presign for more than seven days', get, { presign: { expires: 604_801 } }],
    ['an invalid date', get, { date: new Date(NaN) }],
    ['a relative URL', { ...get, url: '/orders' }, {}],
    ['an ftp: URL', { ...get, url: 'ftp://127.0.0.1/' }, {}],
    ['an Authorization header', { ...get, headers: { Authorization: 'Bearer x' } }, {}],
    ['an X-Amz-Date header', { ...get, headers: { 'X-Amz-Date': '20250101T000000Z' } }, {}],
    ['a header value outside visible ASCII', { ...get, headers: { 'x-name': 'café' } }, {}],
    ['a bad "%" in the query', { ...get, url: 'http://127.0.0.1:8000/?a=%zz' }, {}],
    ['presigning an already presigned URL', { ...get, url: 'http://127.0.0.1:8000/?X-Amz-Signature=00' }, { presign: { expires: 60 } }],
    ['a method that is not a token', { ...get, method: 'GE T' }, {}],
  ];
  for (const [name, request, options] of BAD) {
    test(`${name} → ERR_INVALID_OPTION`, () => {
      assert.throws(() => signSigV4(request, { ...CREDENTIALS, ...options }), { code: 'ERR_INVALID_OPTION' });
    });
  }
});
