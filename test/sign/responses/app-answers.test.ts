/**
 * `signResponses` signs what the app answers by itself, after the chain:
 * the 404 for a path no route matches (default or `app.notFound`), the 404
 * of a route that chose nothing, the answer to an error thrown past it (500
 * `ERR_INTERNAL`, an `HttpError`'s 4xx, `app.onError`'s), and the 405 and
 * automatic OPTIONS answers. Each verifies with the client's
 * `verifyResponse` and is bound to its request. Not signed: a request
 * refused before `signResponses` runs (by middleware ahead of it, or a
 * malformed path). In process, then over a socket with fetch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signRequest, verifyResponse, type SentRequest } from '../../../src/client/index.ts';
import { App, HttpError, signResponses, verifySignature, type InProcessResponse, type SignResponsesOptions } from '../../../src/index.ts';
import { bounded, codeOf, listen, recordingLogger } from '../../helpers/app.ts';

const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;
const SIGNER = { keyId: 'api', key: 'app answers secret', alg: 'hmac-sha256' } as const satisfies SignResponsesOptions;
const VERIFY = { key: 'app answers secret', alg: 'hmac-sha256' } as const;
const CLIENT_SECRET = 'app answers client secret';

function signingApp(): App {
  const app = new App({ logger: recordingLogger().logger });
  app.use(signResponses(SIGNER));
  app.get('/orders/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/silent', () => {});
  app.get('/boom', () => {
    throw new Error('internal detail');
  });
  app.get('/teapot', async () => {
    throw new HttpError(418, 'no coffee', { code: 'ERR_TEAPOT', headers: { 'Retry-After': '60' } });
  });
  app.use('/guarded', async (_c, next) => {
    await next();
    throw new HttpError(403, 'changed our mind', { code: 'ERR_LATE_REFUSAL' });
  });
  app.get('/guarded', (c) => c.text('never sent'));
  return app;
}

function plain(res: InProcessResponse): { status: number; headers: Headers; body: Uint8Array } {
  return { status: res.status, headers: res.headers, body: new Uint8Array(res.body) };
}

const sent = (path: string, method = 'GET'): SentRequest => ({ method, url: `http://localhost${path}` });

/** Sends `path` in process and checks status, code and a signature that verifies for that request. */
async function assertSigned(app: App, path: string, status: number, errorCode: string | undefined, method = 'GET'): Promise<InProcessResponse> {
  const res = await app.request(path, { method });
  assert.equal(res.status, status, `${method} ${path}`);
  assert.equal(codeOf(res), errorCode, `${method} ${path}`);
  const verified = await verifyResponse(plain(res), { request: sent(path, method), ...VERIFY });
  assert.equal(verified.keyId, 'api');
  return res;
}

describe('answers the app makes after the chain are signed', () => {
  const app = signingApp();

  test('the 404 for a path no route matches', async () => {
    const res = await assertSigned(app, '/nowhere?x=1', 404, 'ERR_NOT_FOUND');
    assert.match(res.headers.get('signature-input') ?? '', /^reqres=\("@status" "content-type" "content-digest"/);
  });

  test('the 404 of a route whose handler chose nothing', async () => {
    await assertSigned(app, '/silent', 404, 'ERR_NOT_FOUND');
  });

  test('a thrown Error: 500 ERR_INTERNAL', async () => {
    await assertSigned(app, '/boom', 500, 'ERR_INTERNAL');
  });

  test('a thrown 4xx HttpError, with its headers', async () => {
    const res = await assertSigned(app, '/teapot', 418, 'ERR_TEAPOT');
    assert.equal(res.headers.get('retry-after'), '60');
  });

  test('an HttpError thrown by middleware after the route answered replaces that answer, signed', async () => {
    const res = await assertSigned(app, '/guarded', 403, 'ERR_LATE_REFUSAL');
    assert.doesNotMatch(res.body.toString(), /never sent/);
  });

  test('405 with Allow and the automatic OPTIONS answer (204, no digest)', async () => {
    await assertSigned(app, '/orders/7', 405, 'ERR_METHOD_NOT_ALLOWED', 'DELETE');
    const options = await assertSigned(app, '/orders/7', 204, undefined, 'OPTIONS');
    assert.equal(options.headers.get('content-digest'), null);
  });

  test('a signed 404 is bound to its request: checked for another path it is ERR_SIG_INVALID', async () => {
    const res = await app.request('/nowhere');
    await assert.rejects(verifyResponse(plain(res), { request: sent('/elsewhere'), ...VERIFY }), code('ERR_SIG_INVALID'));
  });
});

describe('custom answers and limits', () => {
  test('app.notFound (async) and app.onError answers are signed with the status they chose', async () => {
    const app = new App({ logger: recordingLogger().logger });
    app.use(signResponses(SIGNER));
    app.notFound(async (c) => c.html('<h1>gone</h1>', 410));
    app.onError((_error, c) => c.json({ problem: 'unavailable' }, 503));
    app.get('/boom', () => {
      throw new Error('x');
    });
    await assertSigned(app, '/nowhere', 410, undefined);
    await assertSigned(app, '/boom', 503, undefined);
  });

  test('a request refused before signResponses runs goes out unsigned (ERR_SIG_MISSING)', async () => {
    const app = new App({ logger: recordingLogger().logger });
    app.use(() => {
      throw new HttpError(429, 'slow down', { code: 'ERR_RATE_LIMITED' });
    });
    app.use(signResponses(SIGNER));
    app.get('/', (c) => c.text('hi'));
    const res = await app.request('/');
    assert.equal(res.status, 429);
    await assert.rejects(verifyResponse(plain(res), { request: sent('/'), ...VERIFY }), code('ERR_SIG_MISSING'));
  });

  test('a malformed escape in a routed path is refused before any middleware: 400 ERR_BAD_PATH, unsigned', async () => {
    const app = signingApp();
    const res = await app.request('/orders/%E0%A4');
    assert.deepEqual([res.status, codeOf(res)], [400, 'ERR_BAD_PATH']);
    await assert.rejects(verifyResponse(plain(res), { request: sent('/orders/%E0%A4'), ...VERIFY }), code('ERR_SIG_MISSING'));
  });
});

describe('over a socket, with fetch', () => {
  test('a 404, a 500 and a signed request refused by a handler (409) all verify, each bound to its request', async (t) => {
    const app = new App({ logger: recordingLogger().logger });
    app.use(signResponses(SIGNER));
    app.post('/orders', verifySignature({ keys: { client: { alg: 'hmac-sha256', secret: CLIENT_SECRET } } }), () => {
      throw new HttpError(409, 'duplicate order', { code: 'ERR_DUPLICATE' });
    });
    app.get('/boom', () => {
      throw new Error('internal detail');
    });
    const server = await listen(t, app);
    const origin = `http://127.0.0.1:${server.port}`;
    for (const [path, status] of [['/missing', 404], ['/boom', 500]] as const) {
      const res = await fetch(`${origin}${path}`, { signal: bounded() });
      assert.equal(res.status, status);
      await verifyResponse(res, { request: { method: 'GET', url: `${origin}${path}` }, ...VERIFY });
    }
    const url = `${origin}/orders`;
    const headers = { 'content-type': 'application/json' };
    const added = await signRequest({ method: 'POST', url, headers, body: '{}' }, { keyId: 'client', key: CLIENT_SECRET, alg: 'hmac-sha256' });
    const request = { method: 'POST', url, headers: { ...headers, ...added } };
    const res = await fetch(url, { method: 'POST', headers: request.headers, body: '{}', signal: bounded() });
    assert.equal(res.status, 409);
    assert.match(res.headers.get('signature-input') ?? '', /"signature";req;key="sig1"\)/);
    await verifyResponse(res, { request, ...VERIFY });
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_DUPLICATE');
  });
});
