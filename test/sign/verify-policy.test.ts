/**
 * The RFC 9421 verification policy of `verifySignature` (DESIGN.md,
 * "Signing"), in process with `app.request()` and a fixed clock: every
 * failure code with the condition that produces it, the answer it gets
 * (status, JSON code, Accept-Signature, `debug`), what `c.get('signature')`
 * holds on success, the order of the checks (parse → key → components →
 * window → digest → signature → nonce: a forged request never spends a
 * nonce), and the three ways to give keys, including `loadKeys`.
 *
 * Requests are signed here with the pure building blocks (`signatureBase`,
 * `ALGORITHMS[alg].sign`, `serializeSignatureInput` / `serializeSignature`)
 * and then sent as they are or altered.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { App, MemoryNonceStore, contentDigest, createVerifier, loadKeys, verifySignature } from '../../src/index.ts';
import type { InProcessResponse, KeyConfig, KeySource, NonceStore, VerifySignatureOptions } from '../../src/index.ts';
import { parseDictionary, isInnerList } from '../../src/sign/structured-fields/index.ts';
import {
  ALGORITHMS,
  serializeSignature,
  serializeSignatureInput,
  signatureBase,
  signatureBaseBytes,
  type AlgorithmKey,
  type AlgorithmName,
  type ComponentInput,
  type RequestMessage,
  type SignatureParams,
} from '../../src/sign/rfc9421/index.ts';
import { codeOf, recordingLogger } from '../helpers/app.ts';

/** The fixed server clock, in seconds. */
const NOW = 1_700_000_000;
const AUTHORITY = 'api.example.com';
const SECRET = 'policy-secret-9c41f0e2';
const OTHER_SECRET = 'policy-secret-other-77aa';
const ED = generateKeyPairSync('ed25519');
const EC = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

const KEYS: Record<string, KeyConfig> = {
  'k-hmac': { alg: 'hmac-sha256', secret: SECRET },
  'k-hmac-2': { alg: 'hmac-sha256', secret: OTHER_SECRET },
  'k-ed': { alg: 'ed25519', publicKey: pem(ED.publicKey) },
};
const BASE_COMPONENTS = ['@method', '@authority', '@path', '@query'] as const;
const BODY_COMPONENTS = [...BASE_COMPONENTS, 'content-digest', 'content-type'] as const;

/** A request as a client would send it. */
interface Draft {
  readonly method: string;
  readonly target: string;
  readonly authority?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

interface SignOptions {
  readonly keyId?: string;
  /** Signs with this algorithm and key (default hmac-sha256 with SECRET). */
  readonly alg?: AlgorithmName;
  readonly key?: AlgorithmKey;
  readonly components?: readonly ComponentInput[];
  /** Merged over { created: NOW, nonce: <fresh>, keyid }; an `undefined` value drops the parameter. */
  readonly params?: Partial<Record<keyof SignatureParams, string | number | undefined>>;
  readonly label?: string;
}

function message(draft: Draft): RequestMessage {
  const q = draft.target.indexOf('?');
  const headers = Object.fromEntries(Object.entries(draft.headers ?? {}).map(([n, v]) => [n.toLowerCase(), v]));
  return {
    method: draft.method,
    target: draft.target,
    path: q < 0 ? draft.target : draft.target.slice(0, q),
    search: q < 0 ? '' : draft.target.slice(q + 1),
    authority: draft.authority ?? AUTHORITY,
    scheme: 'http',
    header: (name) => headers[name],
  };
}

/** The draft with a JSON body's Content-Type and Content-Digest added (unless given). */
function withBody(draft: Draft): Draft {
  if (draft.body === undefined) return draft;
  return { ...draft, headers: { 'content-type': 'application/json', 'content-digest': contentDigest(draft.body), ...draft.headers } };
}

/** The draft, signed: Signature-Input and Signature added to its headers. */
function sign(draft: Draft, options: SignOptions = {}): Draft {
  const full = withBody(draft);
  const keyid = options.keyId ?? 'k-hmac';
  const params = Object.fromEntries(
    Object.entries({ created: NOW, nonce: randomUUID(), keyid, ...options.params }).filter(([, v]) => v !== undefined),
  ) as SignatureParams;
  const components = options.components ?? (full.body === undefined ? BASE_COMPONENTS : BODY_COMPONENTS);
  const base = signatureBase(message(full), components, params);
  const alg = options.alg ?? 'hmac-sha256';
  const signature = ALGORITHMS[alg].sign(options.key ?? SECRET, signatureBaseBytes(base));
  const label = options.label ?? 'sig1';
  return {
    ...full,
    headers: {
      ...full.headers,
      'signature-input': serializeSignatureInput([{ label, components, params }]),
      signature: serializeSignature([{ label, signature }]),
    },
  };
}

/** The draft with some headers replaced (or removed, with undefined). */
function alter(draft: Draft, changes: Partial<Omit<Draft, 'headers'>> & { headers?: Record<string, string | undefined> } = {}): Draft {
  const headers = Object.entries({ ...draft.headers, ...changes.headers }).filter((e): e is [string, string] => e[1] !== undefined);
  return { ...draft, ...changes, headers: Object.fromEntries(headers) };
}

const ORDER = (): Draft => ({ method: 'POST', target: '/orders?currency=EUR', body: '{"amount":10}' });
const LIST = (): Draft => ({ method: 'GET', target: '/orders?page=2' });

interface TestApp {
  readonly app: App;
  /** How many requests reached the route handler. */
  handled(): number;
}

function appWith(options: Partial<VerifySignatureOptions> = {}): TestApp {
  const app = new App({ logger: recordingLogger().logger });
  let handled = 0;
  app.use(verifySignature({ keys: KEYS, now: () => NOW * 1000, ...options }));
  app.all('/*', (c) => {
    handled += 1;
    return c.json({ signature: c.get('signature') });
  });
  return { app, handled: () => handled };
}

function send(app: App, draft: Draft): Promise<InProcessResponse> {
  return app.request(draft.target, {
    method: draft.method,
    headers: { host: draft.authority ?? AUTHORITY, ...draft.headers },
    ...(draft.body === undefined ? {} : { body: draft.body }),
  });
}

/** Asserts a refusal: status, code, and an Accept-Signature header. */
function assertRefused(res: InProcessResponse, code: string, status = 401): void {
  assert.equal(codeOf(res), code, res.body.toString());
  assert.equal(res.status, status);
  assert.ok(res.headers.get('accept-signature'), 'Accept-Signature is sent');
}

async function expectCode(draft: Draft, code: string, options: Partial<VerifySignatureOptions> = {}): Promise<void> {
  const { app, handled } = appWith(options);
  assertRefused(await send(app, draft), code);
  assert.equal(handled(), 0, 'the handler did not run');
}

async function expectAccepted(draft: Draft, options: Partial<VerifySignatureOptions> = {}): Promise<unknown> {
  const res = await send(appWith(options).app, draft);
  assert.equal(res.status, 200, res.body.toString());
  return ((await res.json()) as { signature: unknown }).signature;
}

function spyStore(inner: NonceStore = new MemoryNonceStore()): NonceStore & { claims: Array<[string, number]> } {
  const claims: Array<[string, number]> = [];
  return { claims, claim: (id, ttl) => (claims.push([id, ttl]), inner.claim(id, ttl)) };
}

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

describe('success', () => {
  test('c.get("signature") holds keyId, alg, scheme, label and created', async () => {
    const seen = await expectAccepted(sign(ORDER(), { params: { created: NOW - 7 } }));
    assert.deepEqual(seen, { keyId: 'k-hmac', alg: 'hmac-sha256', scheme: 'rfc9421', label: 'sig1', created: NOW - 7 });
  });

  test('c.get("signature") carries the signature\'s label and the key\'s alg', async () => {
    const seen = await expectAccepted(sign(LIST(), { keyId: 'k-ed', alg: 'ed25519', key: ED.privateKey, label: 'partner' }));
    assert.deepEqual(seen, { keyId: 'k-ed', alg: 'ed25519', scheme: 'rfc9421', label: 'partner', created: NOW });
  });

  test('createVerifier().verify resolves what was verified and rejects with the code and status', async () => {
    const verifier = createVerifier({ keys: KEYS, now: () => NOW * 1000 });
    const draft = sign(LIST());
    const request = { ...message(draft), body: () => Promise.resolve(new Uint8Array()) };
    assert.deepEqual(await verifier.verify(request), { keyId: 'k-hmac', alg: 'hmac-sha256', scheme: 'rfc9421', label: 'sig1', created: NOW });
    await assert.rejects(verifier.verify(request), { code: 'ERR_SIG_REPLAYED', status: 401 });
  });
});

describe('verification order', () => {
  test('parse comes before key lookup: a malformed signature never looks its key up', async () => {
    let lookups = 0;
    const keys = (id: string) => ((lookups += 1), KEYS[id]);
    await expectCode(sign(LIST(), { params: { nonce: undefined } }), 'ERR_SIG_MALFORMED', { keys });
    assert.equal(lookups, 0);
  });

  const both: Array<[string, string, Draft]> = [
    ['unknown key comes before the window', 'ERR_SIG_UNKNOWN_KEY', sign(LIST(), { keyId: 'k-nobody', params: { created: NOW - 3600 } })],
    ['alg mismatch comes before the window', 'ERR_SIG_ALG_MISMATCH', sign(LIST(), { params: { alg: 'ed25519', created: NOW - 3600 } })],
    ['components come before the window', 'ERR_SIG_COMPONENTS', sign(LIST(), { components: ['@method'], params: { created: NOW - 3600 } })],
    ['the window comes before the digest', 'ERR_SIG_EXPIRED', alter(sign(ORDER(), { params: { created: NOW - 3600 } }), { body: '{}' })],
    ['the window comes before the signature', 'ERR_SIG_EXPIRED', sign(LIST(), { key: OTHER_SECRET, params: { created: NOW + 3600 } })],
    ['the digest comes before the signature', 'ERR_SIG_DIGEST', alter(sign(ORDER(), { key: OTHER_SECRET }), { body: '{}' })],
  ];
  for (const [what, code, draft] of both) {
    test(`${what}: a request failing both is refused ${code}`, async () => {
      await expectCode(draft, code);
    });
  }

  test('the signature comes before the nonce: a bad signature never reaches the store', async () => {
    const nonces = spyStore();
    const { app } = appWith({ nonces });
    assert.equal((await send(app, sign(LIST(), { params: { nonce: 'n-1' } }))).status, 200);
    assertRefused(await send(app, sign(LIST(), { key: OTHER_SECRET, params: { nonce: 'n-1' } })), 'ERR_SIG_INVALID');
    assert.equal(nonces.claims.length, 1);
  });

  test('an unreachable store is not consulted for a bad signature: 401 ERR_SIG_INVALID, not 503', async () => {
    await expectCode(sign(LIST(), { key: OTHER_SECRET }), 'ERR_SIG_INVALID', { nonces: { claim: () => Promise.reject(new Error('down')) } });
  });

  const forgeries: Array<[string, (nonce: string) => Draft]> = [
    ['a forged signature', (nonce) => sign(ORDER(), { key: OTHER_SECRET, params: { nonce } })],
    ['an altered body', (nonce) => alter(sign(ORDER(), { params: { nonce } }), { body: '{"amount":1e9}' })],
    ['an expired signature', (nonce) => sign(ORDER(), { params: { nonce, created: NOW - 3600 } })],
    ['too few components', (nonce) => sign(ORDER(), { components: ['@method'], params: { nonce } })],
    ['a mismatched alg', (nonce) => sign(ORDER(), { params: { nonce, alg: 'ed25519' } })],
  ];
  for (const [what, forge] of forgeries) {
    test(`${what} with a fresh nonce does not spend it: the genuine request with that nonce is accepted`, async () => {
      const { app } = appWith();
      const nonce = randomUUID();
      const forged = await send(app, forge(nonce));
      assert.equal(forged.status, 401);
      assert.notEqual(codeOf(forged), 'ERR_SIG_REPLAYED');
      assert.equal((await send(app, sign(ORDER(), { params: { nonce } }))).status, 200);
    });
  }
});

describe('keys', () => {
  test('rotation: two active key ids (old and new) are both accepted', async () => {
    const { app } = appWith();
    const old = await send(app, sign(ORDER()));
    const rotated = await send(app, sign(ORDER(), { keyId: 'k-hmac-2', key: OTHER_SECRET }));
    assert.deepEqual([old.status, rotated.status], [200, 200]);
    assert.equal(((await rotated.json()) as { signature: { keyId: string } }).signature.keyId, 'k-hmac-2');
  });

  class Store {
    readonly #keys = new Map(Object.entries(KEYS));
    async get(keyId: string): Promise<KeyConfig | undefined> {
      return this.#keys.get(keyId);
    }
  }
  const sources: Array<[string, KeySource, string | undefined]> = [
    ['a map', KEYS, undefined],
    ['a KeyStore (class instance)', new Store(), undefined],
    ['a Map (a KeyStore by shape)', new Map(Object.entries(KEYS)), undefined],
    ['an async function', async (id: string) => KEYS[id], undefined],
    ['a sync function', (id: string) => KEYS[id], undefined],
    [
      'a KeyStore written as an object literal',
      { get: (id: string) => KEYS[id] },
      undefined,
    ],
  ];
  for (const [what, keys, todo] of sources) {
    test(`keys as ${what}: a known key is accepted and an unknown one refused ERR_SIG_UNKNOWN_KEY`, { todo }, async () => {
      const { app } = appWith({ keys });
      assert.equal((await send(app, sign(ORDER(), { keyId: 'k-ed', alg: 'ed25519', key: ED.privateKey }))).status, 200);
      assertRefused(await send(app, sign(ORDER(), { keyId: 'k-nobody' })), 'ERR_SIG_UNKNOWN_KEY');
    });
  }

  test('a key function receives the request\'s keyid', async () => {
    const asked: string[] = [];
    await expectAccepted(sign(LIST()), { keys: (id) => (asked.push(id), KEYS[id]) });
    assert.deepEqual(asked, ['k-hmac']);
  });

  const invalid: Array<[string, unknown]> = [
    ['an empty hmac secret', { alg: 'hmac-sha256', secret: '' }],
    ['an unknown alg', { alg: 'hmac-sha1', secret: 'x' }],
    ['a publicKey that is not PEM', { alg: 'ed25519', publicKey: 'not a key' }],
    ['a broken PEM', { alg: 'ed25519', publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }],
    ['a P-256 key for ed25519', { alg: 'ed25519', publicKey: pem(EC.publicKey) }],
    ['no object', 'secret'],
  ];
  for (const [what, entry] of invalid) {
    test(`a keys map with ${what} throws ERR_INVALID_KEY naming the key at construction`, () => {
      assert.throws(() => verifySignature({ keys: { ...KEYS, 'partner-x': entry as KeyConfig } }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_INVALID_KEY');
        assert.match(error.message, /"partner-x"/);
        return true;
      });
    });
  }

  test('a key function that returns an invalid key answers 500 ERR_INTERNAL and never runs the handler', async () => {
    const { app, handled } = appWith({ keys: async () => ({ alg: 'hmac-sha256', secret: '' }) as KeyConfig });
    const res = await send(app, sign(LIST()));
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.equal(handled(), 0);
  });

  test('a key lookup that rejects answers 500 ERR_INTERNAL and never runs the handler', async () => {
    const { app, handled } = appWith({ keys: () => Promise.reject(new Error('db down')) });
    const res = await send(app, sign(LIST()));
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.equal(handled(), 0);
  });

  test('options are validated at construction with ERR_INVALID_OPTION', () => {
    for (const options of [{}, { keys: KEYS, window: 0 }, { keys: KEYS, require: ['@Method'] }, { keys: KEYS, nonces: {} }]) {
      assert.throws(() => verifySignature(options as VerifySignatureOptions), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(options));
    }
  });
});

describe('loadKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signwire-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const entries = { demo: { alg: 'hmac-sha256', secret: SECRET }, 'partner-a': { alg: 'ed25519', publicKey: pem(ED.publicKey) } };

  test('a valid keys file loads keys that verifySignature accepts', async () => {
    const keys = await loadKeys(file('valid.json', JSON.stringify({ keys: entries })));
    assert.deepEqual(Object.keys(keys).sort(), ['demo', 'partner-a']);
    await expectAccepted(sign(LIST(), { keyId: 'demo' }), { keys });
    await expectAccepted(sign(LIST(), { keyId: 'partner-a', alg: 'ed25519', key: ED.privateKey }), { keys });
  });

  const badPem = '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----';
  const bad: Array<[string, string, string, RegExp]> = [
    ['bad JSON (naming the file)', 'bad-json.json', '{ "keys": { "demo": ', /bad-json\.json/],
    ['no "keys" object (naming the file)', 'no-keys.json', JSON.stringify(entries), /no-keys\.json/],
    ['a bad PEM (naming the entry)', 'bad-pem.json', JSON.stringify({ keys: { ...entries, 'partner-b': { alg: 'ed25519', publicKey: badPem } } }), /"partner-b"/],
    ['an unknown alg (naming the entry)', 'bad-alg.json', JSON.stringify({ keys: { ...entries, 'partner-c': { alg: 'rsa-sha1', publicKey: pem(ED.publicKey) } } }), /"partner-c"/],
  ];
  for (const [what, name, content, names] of bad) {
    test(`a keys file with ${what} rejects ERR_INVALID_KEY`, async () => {
      await assert.rejects(loadKeys(file(name, content)), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_INVALID_KEY');
        assert.match(error.message, names);
        return true;
      });
    });
  }

  test('a missing keys file rejects ERR_INVALID_KEY', async () => {
    await assert.rejects(loadKeys(join(dir, 'absent.json')), { code: 'ERR_INVALID_KEY' });
  });
});
