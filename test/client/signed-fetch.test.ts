/**
 * `signedFetch` end to end over a real socket: an App with
 * `verifySignature` on 127.0.0.1 accepts signed GET and POST requests; a
 * retry through signedFetch is signed again and accepted, while the same
 * headers sent again are refused as a replay. Bodies it cannot hash are
 * refused before anything is sent.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { App } from '../../src/app/app.ts';
import { signedFetch } from '../../src/client/index.ts';
import { verifySignature } from '../../src/sign/middleware.ts';

const SECRET = 'end-to-end secret';

async function startApp(t: TestContext): Promise<string> {
  const app = new App();
  const guard = verifySignature({ keys: { e2e: { alg: 'hmac-sha256', secret: SECRET } } });
  app.get('/whoami', guard, (c) => c.json(c.get('signature')));
  app.post('/orders', guard, async (c) => c.json({ order: await c.req.json(), signature: c.get('signature') }, 201));
  app.post('/form', guard, async (c) => c.json(Object.fromEntries(await c.req.form())));
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  return `http://127.0.0.1:${server.port}`;
}

test('signed GET and POST (JSON body) are accepted with the signature in the context', async (t) => {
  const base = await startApp(t);
  const api = signedFetch({ keyId: 'e2e', key: SECRET, alg: 'hmac-sha256' });
  const get = await api(`${base}/whoami?x=1`);
  assert.equal(get.status, 200);
  assert.deepEqual(Object.keys((await get.json()) as object).sort(), ['alg', 'created', 'keyId', 'label', 'scheme']);
  const post = await api(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qty: 2 }) });
  assert.equal(post.status, 201);
  const json = (await post.json()) as { order: unknown; signature: { keyId: string; alg: string } };
  assert.deepEqual(json.order, { qty: 2 });
  assert.equal(json.signature.keyId, 'e2e');
});

test('a URLSearchParams body and a Request input are signed as sent', async (t) => {
  const base = await startApp(t);
  const api = signedFetch({ keyId: 'e2e', key: SECRET, alg: 'hmac-sha256' });
  const form = await api(`${base}/form`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
  assert.equal(form.status, 200, await form.clone().text());
  assert.deepEqual(await form.json(), { a: '1' });
  const request = new Request(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' });
  assert.equal((await api(request)).status, 201);
});

test('a retry through signedFetch is re-signed and accepted; the same headers replayed are ERR_SIG_REPLAYED', async (t) => {
  const base = await startApp(t);
  const sent: Request[] = [];
  const api = signedFetch({
    keyId: 'e2e',
    key: SECRET,
    alg: 'hmac-sha256',
    fetch: (input, init) => {
      const request = new Request(input, init);
      sent.push(request.clone());
      return fetch(request);
    },
  });
  const call = () => api(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"qty":1}' });
  assert.equal((await call()).status, 201);
  assert.equal((await call()).status, 201);
  assert.notEqual(sent[0]!.headers.get('signature'), sent[1]!.headers.get('signature'));
  const replay = await fetch(`${base}/orders`, { method: 'POST', headers: sent[0]!.headers, body: '{"qty":1}' });
  assert.equal(replay.status, 401);
  assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'ERR_SIG_REPLAYED');
});

test('a ReadableStream body is refused before sending: it must be hashed first', async () => {
  let called = false;
  const api = signedFetch({ keyId: 'e2e', key: SECRET, alg: 'hmac-sha256', fetch: async () => ((called = true), new Response()) });
  const body = new ReadableStream({ start: (controller) => controller.close() });
  await assert.rejects(api('http://127.0.0.1:1/x', { method: 'POST', body, duplex: 'half' } as RequestInit), /cannot sign a ReadableStream/);
  assert.equal(called, false);
});
