/**
 * `signRequest` against the server: for every algorithm, what the client
 * signs with WebCrypto verifies with the server's `createVerifier` (on
 * node:crypto); RFC 9421 B.2.5 is reproduced byte for byte; every call
 * has a fresh nonce; bad keys and options fail with stable codes.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { signRequest, type ClientAlgorithm, type SignRequestOptions } from '../../src/client/index.ts';
import type { AlgorithmName } from '../../src/sign/rfc9421/algorithms.ts';
import type { KeyConfig } from '../../src/sign/keys/key-config.ts';
import { createVerifier } from '../../src/sign/verifier.ts';
import { signedRequest } from './signed-request.ts';

// Checked by the compiler: the client signs with exactly the algorithms the server verifies.
const _sameAlgorithms: [ClientAlgorithm, AlgorithmName] = ['' as AlgorithmName, '' as ClientAlgorithm];

const VECTORS = new URL('../../../shared/vectors/rfc9421/', import.meta.url);
const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;
const URL_ORDERS = 'https://api.example.com/orders?from=client';

interface KeyPair {
  readonly client: string;
  readonly server: KeyConfig;
}

function keyPair(alg: ClientAlgorithm): KeyPair {
  if (alg === 'hmac-sha256') return { client: 'a shared secret', server: { alg, secret: 'a shared secret' } };
  const pair = {
    ed25519: () => generateKeyPairSync('ed25519'),
    'ecdsa-p256-sha256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    'ecdsa-p384-sha384': () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    // WebCrypto imports RSA-PSS keys with the rsaEncryption OID only; the server accepts them for rsa-pss-sha512.
    'rsa-pss-sha512': () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
    'rsa-v1_5-sha256': () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  }[alg]();
  return {
    client: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    server: { alg, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  };
}

const ALGS: readonly ClientAlgorithm[] = ['hmac-sha256', 'ed25519', 'ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa-pss-sha512', 'rsa-v1_5-sha256'];

describe('signRequest verifies with the server verifier', () => {
  for (const alg of ALGS) {
    test(`${alg}: a POST with a JSON body and a GET verify`, async () => {
      const { client, server } = keyPair(alg);
      const verifier = createVerifier({ keys: { k1: server } });
      const options: SignRequestOptions = { keyId: 'k1', key: client, alg };
      const headers = { 'Content-Type': 'application/json' };
      const body = JSON.stringify({ sku: 'tea', qty: 2 });
      const post = await signRequest({ method: 'POST', url: URL_ORDERS, headers, body }, options);
      const verified = await verifier.verify(signedRequest('POST', URL_ORDERS, { ...headers, ...post }, body));
      assert.deepEqual({ keyId: verified.keyId, alg: verified.alg }, { keyId: 'k1', alg });
      const get = await signRequest({ method: 'get', url: 'https://api.example.com/' }, options);
      await verifier.verify(signedRequest('GET', 'https://api.example.com/', get));
    });
  }

  test('covers the profile: method, authority, path, query, content-digest, content-type; created, nonce, keyid, alg', async () => {
    const headers = await signRequest(
      { method: 'POST', url: URL_ORDERS, headers: { 'content-type': 'application/json' }, body: '{}' },
      { keyId: 'k1', key: 's', alg: 'hmac-sha256', created: 1700000000, nonce: 'n1' },
    );
    assert.equal(headers['Content-Digest'], 'sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:');
    assert.equal(
      headers['Signature-Input'],
      'sig1=("@method" "@authority" "@path" "@query" "content-digest" "content-type");created=1700000000;nonce="n1";keyid="k1";alg="hmac-sha256"',
    );
    assert.match(headers['Signature']!, /^sig1=:[A-Za-z0-9+/]+=*:$/);
  });

  test('a body changed after signing fails with ERR_SIG_DIGEST, another key with ERR_SIG_INVALID', async () => {
    const verifier = createVerifier({ keys: { k1: { alg: 'hmac-sha256', secret: 'right' } } });
    const sign = (key: string) => signRequest({ method: 'POST', url: URL_ORDERS, body: 'a' }, { keyId: 'k1', key, alg: 'hmac-sha256' });
    await assert.rejects(verifier.verify(signedRequest('POST', URL_ORDERS, await sign('right'), 'b')), code('ERR_SIG_DIGEST'));
    await assert.rejects(verifier.verify(signedRequest('POST', URL_ORDERS, await sign('wrong'), 'a')), code('ERR_SIG_INVALID'));
  });
});

describe('RFC 9421 vectors and parameters', () => {
  const absent = existsSync(VECTORS) ? false : '../shared/vectors/rfc9421 is absent (a clone without ../shared)';
  if (absent) console.log(`RFC 9421 B.2.5 skipped: ${absent}`);
  test('B.2.5 (hmac-sha256): the same inputs reproduce the signature byte for byte', { skip: absent }, async () => {
    const vectors = JSON.parse(readFileSync(new URL('vectors.json', VECTORS), 'utf8')) as {
      request: { headers: Array<[string, string]> };
      cases: Array<{ section: string; 'signature-input': string; signature: string }>;
    };
    const b25 = vectors.cases.find((c) => c.section === 'B.2.5')!;
    const secret = Uint8Array.from(atob(readFileSync(new URL('test-shared-secret.txt', VECTORS), 'utf8').trim()), (c) => c.charCodeAt(0));
    const headers = await signRequest(
      { method: 'POST', url: 'https://example.com/foo?param=Value&Pet=dog', headers: vectors.request.headers },
      {
        keyId: 'test-shared-secret',
        key: secret,
        alg: 'hmac-sha256',
        components: ['date', '@authority', 'content-type'],
        created: 1618884473,
        nonce: false,
        includeAlg: false,
        label: 'sig-b25',
      },
    );
    assert.equal(headers['Signature-Input'], b25['signature-input']);
    assert.equal(headers['Signature'], b25.signature);
  });

  test('two calls have different nonces and a current created', async () => {
    const sign = () => signRequest({ method: 'GET', url: URL_ORDERS }, { keyId: 'k1', key: 's', alg: 'hmac-sha256' });
    const [a, b] = [await sign(), await sign()];
    const nonce = (h: Record<string, string>) => /;nonce="([A-Za-z0-9_-]{22})"/.exec(h['Signature-Input']!)?.[1];
    assert.ok(nonce(a) !== undefined && nonce(b) !== undefined);
    assert.notEqual(nonce(a), nonce(b));
    const created = Number(/;created=(\d+)/.exec(a['Signature-Input']!)?.[1]);
    assert.ok(Math.abs(created - Date.now() / 1000) < 5);
  });

  test('expires and tag are sent when given', async () => {
    const headers = await signRequest(
      { method: 'GET', url: URL_ORDERS },
      { keyId: 'k1', key: 's', alg: 'hmac-sha256', created: 10, expires: 20, nonce: 'n', tag: 'app' },
    );
    assert.match(headers['Signature-Input']!, /;created=10;expires=20;nonce="n";keyid="k1";alg="hmac-sha256";tag="app"$/);
  });
});

describe('bad keys and options', () => {
  test('a PKCS#1 RSA key is refused with ERR_INVALID_KEY and how to convert it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    await assert.rejects(
      signRequest({ method: 'GET', url: URL_ORDERS }, { keyId: 'k', key: pem, alg: 'rsa-v1_5-sha256' }),
      (error: Error & { code?: string }) => error.code === 'ERR_INVALID_KEY' && error.message.includes('openssl pkcs8 -topk8'),
    );
  });

  test('a key of another algorithm is refused with ERR_INVALID_KEY', async () => {
    const { client } = keyPair('ed25519');
    await assert.rejects(signRequest({ method: 'GET', url: URL_ORDERS }, { keyId: 'k', key: client, alg: 'ecdsa-p256-sha256' }), code('ERR_INVALID_KEY'));
    await assert.rejects(signRequest({ method: 'GET', url: URL_ORDERS }, { keyId: 'k', key: '', alg: 'hmac-sha256' }), code('ERR_INVALID_KEY'));
  });

  test('an unknown alg or a missing keyId is ERR_INVALID_OPTION', async () => {
    const alg = 'rsa-sha1' as ClientAlgorithm;
    await assert.rejects(signRequest({ method: 'GET', url: URL_ORDERS }, { keyId: 'k', key: 's', alg }), code('ERR_INVALID_OPTION'));
    await assert.rejects(signRequest({ method: 'GET', url: URL_ORDERS }, { keyId: '', key: 's', alg: 'hmac-sha256' }), code('ERR_INVALID_OPTION'));
  });

  test('a CryptoKey imported by the caller signs as well', async () => {
    const secret = new TextEncoder().encode('s3cret');
    const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const headers = await signRequest({ method: 'GET', url: URL_ORDERS }, { keyId: 'k', key, alg: 'hmac-sha256' });
    await createVerifier({ keys: { k: { alg: 'hmac-sha256', secret } } }).verify(signedRequest('GET', URL_ORDERS, headers));
  });
});
