/**
 * The RFC 9421 verification policy of `verifySignature`, continued: what
 * `c.get('signature')` holds on success, the order of the checks (parse →
 * key → components → window → digest → signature → nonce: a forged request
 * never spends a nonce), and the ways to give keys, including `loadKeys`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createVerifier, loadKeys, verifySignature } from '../../src/index.ts';
import type { KeyConfig, KeySource, VerifySignatureOptions } from '../../src/index.ts';
import { codeOf } from '../helpers/app.ts';
import { NOW, SECRET, OTHER_SECRET, ED, EC, pem, KEYS, message, sign, alter, ORDER, LIST, appWith, send, assertRefused, expectCode, expectAccepted, spyStore, type Draft } from './verify-policy.fixture.ts';

describe('success', () => {
  test('c.get("signature") holds keyId, alg, scheme, label and created', async () => {
    const seen = await expectAccepted(sign(ORDER(), { params: { created: NOW - 7 } }));
    assert.deepEqual(seen, { keyId: 'k-hmac', alg: 'hmac-sha256', scheme: 'rfc9421', label: 'sig1', created: NOW - 7 });
  });

  test('c.get("signature") carries the signature\'s label and the key\'s alg', async () => {
    const seen = await expectAccepted(sign(LIST(), { keyId: 'k-ed', alg: 'ed25519', key: ED.privateKey, label: 'partner' }));
    assert.deepEqual(seen, { keyId: 'k-ed', alg: 'ed25519', scheme: 'rfc9421', label: 'partner', created: NOW });
  });

  test('parameters written other than as serialized are verified over their serialization, before and after their head is known', async () => {
    const { app, handled } = appWith();
    const swapCreatedAndNonce = (input: string): string => input.replace(/;created=(\d+);nonce=("[^"]*")/, ';nonce=$2;created=$1');
    const rewrites: Array<[string, (input: string) => string, number]> = [
      ['as serialized', (input) => input, 200],
      ['with a leading zero', (input) => input.replace(';created=', ';created=0'), 200],
      ['with a space after ";"', (input) => input.replace(';nonce=', '; nonce='), 200],
      // Order is part of the signature parameters (RFC 9421 §2.3): another order is another base.
      ['in another order', swapCreatedAndNonce, 401],
    ];
    for (const round of ['first', 'second']) {
      for (const [how, rewrite, status] of rewrites) {
        const draft = sign(LIST());
        const signed = draft.headers!['signature-input']!;
        const input = rewrite(signed);
        assert.notEqual(input === signed, how !== 'as serialized', `${how} changes the field`);
        const res = await send(app, alter(draft, { headers: { 'signature-input': input } }));
        assert.equal(res.status, status, `${round} round, ${how}: ${input} → ${res.body.toString()}`);
        if (status === 401) assert.equal(codeOf(res), 'ERR_SIG_INVALID');
      }
    }
    assert.equal(handled(), 6);
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
  const sources: Array<[string, KeySource]> = [
    ['a map', KEYS],
    ['a KeyStore (class instance)', new Store()],
    ['a Map (a KeyStore by shape)', new Map(Object.entries(KEYS))],
    ['an async function', async (id: string) => KEYS[id]],
    ['a sync function', (id: string) => KEYS[id]],
    ['a KeyStore written as an object literal', { get: (id: string) => KEYS[id] }],
  ];
  for (const [what, keys] of sources) {
    test(`keys as ${what}: a known key is accepted and an unknown one refused ERR_SIG_UNKNOWN_KEY`, async () => {
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
    for (const options of [{}, { keys: KEYS, window: 0 }, { keys: KEYS, window: 1e308 }, { keys: KEYS, window: 365 * 24 * 3600 + 1 }, { keys: KEYS, require: ['@Method'] }, { keys: KEYS, nonces: {} }]) {
      assert.throws(() => verifySignature(options as VerifySignatureOptions), { code: 'ERR_INVALID_OPTION' }, JSON.stringify(options));
    }
    assert.doesNotThrow(() => verifySignature({ keys: KEYS, window: 365 * 24 * 3600 }));
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

