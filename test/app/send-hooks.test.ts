/**
 * Send hooks (`onSend`) through an app: they run on the answer that
 * actually leaves, after the chain and after what the app answers itself
 * (the 404 for no route, a chain that chose nothing, a thrown error, a
 * custom notFound or onError), once, the last registered first, and before
 * the head is written. An async hook is awaited; a hook that fails has its
 * error answered like a thrown one, and the hooks left still run on that
 * answer. Errors still pass through middleware that does not catch them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Middleware } from '../../src/app/compose.ts';
import { onSend } from '../../src/app/send-hooks.ts';
import { App, HttpError, type Context } from '../../src/index.ts';
import { bounded, codeOf, listen, recordingLogger, sleep } from '../helpers/app.ts';

/** Middleware whose hook stamps the status about to be sent into `X-Seen-<name>`. */
function stamp(name: string, order?: string[]): Middleware<Context> {
  return (c, next) => {
    onSend(c, (c) => {
      order?.push(name);
      c.header(`X-Seen-${name}`, String(c.res.statusCode));
    });
    return next();
  };
}

function quietApp(): { app: App; errors: unknown[] } {
  const { logger, errors } = recordingLogger();
  return { app: new App({ logger }), errors };
}

describe('what a hook sees', () => {
  test('the 404 for a path no route matches, default and custom (async)', async () => {
    const { app } = quietApp();
    app.use(stamp('a'));
    const plain = await app.request('/nowhere');
    assert.equal(plain.status, 404);
    assert.equal(plain.headers.get('x-seen-a'), '404');
    app.notFound(async (c) => {
      await sleep(1);
      c.html('<p>gone</p>', 410);
    });
    const custom = await app.request('/nowhere');
    assert.equal(custom.status, 410);
    assert.equal(custom.headers.get('x-seen-a'), '410');
  });

  test('a route handler that chooses nothing: the 404 it is answered with', async () => {
    const { app } = quietApp();
    app.use(stamp('a'));
    app.get('/silent', () => {});
    const res = await app.request('/silent');
    assert.deepEqual([res.status, codeOf(res), res.headers.get('x-seen-a')], [404, 'ERR_NOT_FOUND', '404']);
  });

  test('a thrown error: the answer it maps to, after passing through middleware that did not catch it', async () => {
    const { app, errors } = quietApp();
    let unwound = false;
    app.use(stamp('a'));
    app.use(async (_c, next) => {
      await next();
      unwound = true;
    });
    app.get('/teapot', () => {
      throw new HttpError(418, 'no coffee', { code: 'ERR_TEAPOT' });
    });
    app.get('/boom', async () => {
      throw new Error('internal detail');
    });
    const teapot = await app.request('/teapot');
    assert.deepEqual([teapot.status, codeOf(teapot), teapot.headers.get('x-seen-a')], [418, 'ERR_TEAPOT', '418']);
    const boom = await app.request('/boom');
    assert.deepEqual([boom.status, codeOf(boom), boom.headers.get('x-seen-a')], [500, 'ERR_INTERNAL', '500']);
    assert.equal(unwound, false, 'Koa order kept: code after next() does not run on an error');
    assert.equal(errors.length, 1);
  });

  test("a custom onError's answer, status included", async () => {
    const { app } = quietApp();
    app.use(stamp('a'));
    app.onError((_error, c) => c.json({ sorry: true }, 503));
    app.get('/boom', () => {
      throw new Error('x');
    });
    const res = await app.request('/boom');
    assert.deepEqual([res.status, res.headers.get('x-seen-a')], [503, '503']);
  });
});

describe('how hooks run', () => {
  test('once each, the last registered first (the outermost middleware last)', async () => {
    const { app } = quietApp();
    const order: string[] = [];
    app.use(stamp('outer', order), stamp('inner', order));
    app.get('/', stamp('route', order), (c) => c.text('ok'));
    const res = await app.request('/');
    assert.deepEqual(order, ['route', 'inner', 'outer']);
    assert.equal(res.headers.get('x-seen-outer'), '200');
  });

  test('an async hook is awaited before the head is written, over a socket too', async (t) => {
    const { app } = quietApp();
    app.use((c, next) => {
      onSend(c, async (c) => {
        await sleep(5);
        c.header('X-Late', 'yes');
      });
      return next();
    });
    app.get('/', (c) => c.text('ok'));
    const server = await listen(t, app);
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { signal: bounded() });
    assert.equal(res.headers.get('x-late'), 'yes');
    assert.equal(await res.text(), 'ok');
  });

  test('a hook that throws has its error answered (500 ERR_INTERNAL, logged); the hooks left run on that answer', async () => {
    const { app, errors } = quietApp();
    app.use(stamp('outer'));
    app.use((c, next) => {
      onSend(c, () => {
        throw new Error('hook broke');
      });
      return next();
    });
    app.get('/', (c) => c.header('X-Dropped', '1').text('fine'));
    const res = await app.request('/');
    assert.deepEqual([res.status, codeOf(res), res.headers.get('x-seen-outer'), res.headers.get('x-dropped')], [500, 'ERR_INTERNAL', '500', null]);
    assert.equal((errors[0] as Error).message, 'hook broke');
  });

  test('an async hook that rejects with an HttpError answers its status', async () => {
    const { app } = quietApp();
    app.use((c, next) => {
      onSend(c, async () => {
        throw new HttpError(409, 'late conflict', { code: 'ERR_LATE' });
      });
      return next();
    });
    app.get('/', (c) => c.text('fine'));
    const res = await app.request('/');
    assert.deepEqual([res.status, codeOf(res)], [409, 'ERR_LATE']);
  });
});
