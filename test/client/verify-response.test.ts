/**
 * `verifyResponse` (WebCrypto) against signed responses: RFC 9421 B.2.4
 * verifies and any tampering fails; what the server's signer
 * (`signResponse`, node:crypto) signs verifies for every algorithm; each
 * failure has its stable code, in the server's order; bad options and keys
 * fail with ERR_INVALID_OPTION / ERR_INVALID_KEY. No sockets here (see
 * test/sign/responses/ for the round trip).
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { signRequest, verifyResponse, type ClientAlgorithm, type SentRequest, type VerifyResponseOptions } from '../../src/client/index.ts';
import { contentDigest } from '../../src/sign/content-digest.ts';
import type { SignResponsesOptions } from '../../src/sign/responses/index.ts';
import { signedResponse, type PlainResponse } from './signed-response.ts';

const VECTORS = new URL('../../../shared/vectors/rfc9421/', import.meta.url);
const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;
const NOW = 1_795_000_000;
const clock = (seconds = NOW) => () => seconds * 1000;
const GET: SentRequest = { method: 'GET', url: 'https://api.example.com/orders/7?view=full' };
const JSON_TYPE = { 'content-type': 'application/json' };

interface Keys {
  /** What the server signs with. */
  readonly server: SignResponsesOptions['key'];
  /** What the client verifies with. */
  readonly client: string;
}

function keys(alg: ClientAlgorithm): Keys {
  if (alg === 'hmac-sha256') return { server: 'response secret', client: 'response secret' };
  const pair = {
    ed25519: () => generateKeyPairSync('ed25519'),
    'ecdsa-p256-sha256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    'ecdsa-p384-sha384': () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    'rsa-pss-sha512': () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
    'rsa-v1_5-sha256': () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  }[alg]();
  return { server: pair.privateKey, client: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const HMAC = { keyId: 'api', key: 'response secret', alg: 'hmac-sha256', now: clock() } as const satisfies SignResponsesOptions;
const VERIFY = { key: 'response secret', alg: 'hmac-sha256', now: clock() } as const;

function answer(request: SentRequest = GET, options: Partial<SignResponsesOptions> = {}, label?: string): PlainResponse {
  return signedResponse(request, { status: 200, headers: JSON_TYPE, body: '{"id":7}' }, { ...HMAC, ...options }, label);
}

function verify(response: PlainResponse, options: Partial<VerifyResponseOptions> = {}, request: SentRequest = GET) {
  return verifyResponse(response, { request, ...VERIFY, ...options } as VerifyResponseOptions);
}

function withHeader(response: PlainResponse, name: string, value: string): PlainResponse {
  return { ...response, headers: { ...response.headers, [name]: value } };
}

describe('RFC 9421 B.2.4: signing a response with ecdsa-p256-sha256', () => {
  const absent = existsSync(VECTORS) ? false : '../shared/vectors/rfc9421 is absent (a clone without ../shared)';
  if (absent && process.env['CI']) throw new Error(`${absent}; CI must not skip the RFC 9421 vectors`);
  if (absent) console.log(`RFC 9421 B.2.4 skipped: ${absent}`);
  const load = () => {
    const vectors = JSON.parse(readFileSync(new URL('vectors.json', VECTORS), 'utf8')) as Vectors;
    const vector = vectors.cases.find((c) => c.section === 'B.2.4')!;
    const headers: Record<string, string> = { 'signature-input': vector['signature-input'], signature: vector.signature };
    for (const [name, value] of vectors.response.headers) headers[name.toLowerCase()] = value;
    const publicKey = createPublicKey(readFileSync(new URL(vector.key, VECTORS), 'utf8')).export({ type: 'spki', format: 'pem' }).toString();
    const request: SentRequest = { method: vectors.request.method, url: `https://example.com${vectors.request.target}`, headers: vectors.request.headers };
    const response: PlainResponse = { status: vectors.response.status, headers, body: new TextEncoder().encode(vectors.response.body) };
    // B.2.4 covers the response only: no ;req component, so the default binding to the request is replaced.
    const options = { request, keys: { 'test-key-ecc-p256': { alg: 'ecdsa-p256-sha256', publicKey } }, require: ['@status', 'content-type', 'content-length'], now: clock(1618884473) } as const;
    return { response, options, headers };
  };

  test('the example verifies: keyid, alg from the key, label, created', { skip: absent }, async () => {
    const { response, options } = load();
    assert.deepEqual(await verifyResponse(response, options), { keyId: 'test-key-ecc-p256', alg: 'ecdsa-p256-sha256', label: 'sig-b24', created: 1618884473 });
  });

  test('a changed status, content-type or content-length fails with ERR_SIG_INVALID', { skip: absent }, async () => {
    const { response, options } = load();
    await assert.rejects(verifyResponse({ ...response, status: 201 }, options), code('ERR_SIG_INVALID'));
    await assert.rejects(verifyResponse(withHeader(response, 'content-type', 'text/plain'), options), code('ERR_SIG_INVALID'));
    await assert.rejects(verifyResponse(withHeader(response, 'content-length', '24'), options), code('ERR_SIG_INVALID'));
  });

  test('a changed body fails with ERR_SIG_DIGEST; a changed body with its own Content-Digest with ERR_SIG_INVALID', { skip: absent }, async () => {
    const { response, options } = load();
    const body = new TextEncoder().encode('{"message": "bad dog!"}');
    await assert.rejects(verifyResponse({ ...response, body }, options), code('ERR_SIG_DIGEST'));
    const redigested = withHeader({ ...response, body }, 'content-digest', contentDigest(body, ['sha-512']));
    await assert.rejects(verifyResponse(redigested, options), code('ERR_SIG_INVALID'));
  });

  test('a flipped signature bit fails with ERR_SIG_INVALID; the default require wants the request bound (ERR_SIG_COMPONENTS)', { skip: absent }, async () => {
    const { response, options, headers } = load();
    const flipped = headers['signature']!.replace(/:(.)/, (_, c: string) => `:${c === 'A' ? 'B' : 'A'}`);
    await assert.rejects(verifyResponse(withHeader(response, 'signature', flipped), options), code('ERR_SIG_INVALID'));
    await assert.rejects(verifyResponse(response, { ...options, require: undefined }), code('ERR_SIG_COMPONENTS'));
  });
});

interface Vectors {
  request: { method: string; target: string; headers: Array<[string, string]> };
  response: { status: number; headers: Array<[string, string]>; body: string };
  cases: Array<{ section: string; key: string; 'signature-input': string; signature: string }>;
}

describe('what signResponse signs, verifyResponse accepts', () => {
  const ALGS: readonly ClientAlgorithm[] = ['hmac-sha256', 'ed25519', 'ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa-pss-sha512', 'rsa-v1_5-sha256'];
  for (const alg of ALGS) {
    test(`${alg}: a JSON answer verifies, and a changed status does not`, async () => {
      const pair = keys(alg);
      const response = answer(GET, { key: pair.server, alg, keyId: `k-${alg}` });
      const keysById = { [`k-${alg}`]: alg === 'hmac-sha256' ? { alg, secret: pair.client } : { alg, publicKey: pair.client } } as VerifyResponseOptions['keys'];
      const verified = await verify(response, { key: undefined, alg: undefined, keys: keysById });
      assert.deepEqual(verified, { keyId: `k-${alg}`, alg, label: 'reqres', created: NOW });
      await assert.rejects(verify({ ...response, status: 500 }, { key: pair.client, alg }), code('ERR_SIG_INVALID'));
    });
  }

  test('covers status, content-type, content-digest and the request with ;req, labelled reqres, with created, keyid, alg', () => {
    const { headers } = answer();
    assert.equal(headers['content-digest'], contentDigest('{"id":7}'));
    assert.equal(
      headers['signature-input'],
      `reqres=("@status" "content-type" "content-digest" "@method";req "@authority";req "@path";req "@query";req);created=${NOW};keyid="api";alg="hmac-sha256"`,
    );
  });

  test('a fetch Response verifies and its body can still be read afterwards', async () => {
    const plain = answer();
    const response = new Response(plain.body, { status: plain.status, headers: plain.headers });
    assert.equal((await verifyResponse(response, { request: GET, ...VERIFY })).keyId, 'api');
    assert.deepEqual(await response.json(), { id: 7 });
  });

  test('a response without content (HEAD, 204) verifies without Content-Digest', async () => {
    const head = signedResponse({ ...GET, method: 'HEAD' }, { status: 200, headers: JSON_TYPE }, HMAC);
    assert.equal(head.headers['content-digest'], undefined);
    await verify(head, {}, { ...GET, method: 'HEAD' });
    const none = signedResponse(GET, { status: 204 }, HMAC);
    assert.match(none.headers['signature-input']!, /^reqres=\("@status" "@method";req/);
    await verify(none);
  });
});

describe('a response replayed for another request fails', () => {
  const signedPost = async (): Promise<SentRequest> => {
    const url = 'https://api.example.com/orders?currency=EUR';
    const headers = { ...JSON_TYPE };
    const added = await signRequest({ method: 'POST', url, headers, body: '{}' }, { keyId: 'client', key: 'client secret', alg: 'hmac-sha256' });
    return { method: 'POST', url, headers: { ...headers, ...added } };
  };

  for (const [what, other] of [
    ['another path', { ...GET, url: 'https://api.example.com/orders/8?view=full' }],
    ['another method', { ...GET, method: 'DELETE' }],
    ['another query', { ...GET, url: 'https://api.example.com/orders/7?view=summary' }],
    ['another authority', { ...GET, url: 'https://evil.example.com/orders/7?view=full' }],
  ] as const) {
    test(`${what}: ERR_SIG_INVALID`, async () => {
      await assert.rejects(verify(answer(), {}, other), code('ERR_SIG_INVALID'));
    });
  }

  test('a signed request: the response binds its signature, and the same request signed again (new nonce) fails ERR_SIG_INVALID', async () => {
    const first = await signedPost();
    const response = answer(first, {}, 'sig1');
    assert.match(response.headers['signature-input']!, /"signature";req;key="sig1"\)/);
    await verify(response, {}, first);
    await assert.rejects(verify(response, {}, await signedPost()), code('ERR_SIG_INVALID'));
  });

  test('a signed request whose response does not bind its signature: ERR_SIG_COMPONENTS', async () => {
    const request = await signedPost();
    await assert.rejects(verify(answer(request), {}, request), code('ERR_SIG_COMPONENTS'));
  });
});

describe('each failure has its code, in the server order', () => {
  test('no signature: ERR_SIG_MISSING; a malformed Signature-Input: ERR_SIG_MALFORMED', async () => {
    await assert.rejects(verify({ status: 200, headers: {}, body: new Uint8Array(0) }), code('ERR_SIG_MISSING'));
    await assert.rejects(verify(withHeader(answer(), 'signature-input', 'reqres=("@status"')), code('ERR_SIG_MALFORMED'));
    await assert.rejects(verify(answer(), { label: 'other' }), code('ERR_SIG_MISSING'));
  });

  test('no keyid or created: ERR_SIG_MALFORMED', async () => {
    const response = answer();
    const input = response.headers['signature-input']!.replace(/;keyid="api"/, '');
    await assert.rejects(verify(withHeader(response, 'signature-input', input)), code('ERR_SIG_MALFORMED'));
  });

  test('an unknown key id: ERR_SIG_UNKNOWN_KEY (keys by id, and a key pinned to its keyId)', async () => {
    await assert.rejects(verify(answer(), { key: undefined, alg: undefined, keys: { other: { alg: 'hmac-sha256', secret: 's' } } }), code('ERR_SIG_UNKNOWN_KEY'));
    await assert.rejects(verify(answer(), { keyId: 'other' }), code('ERR_SIG_UNKNOWN_KEY'));
    await assert.rejects(verify(answer(), { key: undefined, alg: undefined, keys: async () => undefined }), code('ERR_SIG_UNKNOWN_KEY'));
    await assert.rejects(verify(answer({ ...GET }, { keyId: '__proto__' }), { key: undefined, alg: undefined, keys: {} }), code('ERR_SIG_UNKNOWN_KEY'));
  });

  test("a signature whose alg is not the key's: ERR_SIG_ALG_MISMATCH", async () => {
    await assert.rejects(verify(answer(), { alg: 'ed25519', key: keys('ed25519').client }), code('ERR_SIG_ALG_MISMATCH'));
  });

  test('a signature that leaves out a required component: ERR_SIG_COMPONENTS', async () => {
    await assert.rejects(verify(answer(GET, { components: ['@status', 'content-type'] })), code('ERR_SIG_COMPONENTS'));
    const noDigest = answer(GET, { components: ['@status', { name: '@path', params: { req: true } }] });
    await assert.rejects(verify(noDigest, { require: ['@status'] }), code('ERR_SIG_COMPONENTS'));
    await assert.rejects(verify(answer(), { require: ['@status', 'x-request-id'] }), code('ERR_SIG_COMPONENTS'));
  });

  test('created outside the window (either way) or past expires: ERR_SIG_EXPIRED; inside it: accepted', async () => {
    await assert.rejects(verify(answer(), { now: clock(NOW + 301) }), code('ERR_SIG_EXPIRED'));
    await assert.rejects(verify(answer(), { now: clock(NOW - 301) }), code('ERR_SIG_EXPIRED'));
    await assert.rejects(verify(answer(), { now: clock(NOW + 31), window: 30 }), code('ERR_SIG_EXPIRED'));
    await verify(answer(), { now: clock(NOW + 300) });
  });

  test('a body that does not match: ERR_SIG_DIGEST; a Content-Digest that is not a dictionary: ERR_SIG_MALFORMED', async () => {
    const response = answer();
    await assert.rejects(verify({ ...response, body: new TextEncoder().encode('{"id":8}') }), code('ERR_SIG_DIGEST'));
    await assert.rejects(verify(withHeader(response, 'content-digest', 'sha-256=("x")')), code('ERR_SIG_MALFORMED'));
    await assert.rejects(verify(withHeader(response, 'content-digest', 'md5=:AAAA:')), code('ERR_SIG_DIGEST'));
  });

  test('another key: ERR_SIG_INVALID', async () => {
    await assert.rejects(verify(answer(), { key: 'another secret' }), code('ERR_SIG_INVALID'));
    const signer = keys('ed25519');
    const response = answer(GET, { key: signer.server, alg: 'ed25519' });
    await assert.rejects(verify(response, { alg: 'ed25519', key: keys('ed25519').client }), code('ERR_SIG_INVALID'));
  });
});

describe('bad options and keys', () => {
  test('no request, a relative URL, both keys and key, no alg, a bad window: ERR_INVALID_OPTION', async () => {
    const response = answer();
    const cases: Array<Record<string, unknown>> = [
      { request: undefined },
      { request: { method: 'GET', url: '/orders/7' } },
      { request: { method: 'GET', url: 'ftp://api.example.com/' } },
      { keys: { api: { alg: 'hmac-sha256', secret: 's' } } },
      { alg: 'rsa-sha1' },
      { window: 0 },
      { require: ['@Status'] },
    ];
    for (const options of cases) await assert.rejects(verify(response, options as Partial<VerifyResponseOptions>), code('ERR_INVALID_OPTION'), JSON.stringify(options));
    await assert.rejects(verifyResponse(response, undefined as unknown as VerifyResponseOptions), code('ERR_INVALID_OPTION'));
  });

  test('a response that is neither form, or whose body was already read: ERR_INVALID_OPTION', async () => {
    await assert.rejects(verify({ status: 0, headers: {}, body: new Uint8Array(0) }), code('ERR_INVALID_OPTION'));
    await assert.rejects(verify(null as unknown as PlainResponse), code('ERR_INVALID_OPTION'));
    const used = new Response('x', { status: 200 });
    await used.text();
    await assert.rejects(verifyResponse(used, { request: GET, ...VERIFY }), code('ERR_INVALID_OPTION'));
  });

  test('a private key, a certificate-like PEM or an empty secret as the verifying key: ERR_INVALID_KEY', async () => {
    const pair = generateKeyPairSync('ed25519');
    const response = answer(GET, { key: pair.privateKey, alg: 'ed25519' });
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await assert.rejects(verify(response, { alg: 'ed25519', key: privatePem }), code('ERR_INVALID_KEY'));
    await assert.rejects(verify(response, { alg: 'ed25519', key: '-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----' }), code('ERR_INVALID_KEY'));
    await assert.rejects(verify(answer(), { key: '' }), code('ERR_INVALID_KEY'));
    await assert.rejects(verify(answer(), { key: undefined, alg: undefined, keys: { api: { alg: 'hmac-sha256' } as never } }), code('ERR_INVALID_KEY'));
  });

  test('a CryptoKey the caller imported verifies', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
    const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const response = answer(GET, { key: pair.privateKey, alg: 'ecdsa-p256-sha256' });
    assert.equal((await verify(response, { alg: 'ecdsa-p256-sha256', key })).alg, 'ecdsa-p256-sha256');
  });
});
