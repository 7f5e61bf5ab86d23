/**
 * Signed responses over a real socket: an App with `signResponses`
 * (hmac-sha256, ed25519, ecdsa-p256-sha256) answers requests sent with
 * Node's fetch; `verifyResponse` accepts what arrived, and refuses the same
 * response replayed for another request (path, method, query, or another
 * signature of the same request), a changed body (ERR_SIG_DIGEST) and a
 * changed status or content type (ERR_SIG_INVALID).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signRequest, verifyResponse, type ClientKeyConfig, type SentRequest } from '../../../src/client/index.ts';
import { App, signResponses, verifySignature, type Server, type SignResponsesOptions } from '../../../src/index.ts';
import { bounded } from '../../helpers/app.ts';

type Alg = 'hmac-sha256' | 'ed25519' | 'ecdsa-p256-sha256';

const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;
const CLIENT_SECRET = 'round-trip client secret';

interface Plain {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

function serverKey(alg: Alg): { sign: SignResponsesOptions['key']; verify: ClientKeyConfig } {
  if (alg === 'hmac-sha256') return { sign: 'round-trip response secret', verify: { alg, secret: 'round-trip response secret' } };
  const pair = alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { sign: privatePem, verify: { alg, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() } };
}

/** Sends `request` with fetch and keeps what arrived as plain values, to verify as is or tampered. */
async function send(request: SentRequest, body?: string): Promise<Plain> {
  const res = await fetch(request.url, { method: request.method, headers: request.headers as Record<string, string>, signal: bounded(5_000), ...(body === undefined ? {} : { body }) });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: new Uint8Array(await res.arrayBuffer()) };
}

for (const alg of ['hmac-sha256', 'ed25519', 'ecdsa-p256-sha256'] as const) {
  describe(`${alg}: signResponses over a socket, verifyResponse with fetch`, () => {
    const key = serverKey(alg);
    const keys = { [`api-${alg}`]: key.verify };
    let server: Server;
    let origin: string;

    before(async () => {
      const app = new App();
      app.use(signResponses({ keyId: `api-${alg}`, key: key.sign, alg }));
      app.post('/orders', verifySignature({ keys: { client: { alg: 'hmac-sha256', secret: CLIENT_SECRET } } }), async (c) => c.json({ order: await c.req.json() }, 201));
      app.get('/orders/:id', (c) => c.json({ id: c.req.param('id'), view: c.req.query('view') ?? null }));
      server = await app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${server.port}`;
    });
    after(() => server?.close({ graceMs: 0 }));

    const signedPost = async (body: string): Promise<SentRequest> => {
      const url = `${origin}/orders?currency=EUR`;
      const headers = { 'content-type': 'application/json' };
      const added = await signRequest({ method: 'POST', url, headers, body }, { keyId: 'client', key: CLIENT_SECRET, alg: 'hmac-sha256' });
      return { method: 'POST', url, headers: { ...headers, ...added } };
    };

    test('a signed POST: the 201 verifies (fetch Response), bound to the request signature', async () => {
      const request = await signedPost('{"sku":"tea"}');
      const res = await fetch(request.url, { method: 'POST', headers: request.headers as Record<string, string>, body: '{"sku":"tea"}', signal: bounded(5_000) });
      assert.equal(res.status, 201);
      assert.match(res.headers.get('signature-input') ?? '', /"signature";req;key="sig1"\);created=\d+;keyid="api-/);
      const verified = await verifyResponse(res, { request, keys });
      assert.deepEqual({ ...verified, created: 0 }, { keyId: `api-${alg}`, alg, label: 'reqres', created: 0 });
      assert.deepEqual(await res.json(), { order: { sku: 'tea' } });
    });

    test('an unsigned GET: the answer verifies', async () => {
      const request = { method: 'GET', url: `${origin}/orders/7?view=full` };
      assert.equal((await verifyResponse(await send(request), { request, keys })).keyId, `api-${alg}`);
    });

    test('replayed for another path, method or query: ERR_SIG_INVALID', async () => {
      const request = { method: 'GET', url: `${origin}/orders/7?view=full` };
      const response = await send(request);
      for (const other of [
        { method: 'GET', url: `${origin}/orders/8?view=full` },
        { method: 'DELETE', url: request.url },
        { method: 'GET', url: `${origin}/orders/7?view=summary` },
      ]) {
        await assert.rejects(verifyResponse(response, { request: other, keys }), code('ERR_SIG_INVALID'), other.url);
      }
    });

    test('replayed for the same request signed again (another signature): ERR_SIG_INVALID', async () => {
      const first = await signedPost('{"sku":"tea"}');
      const response = await send(first, '{"sku":"tea"}');
      await verifyResponse(response, { request: first, keys });
      await assert.rejects(verifyResponse(response, { request: await signedPost('{"sku":"tea"}'), keys }), code('ERR_SIG_INVALID'));
    });

    test('a changed body: ERR_SIG_DIGEST; a changed status or content type: ERR_SIG_INVALID', async () => {
      const request = { method: 'GET', url: `${origin}/orders/7?view=full` };
      const response = await send(request);
      const body = new TextEncoder().encode('{"id":"8","view":"full"}');
      await assert.rejects(verifyResponse({ ...response, body }, { request, keys }), code('ERR_SIG_DIGEST'));
      await assert.rejects(verifyResponse({ ...response, status: 203 }, { request, keys }), code('ERR_SIG_INVALID'));
      const retyped = { ...response, headers: { ...response.headers, 'content-type': 'text/html' } };
      await assert.rejects(verifyResponse(retyped, { request, keys }), code('ERR_SIG_INVALID'));
    });
  });
}
