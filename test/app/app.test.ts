/**
 * Routing through the app: methods, HEAD from GET, automatic OPTIONS, 405
 * with Allow, 404, middleware scoped by prefix, sub-apps (blueprints) with
 * their own middleware. Custom not-found and error handlers, sync and
 * async, including ones that throw, are in app-handlers.test.ts.
 *
 * Behaviour documented here: a route handler that chooses no response
 * (no body, no status) is answered as not found, like an unknown path; a
 * path with repeated slashes is routed, and matched against middleware
 * prefixes, as if they were one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpError, SignwireError, type Context } from '../../src/index.ts';
import { codeOf, quietApp } from '../helpers/app.ts';

function allowOf(res: { headers: Headers }): Set<string> {
  return new Set((res.headers.get('allow') ?? '').split(',').map((method) => method.trim()).filter((m) => m !== ''));
}

/** Middleware that records its name in `c.get('trail')`. */
function trail(name: string) {
  return async (c: Context, next: () => Promise<void>): Promise<void> => {
    c.set('trail', [...((c.get('trail') as string[] | undefined) ?? []), name]);
    await next();
  };
}

function answerTrail(c: Context): void {
  c.json(c.get('trail') ?? []);
}

describe('routes', () => {
  test('each method helper registers a route for its method only', async () => {
    const app = quietApp();
    app.get('/r', (c) => c.text('get'));
    app.post('/r', (c) => c.text('post'));
    app.put('/r', (c) => c.text('put'));
    app.patch('/r', (c) => c.text('patch'));
    app.delete('/r', (c) => c.text('delete'));
    app.options('/r', (c) => c.text('options'));
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const res = await app.request('/r', { method });
      assert.equal(res.status, 200, method);
      assert.equal(await res.text(), method.toLowerCase());
    }
  });

  test('all() answers every method', async () => {
    const app = quietApp();
    app.all('/any', (c) => c.text(c.req.method));
    for (const method of ['GET', 'POST', 'DELETE', 'PATCH']) {
      assert.equal(await (await app.request('/any', { method })).text(), method);
    }
  });

  test('on() registers one handler for several methods, case-insensitively', async () => {
    const app = quietApp();
    app.on(['get', 'Post'], '/m', (c) => c.text(c.req.method));
    assert.equal(await (await app.request('/m', { method: 'POST' })).text(), 'POST');
    assert.equal((await app.request('/m', { method: 'PUT' })).status, 405);
  });

  test('a route without a handler function is refused with ERR_INVALID_OPTION', () => {
    const app = quietApp();
    assert.throws(() => app.get('/x'), (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION');
    assert.throws(
      () => app.get('/x', 'nope' as unknown as () => void),
      (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION',
    );
  });

  test('several handlers on one route run as a chain', async () => {
    const app = quietApp();
    app.get('/chain', trail('first'), trail('second'), answerTrail);
    assert.deepEqual(await (await app.request('/chain')).json(), ['first', 'second']);
  });

  test('params reach the handler; a static route beats a param route registered before it', async () => {
    const app = quietApp();
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    app.get('/users/me', (c) => c.json({ me: true }));
    app.get('/users/*', (c) => c.json({ rest: c.req.param('*') }));
    assert.deepEqual(await (await app.request('/users/me')).json(), { me: true });
    assert.deepEqual(await (await app.request('/users/7')).json(), { id: '7' });
    assert.deepEqual(await (await app.request('/users/7/posts')).json(), { rest: '7/posts' });
  });

  test('a route handler that chooses no response is answered 404 ERR_NOT_FOUND', async () => {
    const app = quietApp();
    app.get('/silent', () => undefined);
    const res = await app.request('/silent');
    assert.equal(res.status, 404);
    assert.equal(codeOf(res), 'ERR_NOT_FOUND');
  });

  test('the path is routed without its query string', async () => {
    const app = quietApp();
    app.get('/q', (c) => c.text('q'));
    assert.equal((await app.request('/q?x=1&y')).status, 200);
  });
});

describe('HEAD, OPTIONS, 405 and 404', () => {
  test('HEAD is answered by the GET route with its status and headers, Content-Length included, and no body', async () => {
    const app = quietApp();
    app.get('/page', (c) => c.text('hello world', 201, { 'X-Page': '1' }));
    const get = await app.request('/page');
    const head = await app.request('/page', { method: 'HEAD' });
    assert.equal(head.status, 201);
    assert.equal(head.headers.get('x-page'), '1');
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'));
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength('hello world')));
    assert.equal(head.body.length, 0);
  });

  test('HEAD goes to the GET route of its path, not to an any-method catch-all', async () => {
    const app = quietApp();
    app.get('/users', (c) => c.text('the users'));
    app.all('/*', (c) => c.text('the catch-all route', 202));
    const head = await app.request('/users', { method: 'HEAD' });
    assert.equal((await app.request('/other', { method: 'HEAD' })).status, 202, 'the catch-all still answers other paths');
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String('the users'.length));
  });

  test('an explicit HEAD route is preferred over GET', async () => {
    const app = quietApp();
    app.get('/h', (c) => c.text('from get'));
    app.on('HEAD', '/h', (c) => c.text('head', 200, { 'X-From': 'head' }));
    const res = await app.request('/h', { method: 'HEAD' });
    assert.equal(res.headers.get('x-from'), 'head');
  });

  test('HEAD of a streamed GET route sends no Content-Length: 0', async () => {
    const app = quietApp();
    app.get('/stream', (c) =>
      c.stream(
        (async function* () {
          yield 'some bytes';
        })(),
      ),
    );
    const head = await app.request('/stream', { method: 'HEAD' });
    assert.equal(head.status, 200);
    // RFC 9110 §8.6: Content-Length in a HEAD response must be what GET would send; GET streams (chunked).
    assert.equal(head.headers.get('content-length'), null);
  });

  test('OPTIONS on a routed path is answered 204 with Allow listing its methods, HEAD and OPTIONS', async () => {
    const app = quietApp();
    app.get('/items', (c) => c.text('list'));
    app.post('/items', (c) => c.text('made'));
    const res = await app.request('/items', { method: 'OPTIONS' });
    assert.equal(res.status, 204);
    assert.deepEqual(allowOf(res), new Set(['GET', 'HEAD', 'POST', 'OPTIONS']));
    assert.equal(res.body.length, 0);
  });

  test('an explicit OPTIONS route replaces the automatic answer', async () => {
    const app = quietApp();
    app.get('/items', (c) => c.text('list'));
    app.options('/items', (c) => c.text('custom', 200));
    const res = await app.request('/items', { method: 'OPTIONS' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'custom');
  });

  test('a method with no route on a routed path is 405 ERR_METHOD_NOT_ALLOWED with Allow', async () => {
    const app = quietApp();
    app.get('/items/:id', (c) => c.text('item'));
    app.delete('/items/:id', (c) => c.status(204));
    const res = await app.request('/items/3', { method: 'PUT' });
    assert.equal(res.status, 405);
    assert.equal(codeOf(res), 'ERR_METHOD_NOT_ALLOWED');
    assert.deepEqual(allowOf(res), new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']));
  });

  test('HEAD on a path with no GET route is 405 with Allow and no body', async () => {
    const app = quietApp();
    app.post('/only-post', (c) => c.text('x'));
    const res = await app.request('/only-post', { method: 'HEAD' });
    assert.equal(res.status, 405);
    assert.deepEqual(allowOf(res), new Set(['POST', 'OPTIONS']));
    assert.equal(res.body.length, 0);
  });

  test('an unknown path is 404 ERR_NOT_FOUND, for OPTIONS too', async () => {
    const app = quietApp();
    app.get('/known', (c) => c.text('k'));
    for (const method of ['GET', 'POST', 'OPTIONS']) {
      const res = await app.request('/unknown', { method });
      assert.equal(res.status, 404, method);
      assert.equal(codeOf(res), 'ERR_NOT_FOUND');
      assert.equal(res.headers.get('allow'), null);
    }
  });

  test('global middleware runs for 404 and 405 answers too', async () => {
    const app = quietApp();
    app.use(async (c, next) => {
      await next();
      c.header('X-Seen', 'yes');
    });
    app.get('/known', (c) => c.text('k'));
    assert.equal((await app.request('/unknown')).headers.get('x-seen'), 'yes');
    assert.equal((await app.request('/known', { method: 'POST' })).headers.get('x-seen'), 'yes');
  });
});

describe('middleware', () => {
  test('global middleware runs for every request in the order added, even when added after the routes', async () => {
    const app = quietApp();
    app.get('/a', answerTrail);
    app.use(trail('one'));
    app.use(trail('two'), trail('three'));
    assert.deepEqual(await (await app.request('/a')).json(), ['one', 'two', 'three']);
  });

  test('prefix middleware on /api matches /api, /api/ and /api/x, but not /apix or /', async () => {
    const app = quietApp();
    app.use('/api', trail('api'));
    for (const path of ['/api', '/api/x', '/api/x/y', '/apix', '/']) app.get(path, answerTrail);
    assert.deepEqual(await (await app.request('/api')).json(), ['api']);
    assert.deepEqual(await (await app.request('/api/')).json(), ['api']);
    assert.deepEqual(await (await app.request('/api/x')).json(), ['api']);
    assert.deepEqual(await (await app.request('/api/x/y')).json(), ['api']);
    assert.deepEqual(await (await app.request('/apix')).json(), []);
    assert.deepEqual(await (await app.request('/')).json(), []);
  });

  test('a prefix with a trailing slash is the same prefix', async () => {
    const app = quietApp();
    app.use('/api/', trail('api'));
    app.get('/api/x', answerTrail);
    app.get('/apix', answerTrail);
    assert.deepEqual(await (await app.request('/api/x')).json(), ['api']);
    assert.deepEqual(await (await app.request('/apix')).json(), []);
  });

  test('a prefix of "/" is global middleware', async () => {
    const app = quietApp();
    app.use('/', trail('root'));
    app.get('/deep/path', answerTrail);
    assert.deepEqual(await (await app.request('/deep/path')).json(), ['root']);
  });

  test('a prefix without a leading slash or use() without middleware is refused', () => {
    const app = quietApp();
    const invalid = (error: unknown): boolean => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION';
    assert.throws(() => app.use('api', trail('x')), invalid);
    assert.throws(() => app.use('/api'), invalid);
  });

  test('prefix middleware guarding /api still runs for paths with repeated slashes (//api/secret, /api//secret)', async () => {
    const app = quietApp();
    app.use('/api', async (c, next) => {
      if (c.req.header('authorization') !== 'Bearer ok') throw new HttpError(401, 'no', { code: 'ERR_AUTH' });
      await next();
    });
    app.get('/api/secret', (c) => c.text('secret'));
    assert.equal((await app.request('/api/secret')).status, 401);
    // new URL('//api/secret', base) would be protocol-relative: give the path in an absolute URL.
    for (const path of ['//api/secret', '///api/secret', '/api//secret', '//api//secret/']) {
      const res = await app.request(`http://localhost${path}`);
      assert.notEqual(res.status, 200, `${path}: the guarded route must not be reached without the middleware`);
      assert.notEqual(await res.text(), 'secret');
    }
  });
});

describe('sub-apps', () => {
  test('a sub-app is mounted under its prefix, its "/" at the prefix itself', async () => {
    const users = quietApp();
    users.get('/', (c) => c.text('list'));
    users.get('/:id', (c) => c.text(`user ${c.req.param('id')}`));
    const app = quietApp();
    app.route('/users', users);
    assert.equal(await (await app.request('/users')).text(), 'list');
    assert.equal(await (await app.request('/users/')).text(), 'list');
    assert.equal(await (await app.request('/users/7')).text(), 'user 7');
    assert.equal((await app.request('/7')).status, 404);
  });

  test("a sub-app's middleware applies to its own routes only, after the parent's global middleware", async () => {
    const v1 = quietApp();
    v1.use(trail('v1'));
    v1.get('/x', answerTrail);
    const app = quietApp();
    app.use(trail('global'));
    app.get('/plain', answerTrail);
    app.route('/v1', v1);
    assert.deepEqual(await (await app.request('/v1/x')).json(), ['global', 'v1']);
    assert.deepEqual(await (await app.request('/plain')).json(), ['global']);
  });

  test("a sub-app's prefix middleware is re-based under the mount prefix", async () => {
    const admin = quietApp();
    admin.use('/secret', trail('secret-only'));
    admin.get('/secret/a', answerTrail);
    admin.get('/open', answerTrail);
    const app = quietApp();
    app.route('/admin', admin);
    assert.deepEqual(await (await app.request('/admin/secret/a')).json(), ['secret-only']);
    assert.deepEqual(await (await app.request('/admin/open')).json(), []);
  });

  test("a sub-app's middleware runs for every path under its prefix, and only there", async () => {
    const sub = quietApp();
    sub.use(trail('sub'));
    sub.get('/a', answerTrail);
    const app = quietApp();
    app.route('/v1', sub);
    app.get('/v1/b', answerTrail);
    app.get('/other', answerTrail);
    assert.deepEqual(await (await app.request('/v1/a')).json(), ['sub']);
    assert.deepEqual(await (await app.request('/v1/b')).json(), ['sub']);
    assert.deepEqual(await (await app.request('/other')).json(), []);
  });

  test("a sub-app's middleware sees 404s and automatic OPTIONS answers under its prefix (CORS preflight)", async () => {
    const sub = quietApp();
    sub.use(async (c, next) => {
      await next();
      c.header('Access-Control-Allow-Origin', '*');
    });
    sub.post('/orders', (c) => c.text('created', 201));
    const app = quietApp();
    app.route('/v1', sub);
    const preflight = await app.request('/v1/orders', { method: 'OPTIONS' });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal((await app.request('/v1/missing')).headers.get('access-control-allow-origin'), '*');
    assert.equal((await app.request('/missing')).headers.get('access-control-allow-origin'), null);
  });

  test('a sub-app mounted at "/" keeps its paths', async () => {
    const sub = quietApp();
    sub.get('/', (c) => c.text('root'));
    sub.get('/x', (c) => c.text('x'));
    const app = quietApp();
    app.route('/', sub);
    assert.equal(await (await app.request('/')).text(), 'root');
    assert.equal(await (await app.request('/x')).text(), 'x');
  });

  test('nested sub-apps keep the middleware of every level', async () => {
    const inner = quietApp();
    inner.use(trail('inner'));
    inner.get('/leaf', answerTrail);
    const middle = quietApp();
    middle.use(trail('middle'));
    middle.route('/in', inner);
    const app = quietApp();
    app.use(trail('outer'));
    app.route('/mid', middle);
    assert.deepEqual(await (await app.request('/mid/in/leaf')).json(), ['outer', 'middle', 'inner']);
  });

  test("a sub-app's middleware still runs when the path starts with //", async () => {
    const admin = quietApp();
    admin.use(() => {
      throw new HttpError(403, 'no', { code: 'ERR_FORBIDDEN' });
    });
    admin.get('/panel', (c) => c.text('panel'));
    const app = quietApp();
    app.route('/admin', admin);
    assert.equal((await app.request('/admin/panel')).status, 403);
    assert.equal((await app.request('http://localhost//admin/panel')).status, 403);
  });

  test('c.mountPath is the full prefix a middleware was mounted at, through app.use and sub-apps', async () => {
  const record = (label: string) => async (c: Context, next: () => Promise<void>) => {
    c.set('mounts', [...((c.get('mounts') as string[] | undefined) ?? []), `${label}:${c.mountPath}`]);
    await next();
  };
  const sub = quietApp();
  sub.use(record('sub'));
  sub.use('/files', record('files'));
  sub.get('/files/a.txt', (c) => c.json(c.get('mounts')));
  const app = quietApp();
  app.use('/v1', record('top'));
  app.route('/v1', sub);
  assert.deepEqual(await (await app.request('/v1/files/a.txt')).json(), ['top:/v1', 'sub:/v1', 'files:/v1/files']);
  });

  test('a sub-app route conflicting with a parent route is refused', () => {
    const sub = quietApp();
    sub.get('/x', (c) => c.text('sub'));
    const app = quietApp();
    app.get('/v1/x', (c) => c.text('parent'));
    assert.throws(() => app.route('/v1', sub), (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION');
  });
});
