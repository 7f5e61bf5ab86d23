/**
 * Interop: the npm package `http-message-signatures` (an independent RFC
 * 9421 implementation) verifies responses signed by `signResponses`, as
 * they arrive over a real socket, for hmac-sha256, ed25519 and
 * ecdsa-p256-sha256: its `verifyMessage(config, response, request)` reads
 * the `;req` components from the request that was sent, including the
 * request's own signature (`"signature";req;key="sig1"`). A response
 * checked against another request is not valid for it either.
 *
 * It checks signatures only: the Content-Digest of the body is not its
 * business (RFC 9530), so it is checked here with signwire's
 * `verifyContentDigest`, as a verifier must.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createVerifier, httpbis } from 'http-message-signatures';
import { signRequest } from '../../../src/client/index.ts';
import { App, signResponses, verifyContentDigest, verifySignature, type Server, type SignResponsesOptions } from '../../../src/index.ts';
import { bounded } from '../../helpers/app.ts';

type Alg = 'hmac-sha256' | 'ed25519' | 'ecdsa-p256-sha256';

const CLIENT_SECRET = 'interop client secret';
const REQUIRED = ['@status', 'content-digest', '@method', '@authority', '@path', '@query'];

interface Peer {
  readonly alg: Alg;
  readonly keyId: string;
  readonly signingKey: SignResponsesOptions['key'];
  /** What their verifier takes: the secret, or the public key PEM. */
  readonly verifyingKey: string;
}

function peer(alg: Alg): Peer {
  if (alg === 'hmac-sha256') return { alg, keyId: 'resp-hmac', signingKey: 'interop response secret', verifyingKey: 'interop response secret' };
  const pair = alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { alg, keyId: `resp-${alg}`, signingKey: pair.privateKey, verifyingKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const PEERS: readonly Peer[] = [peer('hmac-sha256'), peer('ed25519'), peer('ecdsa-p256-sha256')];

interface Exchange {
  readonly request: { method: string; url: string; headers: Record<string, string> };
  readonly response: { status: number; headers: Record<string, string> };
  readonly body: Uint8Array;
}

/** Their verdict on a response: true, false, or the name of the error it threw. */
async function theirVerdict(exchange: Exchange, request = exchange.request): Promise<boolean | string | null> {
  try {
    return await httpbis.verifyMessage(
      {
        keyLookup: async (params) => {
          const p = PEERS.find((candidate) => candidate.keyId === params.keyid);
          return p === undefined ? null : { id: p.keyId, algs: [p.alg], verify: createVerifier(p.verifyingKey, p.alg) };
        },
        requiredFields: REQUIRED,
        requiredParams: ['created', 'keyid', 'alg'],
      },
      exchange.response,
      request,
    );
  } catch (error) {
    return (error as Error).name;
  }
}

describe('http-message-signatures verifies responses signed by signResponses', () => {
  const servers: Server[] = [];
  const origins = new Map<Alg, string>();

  before(async () => {
    for (const p of PEERS) {
      const app = new App();
      app.use(signResponses({ keyId: p.keyId, key: p.signingKey, alg: p.alg }));
      app.post('/orders', verifySignature({ keys: { client: { alg: 'hmac-sha256', secret: CLIENT_SECRET } } }), async (c) => c.json({ order: await c.req.json() }, 201));
      app.get('/orders', (c) => c.json({ page: c.req.query('page') ?? '1' }));
      const server = await app.listen({ port: 0, host: '127.0.0.1' });
      servers.push(server);
      origins.set(p.alg, `http://127.0.0.1:${server.port}`);
    }
  });
  after(() => Promise.all(servers.map((server) => server.close({ graceMs: 0 }))));

  async function exchange(alg: Alg, method: string, path: string, body?: string): Promise<Exchange> {
    const url = `${origins.get(alg)!}${path}`;
    const headers: Record<string, string> = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      Object.assign(headers, await signRequest({ method, url, headers, body }, { keyId: 'client', key: CLIENT_SECRET, alg: 'hmac-sha256' }));
    }
    const res = await fetch(url, { method, headers, signal: bounded(5_000), ...(body === undefined ? {} : { body }) });
    const response = { status: res.status, headers: Object.fromEntries(res.headers) };
    return { request: { method, url, headers }, response, body: new Uint8Array(await res.arrayBuffer()) };
  }

  for (const p of PEERS) {
    test(`${p.alg}: a signed POST's 201, bound to "signature";req;key="sig1", is valid for verifyMessage`, async () => {
      const sent = await exchange(p.alg, 'POST', '/orders?currency=EUR', '{"sku":"tea"}');
      assert.equal(sent.response.status, 201);
      assert.match(sent.response.headers['signature-input'] ?? '', /"signature";req;key="sig1"/);
      assert.equal(await theirVerdict(sent), true);
      verifyContentDigest(sent.response.headers['content-digest'], sent.body);
    });

    test(`${p.alg}: an unsigned GET's answer is valid for verifyMessage, and not when checked against another query`, async () => {
      const sent = await exchange(p.alg, 'GET', '/orders?page=2');
      assert.equal(await theirVerdict(sent), true);
      assert.equal(await theirVerdict(sent, { ...sent.request, url: sent.request.url.replace('page=2', 'page=3') }), false);
    });
  }
});
