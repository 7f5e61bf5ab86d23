/**
 * Interop with an independent RFC 9421 implementation, the npm package
 * `http-message-signatures` (dhensby/node-http-message-signatures), over
 * real sockets, for hmac-sha256, ed25519, ecdsa-p256-sha256 and
 * rsa-pss-sha512:
 *
 * (a) a request it signs (covering "@method" "@authority" "@path" "@query"
 *     "content-digest" "content-type", with created, expires, nonce, keyid,
 *     alg; Content-Digest computed with signwire's `contentDigest`) is sent
 *     with fetch to an App behind `verifySignature`, which accepts it;
 * (b) a request signed by signwire's client (`signRequest`) is sent with
 *     fetch to a node:http server on which its `verifyMessage` checks what
 *     arrived, and finds it valid.
 *
 * Differences found, each pinned by a test below:
 * - rsa-pss-sha512: its `createSigner` signs with Node's default PSS salt
 *   length (the maximum, 190 bytes for a 2048-bit key), where RFC 9421
 *   §3.3.1 says "The salt length (sLen) is 64 bytes" for signing and for
 *   verifying. signwire verifies with 64, as the RFC says, so the stock
 *   signer is refused ERR_SIG_INVALID; a signer with salt 64 is accepted.
 *   Their verifier accepts any salt length, so (b) passes. Their bug.
 * - "@path" / "@query": it derives them with `new URL()`, which removes dot
 *   segments and percent-encodes characters such as "'" (WHATWG URL);
 *   signwire takes them as sent. Requests built with fetch agree (fetch
 *   applies the same URL parser before sending); a raw target such as
 *   `/orders?name=O'Brien` verifies at signwire and not at their verifier.
 *   RFC 9421 §2.2.7 signs "the entire normalized query string", and under
 *   RFC 3986 normalization "URIs that differ in the replacement of a reserved
 *   character with its corresponding percent-encoded octet are not
 *   equivalent" (§2.2; "'" is a sub-delim): their deviation, on raw requests.
 * - ecdsa-p256-sha256: both use r‖s (IEEE P1363, 64 bytes) as §3.3.4 says.
 *   Keys: both take PEM or KeyObject (server side); signwire's client takes
 *   PKCS#8 PEM (WebCrypto), which needs a plain "rsa" key for rsa-pss-sha512.
 */
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, randomUUID, sign as nodeSign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createSigner, createVerifier, httpbis, type SigningKey as PeerSigningKey } from 'http-message-signatures';
import { signRequest, type ClientAlgorithm } from '../../src/client/index.ts';
import { App, contentDigest, verifySignature, type KeyConfig, type Server } from '../../src/index.ts';
import { ALGORITHMS, serializeSignature, serializeSignatureInput, signatureBase, signatureBaseBytes } from '../../src/sign/rfc9421/index.ts';

type Alg = Extract<ClientAlgorithm, 'hmac-sha256' | 'ed25519' | 'ecdsa-p256-sha256' | 'rsa-pss-sha512'>;

interface Peer {
  readonly alg: Alg;
  readonly keyId: string;
  /** What http-message-signatures signs with (Node KeyLike) and verifies with. */
  readonly signingKey: string;
  readonly verifyingKey: string;
  /** What signwire's server verifies with and its client signs with (PKCS#8 PEM or secret). */
  readonly serverKey: KeyConfig;
  readonly clientKey: string;
}

const SECRET = 'interop-shared-secret-31f7';
const COMPONENTS = ['@method', '@authority', '@path', '@query', 'content-digest', 'content-type'];

function asymmetric(alg: Exclude<Alg, 'hmac-sha256'>, keyId: string, pair: { privateKey: KeyObject; publicKey: KeyObject }): Peer {
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { alg, keyId, signingKey: privatePem, verifyingKey: publicPem, serverKey: { alg, publicKey: publicPem }, clientKey: privatePem };
}

const PEERS: readonly Peer[] = [
  { alg: 'hmac-sha256', keyId: 'peer-hmac', signingKey: SECRET, verifyingKey: SECRET, serverKey: { alg: 'hmac-sha256', secret: SECRET }, clientKey: SECRET },
  asymmetric('ed25519', 'peer-ed25519', generateKeyPairSync('ed25519')),
  asymmetric('ecdsa-p256-sha256', 'peer-p256', generateKeyPairSync('ec', { namedCurve: 'P-256' })),
  asymmetric('rsa-pss-sha512', 'peer-rsa-pss', generateKeyPairSync('rsa', { modulusLength: 2048 })),
];
const peer = (alg: Alg): Peer => PEERS.find((p) => p.alg === alg)!;

/** A signer that follows RFC 9421 §3.3.1 (salt 64 bytes), through their SigningKey interface. */
function pssSalt64Signer(p: Peer): PeerSigningKey {
  return {
    id: p.keyId,
    alg: 'rsa-pss-sha512',
    sign: async (data) => nodeSign('sha512', data, { key: p.signingKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }),
  };
}

interface Sent {
  readonly status: number;
  readonly json: { signature?: unknown; error?: { code: string }; verified?: unknown };
}

async function send(url: string, init: { method: string; headers: Record<string, string | string[]>; body?: string }): Promise<Sent> {
  const headers = Object.entries(init.headers).map(([n, v]): [string, string] => [n, Array.isArray(v) ? v.join(', ') : v]);
  const res = await fetch(url, { method: init.method, headers, signal: AbortSignal.timeout(5_000), ...(init.body === undefined ? {} : { body: init.body }) });
  return { status: res.status, json: (await res.json()) as Sent['json'] };
}

describe('(a) signed by http-message-signatures, verified by signwire over a socket', () => {
  let server: Server;
  let origin: string;

  before(async () => {
    const app = new App();
    const keys = Object.fromEntries(PEERS.map((p) => [p.keyId, p.serverKey]));
    const verify = verifySignature({ keys });
    app.post('/orders', verify, (c) => c.json({ signature: c.get('signature') }, 201));
    app.get('/orders', verify, (c) => c.json({ signature: c.get('signature') }));
    server = await app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${server.port}`;
  });
  after(() => server?.close({ graceMs: 0 }));

  async function peerSigned(key: PeerSigningKey, method: string, path: string, body?: string): Promise<Sent> {
    const url = `${origin}${path}`;
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json', 'content-digest': contentDigest(body) };
    const signed = await httpbis.signMessage(
      {
        key,
        fields: body === undefined ? COMPONENTS.slice(0, 4) : COMPONENTS,
        params: ['created', 'expires', 'nonce', 'keyid', 'alg'],
        paramValues: { nonce: randomUUID() },
      },
      { method, url, headers },
    );
    return send(url, { method, headers: signed.headers, ...(body === undefined ? {} : { body }) });
  }

  for (const p of PEERS) {
    const how = p.alg === 'rsa-pss-sha512' ? ' (a signer with salt 64, see below)' : '';
    test(`${p.alg}: a POST it signs${how} is accepted, and c.get("signature") names its key`, async () => {
      const key = p.alg === 'rsa-pss-sha512' ? pssSalt64Signer(p) : createSigner(p.signingKey, p.alg, p.keyId);
      const res = await peerSigned(key, 'POST', '/orders?currency=EUR&batch=7', JSON.stringify({ sku: 'tea', qty: 2 }));
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.deepEqual(
        { ...(res.json.signature as object), created: 0 },
        { keyId: p.keyId, alg: p.alg, scheme: 'rfc9421', label: 'sig', created: 0 },
      );
    });
  }

  test('rsa-pss-sha512: its stock createSigner (salt = maximum, not 64 as RFC 9421 §3.3.1 says) is refused ERR_SIG_INVALID', async () => {
    const p = peer('rsa-pss-sha512');
    const res = await peerSigned(createSigner(p.signingKey, p.alg, p.keyId), 'POST', '/orders', '{}');
    assert.deepEqual([res.status, res.json.error?.code], [401, 'ERR_SIG_INVALID']);
  });

  const targets = ['/orders', '/orders?page=2', "/orders?name=O'Brien&q=caf%C3%A9&q=2&empty=", '/orders?a+b=c%2Bd'];
  for (const target of targets) {
    test(`hmac-sha256: a GET of ${target} it signs (its "@query" through new URL(), as fetch sends it) is accepted`, async () => {
      const p = peer('hmac-sha256');
      const res = await peerSigned(createSigner(p.signingKey, p.alg, p.keyId), 'GET', target);
      assert.equal(res.status, 200, JSON.stringify(res.json));
    });
  }
});

describe('(b) signed by signwire signRequest, verified by http-message-signatures on a node:http server', () => {
  let server: http.Server;
  let origin: string;

  /** Verifies each request as it arrived; answers { verified } or { verified: false, error }. */
  async function verifyArrived(req: http.IncomingMessage): Promise<{ verified: unknown; error?: string }> {
    const url = `http://${req.headers.host ?? ''}${req.url ?? ''}`;
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string | string[]] => e[1] !== undefined));
    try {
      const verified = await httpbis.verifyMessage(
        {
          keyLookup: async (params) => {
            const p = PEERS.find((candidate) => candidate.keyId === params.keyid);
            return p === undefined ? null : { id: p.keyId, algs: [p.alg], verify: createVerifier(p.verifyingKey, p.alg) };
          },
          requiredFields: COMPONENTS.slice(0, 4),
          requiredParams: ['created', 'nonce', 'keyid'],
        },
        { method: req.method ?? '', url, headers },
      );
      return { verified };
    } catch (error) {
      return { verified: false, error: (error as Error).name };
    }
  }

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        void verifyArrived(req).then((answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function signwireSigned(p: Peer, method: string, path: string, body?: string, tamper: (url: string) => string = (u) => u): Promise<Sent> {
    const url = `${origin}${path}`;
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const added = await signRequest({ method, url, headers, body }, { keyId: p.keyId, key: p.clientKey, alg: p.alg });
    return send(tamper(url), { method, headers: { ...headers, ...added }, ...(body === undefined ? {} : { body }) });
  }

  for (const p of PEERS) {
    test(`${p.alg}: a POST signed by signRequest is valid for verifyMessage`, async () => {
      const res = await signwireSigned(p, 'POST', '/orders?currency=EUR&batch=7', JSON.stringify({ sku: 'tea', qty: 2 }));
      assert.deepEqual(res.json, { verified: true });
    });
  }

  for (const target of ['/orders', '/orders?page=2', "/orders?name=O'Brien&q=caf%C3%A9&q=2&empty="]) {
    test(`hmac-sha256: a GET of ${target} signed by signRequest is valid for verifyMessage`, async () => {
      assert.deepEqual((await signwireSigned(peer('hmac-sha256'), 'GET', target)).json, { verified: true });
    });
  }

  test('a signRequest-signed request whose query is changed in transit is not valid for verifyMessage', async () => {
    const res = await signwireSigned(peer('ed25519'), 'GET', '/orders?page=2', undefined, (url) => url.replace('page=2', 'page=3'));
    assert.deepEqual(res.json, { verified: false });
  });

  test("a raw target /orders?name=O'Brien signed as sent verifies at signwire but not at verifyMessage (it re-encodes ' through new URL())", async () => {
    const target = "/orders?name=O'Brien";
    const app = new App();
    app.get('/orders', verifySignature({ keys: { [peer('hmac-sha256').keyId]: peer('hmac-sha256').serverKey } }), (c) => c.json({ verified: true }));
    const ours = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const theirs = new URL(origin).port;
      const atSignwire = await rawGet(ours.port, target, rawSigned(`127.0.0.1:${ours.port}`, target));
      const atPeer = await rawGet(Number(theirs), target, rawSigned(`127.0.0.1:${theirs}`, target));
      assert.deepEqual([atSignwire, atPeer], [{ verified: true }, { verified: false }]);
    } finally {
      await ours.close({ graceMs: 0 });
    }
  });
});

/** Signature headers for a GET of `target` exactly as it will be sent (building blocks, not URL-normalised). */
function rawSigned(authority: string, target: string): Record<string, string> {
  const p = peer('hmac-sha256');
  const [path = '', search = ''] = target.split('?');
  const message = { method: 'GET', target, path, search, authority, scheme: 'http', header: () => undefined };
  const components = COMPONENTS.slice(0, 4);
  const params = { created: Math.floor(Date.now() / 1000), nonce: randomUUID(), keyid: p.keyId };
  const signature = ALGORITHMS['hmac-sha256'].sign(SECRET, signatureBaseBytes(signatureBase(message, components, params)));
  return {
    'signature-input': serializeSignatureInput([{ label: 'sig1', components, params }]),
    signature: serializeSignature([{ label: 'sig1', signature }]),
  };
}

/** GET with node:http, which sends the path exactly as given. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false, timeout: 5_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}
