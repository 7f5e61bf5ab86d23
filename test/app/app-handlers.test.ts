/**
 * The app's own answers and entry points: custom not-found and error
 * handlers, sync and async, including ones that throw (an error handler
 * that fails is answered 500 ERR_INTERNAL, whatever it threw), and the app
 * itself: `app.request()`, `listen()`, options.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, HttpError, SignwireError, type AppOptions } from '../../src/index.ts';
import { bounded, codeOf, listen, quietApp, recordingLogger, sleep } from '../helpers/app.ts';


describe('notFound and onError handlers', () => {
  test('a custom notFound handler answers unknown paths', async () => {
    const app = quietApp();
    app.notFound((c) => c.json({ error: { code: 'ERR_NO_SUCH_THING' } }, 404));
    const res = await app.request('/nope');
    assert.equal(res.status, 404);
    assert.equal(codeOf(res), 'ERR_NO_SUCH_THING');
  });

  test('an async notFound handler is awaited', async () => {
    const app = quietApp();
    app.notFound(async (c) => {
      await sleep(5);
      c.text('later', 404);
    });
    const res = await app.request('/nope');
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'later');
  });

  test('a notFound handler that sets a body but no status still answers 404', async () => {
    const app = quietApp();
    app.notFound((c) => c.text('nothing here'));
    const res = await app.request('/nope');
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'nothing here');
  });

  test('a notFound handler that throws synchronously is answered 500 ERR_INTERNAL and logged', async () => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.notFound(() => {
      throw new Error('not-found handler broke');
    });
    const res = await app.request('/nope');
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.equal(errors.length, 1);
  });

  test('an async notFound handler that rejects is answered 500 ERR_INTERNAL and logged', async () => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.notFound(async () => {
      await sleep(1);
      throw new Error('async not-found handler broke');
    });
    const res = await app.request('/nope');
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.equal(errors.length, 1);
  });

  test('a notFound handler that throws an HttpError answers with it', async () => {
    const app = quietApp();
    app.notFound(async () => {
      throw new HttpError(410, 'gone', { code: 'ERR_GONE' });
    });
    const res = await app.request('/nope');
    assert.equal(res.status, 410);
    assert.equal(codeOf(res), 'ERR_GONE');
  });

  test('a custom onError handler receives the error and the context and answers', async () => {
    const app = quietApp();
    const seen: unknown[] = [];
    app.onError((error, c) => {
      seen.push(error);
      c.json({ error: { code: 'ERR_CUSTOM', path: c.req.path } }, 503);
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    const res = await app.request('/boom');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { error: { code: 'ERR_CUSTOM', path: '/boom' } });
    assert.equal((seen[0] as Error).message, 'boom');
  });

  test('an unexpected error is logged even when a custom onError answers it', async () => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    const boom = new Error('boom');
    app.onError((_error, c) => c.text('handled', 500));
    app.get('/boom', () => {
      throw boom;
    });
    assert.equal((await app.request('/boom')).status, 500);
    assert.deepEqual(errors, [boom]);
  });

  test('an async onError handler is awaited', async () => {
    const app = quietApp();
    app.onError(async (_error, c) => {
      await sleep(5);
      c.text('handled late', 502);
    });
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    const res = await app.request('/boom');
    assert.equal(res.status, 502);
    assert.equal(await res.text(), 'handled late');
  });

  test('onError also handles errors of bad params and bad queries', async () => {
    const app = quietApp();
    app.onError((error, c) => c.json({ code: error instanceof HttpError ? error.code : 'other' }, 400));
    app.get('/p/:x', (c) => c.text(c.req.query('q') ?? ''));
    assert.deepEqual(await (await app.request('/p/%zz')).json(), { code: 'ERR_BAD_PATH' });
    assert.deepEqual(await (await app.request('/p/ok?q=%zz')).json(), { code: 'ERR_BAD_QUERY' });
  });

  test('an onError handler that throws is answered 500 ERR_INTERNAL and its failure logged', async () => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.onError(() => {
      throw new Error('the error handler broke');
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    const res = await app.request('/boom');
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.ok(errors.some((error) => error instanceof Error && error.message === 'the error handler broke'), 'the failure is logged');
  });

  test('an async onError handler that rejects is answered 500 ERR_INTERNAL, even when it rejects with an HttpError, and logged', async () => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    const broken = new HttpError(422, 'still bad', { code: 'ERR_STILL_BAD' });
    app.onError(async () => {
      await sleep(1);
      throw broken;
    });
    app.get('/boom', () => {
      throw new HttpError(400, 'bad', { code: 'ERR_BAD' });
    });
    const res = await app.request('/boom');
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.ok(errors.includes(broken), 'the failure of the error handler is logged');
  });

  test('an onError handler that sets no response does not turn the error into a 200', async () => {
    const app = quietApp();
    app.onError(() => undefined);
    app.get('/boom', () => {
      throw new Error('boom');
    });
    const res = await app.request('/boom');
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
  });

  test('an onError handler that sets only a body keeps the status of the error', async () => {
    const app = quietApp();
    app.onError((_error, c) => c.text('sorry'));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/teapot', () => {
      throw new HttpError(418, 'short and stout');
    });
    assert.equal((await app.request('/boom')).status, 500);
    assert.equal((await app.request('/teapot')).status, 418);
  });
});

describe('the app itself', () => {
  test('app.request() takes a path, a URL or a Request with method, headers and body', async () => {
    const app = quietApp();
    app.post('/echo/:id', async (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null, type: c.req.header('content-type') ?? null, body: await c.req.text() }));
    const expected = { id: '7', q: 'x', type: 'text/plain', body: 'hello' };
    const init = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' };
    assert.deepEqual(await (await app.request('/echo/7?q=x', init)).json(), expected);
    assert.deepEqual(await (await app.request(new URL('http://localhost/echo/7?q=x'), init)).json(), expected);
    const request = new Request('http://localhost/echo/7?q=x', init);
    assert.deepEqual(await (await app.request(request)).json(), expected);
  });

  test('app.request() and a real socket give the same status, headers and body', async (t) => {
    const app = quietApp();
    app.get('/text', (c) => c.text('hello ✓', 201, { 'X-A': '1' }));
    app.get('/cookie', (c) => c.setCookie('a', '1', { httpOnly: true }).setCookie('b', '2').json({ ok: true }));
    app.post('/only-post', (c) => c.text('p'));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/bad/:x', (c) => c.text(c.req.param('x') ?? ''));
    const server = await listen(t, app);
    const cases: Array<[string, string]> = [['GET', '/text'], ['HEAD', '/text'], ['GET', '/cookie'], ['GET', '/only-post'], ['OPTIONS', '/only-post'], ['GET', '/nope'], ['GET', '/boom'], ['GET', '/bad/%zz']];
    for (const [method, path] of cases) {
      const inProcess = await app.request(path, { method });
      const real = await fetch(`http://127.0.0.1:${server.port}${path}`, { method, signal: bounded() });
      const what = `${method} ${path}`;
      assert.equal(inProcess.status, real.status, what);
      for (const name of ['content-type', 'content-length', 'allow', 'x-a']) assert.equal(inProcess.headers.get(name), real.headers.get(name), `${what} ${name}`);
      assert.deepEqual(inProcess.headers.getSetCookie(), real.headers.getSetCookie(), what);
      assert.deepEqual(inProcess.body, Buffer.from(await real.arrayBuffer()), what);
    }
  });

  test('listen() serves the app on a free port and close() stops it', async () => {
    const app = quietApp();
    app.get('/', (c) => c.text('Hello, World!'));
    const server = await app.listen({ port: 0 });
    try {
      assert.ok(server.port > 0);
      const res = await fetch(`http://127.0.0.1:${server.port}/`, { signal: bounded() });
      assert.equal(await res.text(), 'Hello, World!');
    } finally {
      await server.close({ graceMs: 0 });
    }
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/`, { signal: bounded() }));
  });

  test('invalid options are refused at construction with ERR_INVALID_OPTION', () => {
    const invalid = (error: unknown): boolean => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION';
    assert.throws(() => new App({ trustProxy: -1 }), invalid);
    assert.throws(() => new App({ trustProxy: 1.5 }), invalid);
    assert.throws(() => new App({ limits: { maxBodyBytes: -1 } }), invalid);
    assert.throws(() => new App({ limits: { noSuchLimit: 1 } } as unknown as AppOptions), invalid);
  });
});
