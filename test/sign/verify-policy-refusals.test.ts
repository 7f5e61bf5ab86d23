/**
 * The RFC 9421 verification policy of `verifySignature` (DESIGN.md,
 * "Signing"): every refusal code with the condition that produces it, and
 * the answer it gets (status, JSON code, Accept-Signature, `debug`).
 * In process with `app.request()` and a fixed clock; the fixture signs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, MemoryNonceStore, SignatureError, contentDigest, verifySignature } from '../../src/index.ts';
import type { InProcessResponse, NonceStore, Scheme } from '../../src/index.ts';
import { codeOf, recordingLogger } from '../helpers/app.ts';
import { isInnerList, parseDictionary } from '../../src/sign/structured-fields/index.ts';
import { signatureBase } from '../../src/sign/rfc9421/index.ts';
import { NOW, AUTHORITY, SECRET, OTHER_SECRET, ED, BASE_COMPONENTS, message, sign, alter, ORDER, LIST, appWith, send, assertRefused, expectCode, expectAccepted, spyStore, type Draft } from './verify-policy.fixture.ts';

describe('ERR_SIG_MISSING', () => {
  test('a request with neither Signature-Input nor Signature is refused 401 ERR_SIG_MISSING', async () => {
    await expectCode(LIST(), 'ERR_SIG_MISSING');
  });

  test('empty Signature-Input and Signature fields are refused ERR_SIG_MISSING', async () => {
    await expectCode({ ...LIST(), headers: { 'signature-input': '', signature: '' } }, 'ERR_SIG_MISSING');
  });

  // Half a signature is a malformed signature, not an unsigned request (docs/errors.md).
  test('Signature-Input without Signature is refused ERR_SIG_MALFORMED', async () => {
    await expectCode(alter(sign(LIST()), { headers: { signature: undefined } }), 'ERR_SIG_MALFORMED');
  });

  test('Signature without Signature-Input is refused ERR_SIG_MALFORMED', async () => {
    await expectCode(alter(sign(LIST()), { headers: { 'signature-input': undefined } }), 'ERR_SIG_MALFORMED');
  });
});

describe('ERR_SIG_MALFORMED', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['Signature-Input that is not a structured dictionary', { 'signature-input': 'sig1=("@method" "@path";created=1' }],
    ['Signature that is not a structured dictionary', { signature: 'sig1=:not base64!:' }],
    ['a Signature member that is not a byte sequence', { signature: 'sig1="abc"' }],
    ['a Signature-Input member that is not an inner list', { 'signature-input': 'sig1="@method"' }],
    ['a Signature label that differs from the Signature-Input label', { signature: 'sig2=:AAAA:' }],
  ];
  for (const [what, headers] of cases) {
    test(`${what} is refused ERR_SIG_MALFORMED`, async () => {
      await expectCode(alter(sign(LIST()), { headers }), 'ERR_SIG_MALFORMED');
    });
  }

  for (const param of ['keyid', 'created', 'nonce'] as const) {
    test(`a signature without "${param}" is refused ERR_SIG_MALFORMED`, async () => {
      await expectCode(sign(LIST(), { params: { [param]: undefined } }), 'ERR_SIG_MALFORMED');
    });
  }

  test('a "created" that is a string, not an integer, is refused ERR_SIG_MALFORMED', async () => {
    const draft = sign(LIST());
    const input = draft.headers!['signature-input']!.replace(`created=${NOW}`, `created="${NOW}"`);
    await expectCode(alter(draft, { headers: { 'signature-input': input } }), 'ERR_SIG_MALFORMED');
  });

  test('an unknown signature parameter is refused ERR_SIG_MALFORMED', async () => {
    const draft = sign(LIST());
    await expectCode(alter(draft, { headers: { 'signature-input': `${draft.headers!['signature-input']};foo=1` } }), 'ERR_SIG_MALFORMED');
  });

  test('a Content-Digest that is not a dictionary of byte sequences is refused ERR_SIG_MALFORMED', async () => {
    await expectCode(sign({ ...ORDER(), headers: { 'content-digest': 'sha-256="abc"' } }), 'ERR_SIG_MALFORMED');
  });
});

describe('ERR_SIG_UNKNOWN_KEY', () => {
  test('a keyid that is not among the keys is refused ERR_SIG_UNKNOWN_KEY', async () => {
    await expectCode(sign(LIST(), { keyId: 'k-nobody' }), 'ERR_SIG_UNKNOWN_KEY');
  });

  for (const keyId of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    test(`keyid "${keyId}" does not resolve to an inherited property: ERR_SIG_UNKNOWN_KEY`, async () => {
      await expectCode(sign(LIST(), { keyId }), 'ERR_SIG_UNKNOWN_KEY');
    });
  }
});

describe('ERR_SIG_ALG_MISMATCH', () => {
  test('an alg parameter that differs from the key\'s alg is refused ERR_SIG_ALG_MISMATCH', async () => {
    await expectCode(sign(LIST(), { params: { alg: 'hmac-sha512' } }), 'ERR_SIG_ALG_MISMATCH');
  });

  test('an ed25519 signature with alg="ed25519" under an hmac key id is refused ERR_SIG_ALG_MISMATCH', async () => {
    await expectCode(sign(LIST(), { alg: 'ed25519', key: ED.privateKey, params: { alg: 'ed25519' } }), 'ERR_SIG_ALG_MISMATCH');
  });

  test('an hmac signature with alg="hmac-sha256" under an ed25519 key id is refused ERR_SIG_ALG_MISMATCH', async () => {
    await expectCode(sign(LIST(), { keyId: 'k-ed', params: { alg: 'hmac-sha256' } }), 'ERR_SIG_ALG_MISMATCH');
  });

  test('an ed25519 signature without alg under an hmac key id is verified as hmac and refused ERR_SIG_INVALID', async () => {
    await expectCode(sign(LIST(), { alg: 'ed25519', key: ED.privateKey }), 'ERR_SIG_INVALID');
  });

  test('an alg parameter equal to the key\'s alg is accepted', async () => {
    await expectAccepted(sign(LIST(), { keyId: 'k-ed', alg: 'ed25519', key: ED.privateKey, params: { alg: 'ed25519' } }));
  });
});

describe('ERR_SIG_COMPONENTS', () => {
  test('a signature that does not cover @authority is refused ERR_SIG_COMPONENTS', async () => {
    await expectCode(sign(LIST(), { components: ['@method', '@path', '@query'] }), 'ERR_SIG_COMPONENTS');
  });

  test('a signature over a request with a body that does not cover content-digest is refused ERR_SIG_COMPONENTS', async () => {
    await expectCode(sign(ORDER(), { components: [...BASE_COMPONENTS, 'content-type'] }), 'ERR_SIG_COMPONENTS');
  });

  test('content-digest is not required without a body', async () => {
    await expectAccepted(sign(LIST(), { components: BASE_COMPONENTS }));
  });

  const require = [...BASE_COMPONENTS, 'x-tenant'];
  test('a custom require: a signature that does not cover "x-tenant" is refused ERR_SIG_COMPONENTS', async () => {
    await expectCode(sign({ ...LIST(), headers: { 'x-tenant': 'acme' } }), 'ERR_SIG_COMPONENTS', { require });
  });

  test('a custom require: a signature that covers "x-tenant" is accepted', async () => {
    await expectAccepted(sign({ ...LIST(), headers: { 'x-tenant': 'acme' } }, { components: require }), { require });
  });

  test('a custom require still requires content-digest with a body', async () => {
    await expectCode(sign({ ...ORDER(), headers: { 'x-tenant': 'acme' } }, { components: [...require, 'content-type'] }), 'ERR_SIG_COMPONENTS', { require });
  });

  test('a covered field that the request does not have is refused ERR_SIG_COMPONENTS', async () => {
    const draft = sign({ ...LIST(), headers: { 'x-tenant': 'acme' } }, { components: require });
    await expectCode(alter(draft, { headers: { 'x-tenant': undefined } }), 'ERR_SIG_COMPONENTS');
  });
});

describe('ERR_SIG_EXPIRED', () => {
  test('created 301 s before the server clock (window 300) is refused ERR_SIG_EXPIRED', async () => {
    await expectCode(sign(LIST(), { params: { created: NOW - 301 } }), 'ERR_SIG_EXPIRED');
  });

  test('created 301 s after the server clock is refused ERR_SIG_EXPIRED', async () => {
    await expectCode(sign(LIST(), { params: { created: NOW + 301 } }), 'ERR_SIG_EXPIRED');
  });

  test('created exactly 300 s before or after the server clock is accepted', async () => {
    await expectAccepted(sign(LIST(), { params: { created: NOW - 300 } }));
    await expectAccepted(sign(LIST(), { params: { created: NOW + 300 } }));
  });

  test('a custom window of 30 s refuses created 31 s old with ERR_SIG_EXPIRED', async () => {
    await expectCode(sign(LIST(), { params: { created: NOW - 31 } }), 'ERR_SIG_EXPIRED', { window: 30 });
    await expectAccepted(sign(LIST(), { params: { created: NOW - 30 } }), { window: 30 });
  });

  test('a signature past its "expires" is refused ERR_SIG_EXPIRED although created is in the window', async () => {
    await expectCode(sign(LIST(), { params: { created: NOW - 10, expires: NOW - 1 } }), 'ERR_SIG_EXPIRED');
  });

  test('a signature whose "expires" is now is still accepted', async () => {
    await expectAccepted(sign(LIST(), { params: { created: NOW - 10, expires: NOW } }));
  });
});

describe('ERR_SIG_DIGEST', () => {
  test('a body altered after signing is refused ERR_SIG_DIGEST', async () => {
    await expectCode(alter(sign(ORDER()), { body: '{"amount":99}' }), 'ERR_SIG_DIGEST');
  });

  test('a body with a covered but absent Content-Digest is refused ERR_SIG_DIGEST', async () => {
    const draft = sign(ORDER(), { components: [...BASE_COMPONENTS, 'content-digest'] });
    await expectCode(alter(draft, { headers: { 'content-digest': undefined } }), 'ERR_SIG_DIGEST');
  });

  test('a Content-Digest with only an unknown algorithm is refused ERR_SIG_DIGEST', async () => {
    await expectCode(sign({ ...ORDER(), headers: { 'content-digest': 'md5=:sOvc+HRkd/8ACAoNaAZocA==:' } }), 'ERR_SIG_DIGEST');
  });

  test('a Content-Digest whose sha-512 member does not match is refused although sha-256 matches', async () => {
    const body = ORDER().body!;
    const wrong = contentDigest('other', ['sha-512']);
    await expectCode(sign({ ...ORDER(), headers: { 'content-digest': `${contentDigest(body)}, ${wrong}` } }), 'ERR_SIG_DIGEST');
  });

  test('a sha-512 Content-Digest is accepted', async () => {
    await expectAccepted(sign({ ...ORDER(), headers: { 'content-digest': contentDigest(ORDER().body!, ['sha-512']) } }));
  });
});

describe('ERR_SIG_INVALID', () => {
  const alterations: Array<[string, Draft, (d: Draft) => Draft]> = [
    ['the method', ORDER(), (d) => ({ ...d, method: 'PUT' })],
    ['the authority', ORDER(), (d) => ({ ...d, authority: 'evil.example.com' })],
    ['the path', ORDER(), (d) => ({ ...d, target: d.target.replace('/orders', '/refunds') })],
    ['the query', ORDER(), (d) => ({ ...d, target: d.target.replace('EUR', 'USD') })],
    ['a query added to a request that had none', { ...ORDER(), target: '/orders' }, (d) => ({ ...d, target: '/orders?currency=EUR' })],
    ['the content-type', ORDER(), (d) => alter(d, { headers: { 'content-type': 'text/plain' } })],
  ];
  for (const [what, draft, change] of alterations) {
    test(`${what} altered after signing is refused ERR_SIG_INVALID`, async () => {
      await expectCode(change(sign(draft)), 'ERR_SIG_INVALID');
    });
  }

  test('a signature made with another secret is refused ERR_SIG_INVALID', async () => {
    await expectCode(sign(ORDER(), { key: OTHER_SECRET }), 'ERR_SIG_INVALID');
  });

  test('a signature made by one key but naming another key id is refused ERR_SIG_INVALID', async () => {
    await expectCode(sign(ORDER(), { keyId: 'k-hmac-2' }), 'ERR_SIG_INVALID');
  });

  test('a changed signature parameter (nonce) is refused ERR_SIG_INVALID', async () => {
    const draft = sign(LIST(), { params: { nonce: 'n-1' } });
    const input = draft.headers!['signature-input']!.replace('"n-1"', '"n-2"');
    await expectCode(alter(draft, { headers: { 'signature-input': input } }), 'ERR_SIG_INVALID');
  });
});

describe('debug', () => {
  test('debug: true adds the server\'s signature base to ERR_SIG_INVALID, without the secret', async () => {
    const sent = alter(sign(ORDER()), { headers: { 'content-type': 'text/plain' } });
    const res = await send(appWith({ debug: true }).app, sent);
    assertRefused(res, 'ERR_SIG_INVALID');
    const { error } = (await res.json()) as { error: { signatureBase?: string } };
    const input = sent.headers!['signature-input']!.slice('sig1='.length);
    const expected = [
      '"@method": POST',
      `"@authority": ${AUTHORITY}`,
      '"@path": /orders',
      '"@query": ?currency=EUR',
      `"content-digest": ${contentDigest(ORDER().body!)}`,
      '"content-type": text/plain',
      `"@signature-params": ${input}`,
    ].join('\n');
    assert.equal(error.signatureBase, expected);
    assert.ok(!res.body.toString().includes(SECRET));
  });

  test('without debug, ERR_SIG_INVALID carries no signature base', async () => {
    const res = await send(appWith().app, sign(ORDER(), { key: OTHER_SECRET }));
    assertRefused(res, 'ERR_SIG_INVALID');
    assert.deepEqual(Object.keys(((await res.json()) as { error: object }).error).sort(), ['code', 'message']);
  });

  const others: Array<[string, Draft]> = [
    ['ERR_SIG_MALFORMED', sign(LIST(), { params: { nonce: undefined } })],
    ['ERR_SIG_UNKNOWN_KEY', sign(LIST(), { keyId: 'k-nobody' })],
    ['ERR_SIG_COMPONENTS', sign(LIST(), { components: ['@method'] })],
    ['ERR_SIG_EXPIRED', sign(LIST(), { params: { created: NOW - 3600 } })],
    ['ERR_SIG_DIGEST', alter(sign(ORDER()), { body: '{}' })],
  ];
  for (const [code, draft] of others) {
    test(`debug: true adds no signature base to ${code}`, async () => {
      const res = await send(appWith({ debug: true }).app, draft);
      assertRefused(res, code);
      assert.deepEqual(Object.keys(((await res.json()) as { error: object }).error).sort(), ['code', 'message']);
    });
  }
});

describe('Accept-Signature', () => {
  function acceptedComponents(res: InProcessResponse): { components: unknown[]; params: string[] } {
    const member = parseDictionary(res.headers.get('accept-signature')!).get('sig1');
    assert.ok(member !== undefined && isInnerList(member));
    return { components: member.items.map((i) => i.value), params: [...member.params.keys()] };
  }

  test('names the required components (with content-digest) and created, nonce, keyid', async () => {
    const res = await send(appWith().app, LIST());
    assert.deepEqual(acceptedComponents(res), {
      components: ['@method', '@authority', '@path', '@query', 'content-digest'],
      params: ['created', 'nonce', 'keyid'],
    });
  });

  test('names a custom require', async () => {
    const res = await send(appWith({ require: ['@method', 'x-tenant'] }).app, LIST());
    assert.deepEqual(acceptedComponents(res).components, ['@method', 'x-tenant', 'content-digest']);
  });

  test('names each component once when require already lists content-digest', async () => {
    const res = await send(appWith({ require: [...BASE_COMPONENTS, 'content-digest'] }).app, LIST());
    const { components } = acceptedComponents(res);
    assert.deepEqual(components, [...new Set(components)]);
  });
});

describe('ERR_SIG_REPLAYED', () => {
  test('the same signed request twice: the first is accepted, the second refused ERR_SIG_REPLAYED', async () => {
    const { app, handled } = appWith();
    const draft = sign(ORDER());
    assert.equal((await send(app, draft)).status, 200);
    assertRefused(await send(app, draft), 'ERR_SIG_REPLAYED');
    assert.equal(handled(), 1);
  });

  test('a new signature that reuses a nonce is refused ERR_SIG_REPLAYED', async () => {
    const { app } = appWith();
    assert.equal((await send(app, sign(LIST(), { params: { nonce: 'n-42' } }))).status, 200);
    assertRefused(await send(app, sign(ORDER(), { params: { nonce: 'n-42', created: NOW - 5 } })), 'ERR_SIG_REPLAYED');
  });

  test('nonces are per key: the same nonce under two key ids is accepted for each', async () => {
    const { app } = appWith();
    assert.equal((await send(app, sign(LIST(), { params: { nonce: 'shared' } }))).status, 200);
    assert.equal((await send(app, sign(LIST(), { keyId: 'k-hmac-2', key: OTHER_SECRET, params: { nonce: 'shared' } }))).status, 200);
  });

  test('a nonce is claimed once, with a TTL of at least 2 × window', async () => {
    const nonces = spyStore();
    await expectAccepted(sign(LIST()), { nonces, window: 45 });
    assert.equal(nonces.claims.length, 1);
    assert.ok(nonces.claims[0]![1] >= 90_000, `TTL ${nonces.claims[0]![1]} ms`);
  });

  test('a replay in the last accepted second of the window is still refused ERR_SIG_REPLAYED', async () => {
    let clockMs = (NOW - 300) * 1000; // created = NOW is 300 s in the future: the earliest acceptable moment
    const nonces = new MemoryNonceStore({ now: () => clockMs });
    const app = appWith({ nonces, now: () => clockMs }).app;
    const draft = sign(LIST());
    assert.equal((await send(app, draft)).status, 200);
    clockMs = (NOW + 300) * 1000 + 500; // created is 300 s in the past (floored): still in the window
    assertRefused(await send(app, draft), 'ERR_SIG_REPLAYED');
  });
});

describe('ERR_SIG_STORE_UNAVAILABLE', () => {
  const internal = 'connect ECONNREFUSED 10.9.8.7:6379';
  const stores: Array<[string, NonceStore]> = [
    ['rejects', { claim: () => Promise.reject(new Error(internal)) }],
    ['throws synchronously', { claim: () => { throw new Error(internal); } }],
  ];
  for (const [how, nonces] of stores) {
    test(`a nonce store whose claim ${how} answers 503 ERR_SIG_STORE_UNAVAILABLE without its error`, async () => {
      const { app, handled } = appWith({ nonces });
      const res = await send(app, sign(ORDER()));
      assertRefused(res, 'ERR_SIG_STORE_UNAVAILABLE', 503);
      assert.ok(!res.body.toString().includes('10.9.8.7'));
      assert.equal(handled(), 0);
    });
  }

  test('a full MemoryNonceStore answers a fresh nonce 503 and a held one ERR_SIG_REPLAYED', async () => {
    const { app } = appWith({ nonces: new MemoryNonceStore({ maxEntries: 1 }) });
    const first = sign(LIST());
    assert.equal((await send(app, first)).status, 200);
    assertRefused(await send(app, sign(LIST())), 'ERR_SIG_STORE_UNAVAILABLE', 503);
    assertRefused(await send(app, first), 'ERR_SIG_REPLAYED');
  });
});


describe('a scheme that throws instead of rejecting', () => {
  /** An app verifying with a scheme whose verify is a plain function that throws `error`. */
  function appThrowing(error: Error): { app: App; handled: () => number } {
    const scheme: Scheme = {
      name: 'throwing',
      keys: { k: { alg: 'hmac-sha256', secret: SECRET } },
      challenge: () => ({ 'Accept-Signature': 'sig1=("@method");created;nonce;keyid' }),
      verify: () => {
        throw error;
      },
    };
    const app = new App({ logger: recordingLogger().logger });
    let handled = 0;
    app.all('/*', verifySignature({ scheme }), (c) => {
      handled += 1;
      return c.text('ok');
    });
    return { app, handled: () => handled };
  }

  test('a SignatureError thrown synchronously is answered like a rejection: 401 with its code', async () => {
    const { app, handled } = appThrowing(new SignatureError('ERR_SIG_MISSING', 'no signature here'));
    assertRefused(await send(app, sign(LIST())), 'ERR_SIG_MISSING');
    assert.equal(handled(), 0);
  });

  test('any other error thrown synchronously is a 500 ERR_INTERNAL that does not show it', async () => {
    const { app, handled } = appThrowing(new Error('scheme internals'));
    const res = await send(app, sign(LIST()));
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.ok(!res.body.toString().includes('scheme internals'));
    assert.equal(handled(), 0);
  });
});
