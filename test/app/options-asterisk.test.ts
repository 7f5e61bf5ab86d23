/**
 * `OPTIONS *` (RFC 9110 §9.3.7: a request about the server as a whole,
 * asterisk-form): the app answers 204 with `Allow` listing every method it
 * serves somewhere, HEAD with GET and OPTIONS always. No route takes it (not
 * even a catch-all), prefix middleware does not run (it expects a path),
 * global middleware does. In process (`app.request('*')`) and over a raw
 * socket, where keep-alive carries on after it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, signResponses } from '../../src/index.ts';
import { verifyResponse } from '../../src/client/index.ts';
import { codeOf, listen, quietApp } from '../helpers/app.ts';
import { parseResponses } from '../helpers/server.ts';
import { exchange } from '../helpers/sockets.ts';

const asterisk = (app: App) => app.request('*', { method: 'OPTIONS' });

describe('OPTIONS * in process', () => {
  test('204, no body, Allow naming every method routed anywhere, HEAD with GET, OPTIONS always', async () => {
    const app = quietApp();
    app.get('/a', (c) => c.text('a'));
    app.post('/b', (c) => c.text('b'));
    app.on('PURGE', '/cache/:key', (c) => c.text('purged'));
    const res = await asterisk(app);
    assert.equal(res.status, 204);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers.get('allow'), 'GET, POST, PURGE, HEAD, OPTIONS');
  });

  test('a route for every method stands for the standard set; an app with no routes allows OPTIONS alone', async () => {
    const app = quietApp();
    app.all('/any', (c) => c.text('any'));
    assert.equal((await asterisk(app)).headers.get('allow'), 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD');
    const empty = await asterisk(quietApp());
    assert.deepEqual([empty.status, empty.headers.get('allow')], [204, 'OPTIONS']);
  });

  test('no route takes it, not even a catch-all; a sub-app mounted under a prefix adds its methods', async () => {
    const app = quietApp();
    let caught = 0;
    app.all('/*', (c) => {
      caught++;
      return c.text('catch-all');
    });
    const sub = quietApp();
    sub.delete('/orders/:id', (c) => c.status(204));
    app.route('/v1', sub);
    const res = await asterisk(app);
    assert.equal(res.status, 204);
    assert.equal(caught, 0);
    assert.ok(res.headers.get('allow')?.includes('DELETE'));
  });

  test('global middleware runs for it; middleware under a prefix does not', async () => {
    const app = quietApp();
    app.use(async (c, next) => {
      await next();
      c.header('X-Global', 'yes');
    });
    app.use('/api', (c) => c.json({ error: { code: 'ERR_DENIED' } }, 403));
    app.get('/api/x', (c) => c.text('x'));
    const res = await asterisk(app);
    assert.deepEqual([res.status, res.headers.get('x-global')], [204, 'yes']);
  });

  test('the answer goes through signResponses like any other', async () => {
    const app = quietApp();
    app.use(signResponses({ keyId: 'api', key: 'asterisk secret', alg: 'hmac-sha256' }));
    app.get('/a', (c) => c.text('a'));
    const res = await asterisk(app);
    assert.equal(res.status, 204);
    assert.match(res.headers.get('signature-input') ?? '', /^reqres=\("@status" "@method";req/);
    // RFC 9112 §3.3: the target URI of "OPTIONS *" has an empty path, so "@path";req is "/".
    const request = { method: 'OPTIONS', url: 'http://localhost/', headers: {} };
    const verified = await verifyResponse({ status: res.status, headers: res.headers, body: new Uint8Array(res.body) }, { request, key: 'asterisk secret', alg: 'hmac-sha256' });
    assert.equal(verified.keyId, 'api');
  });

  test('any other method with "*" is refused by the wire: 400 ERR_HTTP_TARGET', async () => {
    const app = quietApp();
    app.all('/*', (c) => c.text('catch-all'));
    for (const method of ['GET', 'POST', 'HEAD']) {
      const res = await app.request('*', { method });
      assert.equal(res.status, 400, method);
      if (method !== 'HEAD') assert.equal(codeOf(res), 'ERR_HTTP_TARGET');
    }
  });

  test('"/*" is an ordinary path, not the asterisk form: a path without routes is 404', async () => {
    const app = quietApp();
    app.get('/a', (c) => c.text('a'));
    const res = await app.request('/*', { method: 'OPTIONS' });
    assert.deepEqual([res.status, codeOf(res)], [404, 'ERR_NOT_FOUND']);
  });
});

describe('OPTIONS * over a socket', () => {
  test('204 with Allow, and the connection serves the next request', async (t) => {
    const app = quietApp();
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    app.put('/users/:id', (c) => c.status(204));
    const server = await listen(t, app);
    const { data, closed } = await exchange(server.port, 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\nGET /users/7 HTTP/1.1\r\nHost: a\r\n\r\n', 2);
    const [options, next] = parseResponses(data);
    assert.equal(options?.status, 204);
    assert.equal(options?.headers['allow'], 'GET, PUT, HEAD, OPTIONS');
    assert.equal(options?.body.length, 0);
    assert.equal(next?.status, 200);
    assert.equal(next?.body.toString(), '{"id":"7"}');
    assert.equal(closed, false);
  });
});
