/**
 * `c.req`: method, path and url, query strings and route params with strict
 * percent-decoding (a bad escape is a 400 with a stable code, never a crash),
 * headers, cookies, bodies (exact bytes read once, text with its charset,
 * JSON, an unbuffered stream under the body limit), and the client address,
 * host and scheme with and without `trustProxy`.
 *
 * Documented here: the query string is parsed lazily, so a bad escape in it
 * is only an error for a handler that reads the query; `latin1` /
 * `iso-8859-1` decode as windows-1252 (the WHATWG Encoding Standard, as
 * browsers do).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, type AppOptions, type Context, type InProcessInit } from '../../src/index.ts';
import { RawClient } from '../helpers/sockets.ts';
import { bounded, codeOf, listen, quietApp, recordingLogger } from '../helpers/app.ts';

/** An app with one route that answers `pick(c)` as JSON. */
function probe(pattern: string, pick: (c: Context) => unknown, options: AppOptions = {}): App {
  const app = quietApp(options);
  app.all(pattern, async (c) => c.json(await pick(c)));
  return app;
}

async function ask(app: App, path: string, init?: InProcessInit): Promise<unknown> {
  const res = await app.request(path, init);
  assert.equal(res.status, 200, `${path}: ${res.body.toString()}`);
  return res.json();
}

describe('method, path and url', () => {
  test('method, raw path and url are what the client sent', async () => {
    const app = probe('/users/:id', (c) => ({ method: c.req.method, path: c.req.path, url: c.req.url }));
    assert.deepEqual(await ask(app, '/users/a%20b?q=x&y', { method: 'PATCH', headers: { host: 'api.example:8080' } }), {
      method: 'PATCH',
      path: '/users/a%20b',
      url: 'http://api.example:8080/users/a%20b?q=x&y',
    });
  });

  test('header() is case-insensitive and joins repeated fields', async () => {
    const app = probe('/', (c) => ({ one: c.req.header('X-One'), many: c.req.header('x-many'), none: c.req.header('x-none') ?? null }));
    const headers: Array<[string, string]> = [['x-one', 'a'], ['X-Many', '1'], ['x-many', '2']];
    assert.deepEqual(await ask(app, '/', { headers }), { one: 'a', many: '1, 2', none: null });
  });
});

describe('query', () => {
  const app = probe('/q', (c) => ({ a: c.req.query('a') ?? null, all: c.req.queries('a'), b: c.req.query('b') ?? null, none: c.req.queries('none') }));

  test('query() gives the first value and queries() every value in order; absent names give undefined and []', async () => {
    assert.deepEqual(await ask(app, '/q?a=1&b=x&a=2&a=3'), { a: '1', all: ['1', '2', '3'], b: 'x', none: [] });
    assert.deepEqual(await ask(app, '/q'), { a: null, all: [], b: null, none: [] });
  });

  test('"+" decodes to a space and %2B to a plus sign, in names and values', async () => {
    assert.deepEqual(await ask(app, '/q?a=x+y%2Bz&b=%E2%9C%93'), { a: 'x y+z', all: ['x y+z'], b: '✓', none: [] });
    const names = probe('/q', (c) => ({ spaced: c.req.query('my name') ?? null }));
    assert.deepEqual(await ask(names, '/q?my+name=v'), { spaced: 'v' });
  });

  test('a name without "=" has an empty value, and a value keeps later "=" signs', async () => {
    assert.deepEqual(await ask(app, '/q?a&b=k=v'), { a: '', all: [''], b: 'k=v', none: [] });
  });

  for (const bad of ['a=%', 'a=%zz', 'a=%E0%A4%A', '%ZZ=1', 'a=%C3%28']) {
    test(`a malformed escape in the query (${bad}) is 400 ERR_BAD_QUERY`, async () => {
      const res = await app.request(`/q?${bad}`);
      assert.equal(res.status, 400);
      assert.equal(codeOf(res), 'ERR_BAD_QUERY');
    });
  }

  test('a malformed query is no error for a handler that does not read the query', async () => {
    const lazy = quietApp();
    lazy.get('/', (c) => c.text('fine'));
    assert.equal((await lazy.request('/?a=%zz')).status, 200);
  });
});

describe('route params', () => {
  const app = probe('/files/:name', (c) => ({ name: c.req.param('name') }));

  test('params are percent-decoded: %2F becomes "/", UTF-8 escapes become characters, "+" stays', async () => {
    assert.deepEqual(await ask(app, '/files/a%2Fb'), { name: 'a/b' });
    assert.deepEqual(await ask(app, '/files/%E2%9C%93%20ok'), { name: '✓ ok' });
    assert.deepEqual(await ask(app, '/files/a+b'), { name: 'a+b' });
    assert.deepEqual(await ask(app, '/files/caf%C3%A9'), { name: 'café' });
  });

  test('params() lists every decoded param', async () => {
    const both = probe('/u/:user/p/:post', (c) => c.req.params());
    assert.deepEqual(await ask(both, '/u/ann%40x/p/1%202'), { user: 'ann@x', post: '1 2' });
  });

  test('a wildcard capture is decoded as a whole', async () => {
    const wild = probe('/static/*', (c) => ({ rest: c.req.param('*') }));
    assert.deepEqual(await ask(wild, '/static/a%20b/c%2Fd'), { rest: 'a b/c/d' });
  });

  for (const bad of ['%', '%zz', '%E0%A4%A', '%C3%28', 'ok%FF']) {
    test(`a malformed escape in a param (${bad}) is 400 ERR_BAD_PATH`, async () => {
      const res = await app.request(`/files/${bad}`);
      assert.equal(res.status, 400);
      assert.equal(codeOf(res), 'ERR_BAD_PATH');
    });
  }

  test('a malformed escape in a param does not run the handler or crash the server', async (t) => {
    let ran = false;
    const guarded = quietApp();
    guarded.get('/files/:name', (c) => {
      ran = true;
      c.text('x');
    });
    const server = await listen(t, guarded);
    const bad = await fetch(`http://127.0.0.1:${server.port}/files/%E0%A4%A`, { signal: bounded() });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'ERR_BAD_PATH');
    assert.equal(ran, false);
    const good = await fetch(`http://127.0.0.1:${server.port}/files/ok`, { signal: bounded() });
    assert.equal(good.status, 200);
  });
});

describe('cookies', () => {
  const app = probe('/', (c) => ({ a: c.req.cookie('a') ?? null, b: c.req.cookie('b') ?? null, c: c.req.cookie('c') ?? null, none: c.req.cookie('none') ?? null }));

  test('cookie() reads a Cookie header by name; quotes are removed, values are not decoded', async () => {
    assert.deepEqual(await ask(app, '/', { headers: { cookie: 'a=1; b="quoted"; c=x%20y' } }), { a: '1', b: 'quoted', c: 'x%20y', none: null });
  });

  test('the first of two cookies with the same name wins, across several Cookie fields', async () => {
    const headers: Array<[string, string]> = [['cookie', 'a=first'], ['cookie', 'a=second; b=2']];
    assert.deepEqual(await ask(app, '/', { headers }), { a: 'first', b: '2', c: null, none: null });
  });

  test('no Cookie header gives undefined', async () => {
    assert.deepEqual(await ask(app, '/'), { a: null, b: null, c: null, none: null });
  });
});

describe('bodies', () => {
  test('body() is the exact bytes sent, as a Buffer', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a, 0xc3, 0x28, 0x7f]);
    const app = quietApp();
    app.post('/echo', async (c) => {
      const body = await c.req.body();
      assert.ok(Buffer.isBuffer(body));
      c.body(body);
    });
    const res = await app.request('/echo', { method: 'POST', body: bytes });
    assert.deepEqual(res.body, bytes);
  });

  test('body() read twice gives the same bytes, and json() after body() still works (a signature check, then the handler)', async () => {
    const app = quietApp();
    const raw = '{"amount": 10, "note": "✓"}';
    app.use(async (c, next) => {
      const bytes = await c.req.body();
      c.set('digest', bytes.toString('base64'));
      await next();
    });
    app.post('/orders', async (c) => {
      const again = await c.req.body();
      c.json({ same: again.toString('base64') === c.get('digest'), parsed: await c.req.json(), text: await c.req.text() }, 201);
    });
    const res = await app.request('/orders', { method: 'POST', body: raw, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { same: true, parsed: { amount: 10, note: '✓' }, text: raw });
  });

  test('body() with no body is an empty Buffer', async () => {
    const app = probe('/', async (c) => ({ length: (await c.req.body()).length }));
    assert.deepEqual(await ask(app, '/'), { length: 0 });
  });

  const text = probe('/text', (c) => c.req.text());
  const charsets: Array<[string, Buffer, string]> = [
    ['text/plain', Buffer.from('héllo ✓'), 'héllo ✓'],
    ['text/plain; charset=UTF-8', Buffer.from('héllo ✓'), 'héllo ✓'],
    ['text/plain; charset="utf-8"', Buffer.from('héllo'), 'héllo'],
    ['text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'café'],
    ['text/plain;charset=latin1', Buffer.from([0xa3, 0x31]), '£1'],
    ['text/plain; charset=utf-16le', Buffer.from('hé', 'utf16le'), 'hé'],
  ];
  for (const [type, bytes, expected] of charsets) {
    test(`text() decodes with the charset of "${type}"`, async () => {
      assert.equal(await ask(text, '/text', { method: 'POST', body: bytes, headers: { 'content-type': type } }), expected);
    });
  }

  test('text() with an unknown charset is 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await text.request('/text', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain; charset=x-klingon' } });
    assert.equal(res.status, 415);
    assert.equal(codeOf(res), 'ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  test('json() parses the body', async () => {
    const app = probe('/j', (c) => c.req.json());
    assert.deepEqual(await ask(app, '/j', { method: 'POST', body: '{"a":[1,2,{"b":null}]}' }), { a: [1, 2, { b: null }] });
  });

  for (const [what, body] of [['malformed JSON', '{"a":'], ['an empty body', ''], ['a non-JSON text', 'hello']] as const) {
    test(`json() of ${what} is 400 ERR_BODY_JSON`, async () => {
      const app = probe('/j', (c) => c.req.json());
      const res = await app.request('/j', { method: 'POST', body });
      assert.equal(res.status, 400);
      assert.equal(codeOf(res), 'ERR_BODY_JSON');
    });
  }

  test('a body over the app maxBodyBytes is 413 in-process as over a socket', async () => {
    const app = quietApp({ limits: { maxBodyBytes: 16 } });
    app.post('/p', async (c) => c.body(await c.req.body()));
    const res = await app.request('/p', { method: 'POST', body: 'x'.repeat(64) });
    assert.equal(res.status, 413);
    assert.equal(codeOf(res), 'ERR_HTTP_BODY_TOO_LARGE');
  });
});

describe('stream()', () => {
  test('stream() yields chunks as they arrive, before the body is complete', async (t) => {
    const seen: string[] = [];
    let firstChunk!: () => void;
    const firstArrived = new Promise<void>((resolve) => (firstChunk = resolve));
    const app = quietApp();
    app.post('/upload', async (c) => {
      for await (const chunk of c.req.stream()) {
        seen.push(chunk.toString());
        firstChunk();
      }
      c.json(seen);
    });
    const server = await listen(t, app);
    const client = await RawClient.connect(server.port);
    t.after(() => client.destroy());
    client.write('POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n');
    await Promise.race([firstArrived, new Promise((_, reject) => setTimeout(() => reject(new Error('first chunk never reached the handler')), 1500))]);
    assert.deepEqual(seen, ['first'], 'the handler has the first chunk while the rest is unsent');
    client.write('6\r\nsecond\r\n0\r\n\r\n');
    const [res] = await client.responses(1);
    assert.equal(res!.status, 200);
    assert.deepEqual(JSON.parse(res!.body.toString()), ['first', 'second']);
  });

  test('a chunked body streamed past maxBodyBytes is refused 413 ERR_HTTP_BODY_TOO_LARGE while counting', async (t) => {
    let received = 0;
    const app = quietApp({ limits: { maxBodyBytes: 10 } });
    app.post('/upload', async (c) => {
      for await (const chunk of c.req.stream()) received += chunk.length;
      c.text('all read');
    });
    const server = await listen(t, app);
    const client = await RawClient.connect(server.port);
    t.after(() => client.destroy());
    client.write('POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n');
    const [res] = await client.responses(1);
    assert.equal(res!.status, 413);
    assert.equal(JSON.parse(res!.body.toString()).error.code, 'ERR_HTTP_BODY_TOO_LARGE');
    assert.ok(received <= 10, `the handler saw ${received} bytes`);
    await client.waitForClose();
  });

  test('a Content-Length past maxBodyBytes is refused 413 before the handler runs', async (t) => {
    let ran = false;
    const app = quietApp({ limits: { maxBodyBytes: 10 } });
    app.post('/upload', (c) => {
      ran = true;
      c.text('x');
    });
    const server = await listen(t, app);
    const res = await fetch(`http://127.0.0.1:${server.port}/upload`, { method: 'POST', body: 'x'.repeat(11), signal: bounded() });
    assert.equal(res.status, 413);
    assert.equal(ran, false);
  });

  test('stream() after body() is a programming error answered 500 ERR_INTERNAL', async () => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.post('/both', async (c) => {
      await c.req.body();
      for await (const chunk of c.req.stream()) void chunk;
      c.text('no');
    });
    const res = await app.request('/both', { method: 'POST', body: 'abc' });
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.equal(errors.length, 1);
  });
});

describe('client address, host and scheme', () => {
  const who = (c: Context): unknown => ({ ip: c.req.ip ?? null, host: c.req.host, protocol: c.req.protocol, url: c.req.url });

  test('ip is the peer address: 127.0.0.1 in-process by default, or the given remoteAddress', async () => {
    const app = probe('/', who);
    assert.deepEqual(await ask(app, '/'), { ip: '127.0.0.1', host: 'localhost', protocol: 'http', url: 'http://localhost/' });
    assert.equal(((await ask(app, '/', { remoteAddress: '198.51.100.7' })) as { ip: string }).ip, '198.51.100.7');
  });

  test('ip is the socket peer address over a real connection', async (t) => {
    const server = await listen(t, probe('/', who));
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { signal: bounded() });
    const body = (await res.json()) as { ip: string; host: string; protocol: string };
    assert.match(body.ip, /^(::ffff:)?127\.0\.0\.1$/);
    assert.equal(body.host, `127.0.0.1:${server.port}`);
    assert.equal(body.protocol, 'http');
  });

  test('an absolute-form request-target gives the path, and its authority is the host (RFC 9112 §3.2.2)', async (t) => {
    const server = await listen(t, probe('/x', who));
    const client = await RawClient.connect(server.port);
    t.after(() => client.destroy());
    client.write('GET http://a.example/x?q=1 HTTP/1.1\r\nHost: b.example\r\n\r\n');
    const [res] = await client.responses(1);
    assert.equal(res!.status, 200);
    const body = JSON.parse(res!.body.toString()) as { host: string; url: string };
    assert.equal(body.host, 'a.example');
    assert.equal(body.url, 'http://a.example/x?q=1');
  });

  const forwarding = {
    'x-forwarded-for': '203.0.113.1, 198.51.100.2',
    'x-forwarded-host': 'public.example',
    'x-forwarded-proto': 'https',
  };

  test('without trustProxy (the default), X-Forwarded-* and Forwarded are ignored', async () => {
    const app = probe('/p', who);
    const expected = { ip: '10.0.0.1', host: 'internal:8080', protocol: 'http', url: 'http://internal:8080/p' };
    assert.deepEqual(await ask(app, '/p', { remoteAddress: '10.0.0.1', headers: { host: 'internal:8080', ...forwarding } }), expected);
    const forwarded = { host: 'internal:8080', forwarded: 'for=203.0.113.1;proto=https;host=public.example' };
    assert.deepEqual(await ask(app, '/p', { remoteAddress: '10.0.0.1', headers: forwarded }), expected);
  });

  test('with trustProxy: true, ip is the first X-Forwarded-For address and host and scheme come from X-Forwarded-Host / -Proto', async () => {
    const app = probe('/p', who, { trustProxy: true });
    assert.deepEqual(await ask(app, '/p?x=1', { remoteAddress: '10.0.0.1', headers: { host: 'internal', ...forwarding } }), {
      ip: '203.0.113.1',
      host: 'public.example',
      protocol: 'https',
      url: 'https://public.example/p?x=1',
    });
  });

  test('with trustProxy: true and no forwarding headers, the socket values are used', async () => {
    const app = probe('/p', who, { trustProxy: true });
    assert.deepEqual(await ask(app, '/p', { remoteAddress: '10.0.0.1', headers: { host: 'internal' } }), {
      ip: '10.0.0.1',
      host: 'internal',
      protocol: 'http',
      url: 'http://internal/p',
    });
  });

  test('with trustProxy: true and proxyHeaders: forwarded, Forwarded: for="[2001:db8::1]:4711";proto=https;host=a.example sets ip, scheme and host', async () => {
    const app = probe('/p', who, { trustProxy: true, proxyHeaders: 'forwarded' });
    const headers = { host: 'internal', forwarded: 'for="[2001:db8::1]:4711";proto=https;host=a.example' };
    assert.deepEqual(await ask(app, '/p', { remoteAddress: '10.0.0.1', headers }), {
      ip: '2001:db8::1',
      host: 'a.example',
      protocol: 'https',
      url: 'https://a.example/p',
    });
  });

  test('only the headers proxyHeaders names are read: Forwarded is ignored by default, X-Forwarded-* with forwarded', async () => {
    const headers = { host: 'internal', forwarded: 'for=192.0.2.60;proto=http;host=b.example', ...forwarding };
    const byDefault = probe('/p', who, { trustProxy: true });
    assert.deepEqual(await ask(byDefault, '/p', { headers }), { ip: '203.0.113.1', host: 'public.example', protocol: 'https', url: 'https://public.example/p' });
    const byForwarded = probe('/p', who, { trustProxy: true, proxyHeaders: 'forwarded' });
    assert.deepEqual(await ask(byForwarded, '/p', { headers }), { ip: '192.0.2.60', host: 'b.example', protocol: 'http', url: 'http://b.example/p' });
  });

  test('a Forwarded IPv4 address loses its port', async () => {
    const app = probe('/p', (c) => c.req.ip, { trustProxy: true, proxyHeaders: 'forwarded' });
    assert.equal(await ask(app, '/p', { headers: { forwarded: 'for="192.0.2.60:8080"' } }), '192.0.2.60');
  });

  test('with trustProxy: 1, ip is the address the nearest proxy saw, not one the client made up', async () => {
    const app = probe('/p', (c) => c.req.ip, { trustProxy: 1 });
    assert.equal(await ask(app, '/p', { headers: { 'x-forwarded-for': 'spoofed, 203.0.113.9' } }), '203.0.113.9');
    assert.equal(await ask(app, '/p', { headers: { 'x-forwarded-for': '203.0.113.9' } }), '203.0.113.9');
  });

  test('with trustProxy: 2, ip is the second address from the right, in X-Forwarded-For and in Forwarded', async () => {
    const app = probe('/p', (c) => c.req.ip, { trustProxy: 2 });
    assert.equal(await ask(app, '/p', { headers: { 'x-forwarded-for': 'spoofed, 203.0.113.9, 10.0.0.2' } }), '203.0.113.9');
    const forwarded = 'for=spoofed, for="[2001:db8::9]";proto=https, for=10.0.0.2';
    const byForwarded = probe('/p', (c) => c.req.ip, { trustProxy: 2, proxyHeaders: 'forwarded' });
    assert.equal(await ask(byForwarded, '/p', { headers: { forwarded } }), '2001:db8::9');
  });

  test('with trustProxy: 0, nothing forwarded is trusted', async () => {
    const app = probe('/p', (c) => c.req.ip, { trustProxy: 0 });
    assert.equal(await ask(app, '/p', { remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } }), '10.0.0.1');
  });

  test('a forwarded scheme other than http or https is ignored', async () => {
    const app = probe('/p', (c) => c.req.protocol, { trustProxy: true });
    assert.equal(await ask(app, '/p', { headers: { 'x-forwarded-proto': 'javascript' } }), 'http');
    assert.equal(await ask(app, '/p', { headers: { 'x-forwarded-proto': 'HTTPS' } }), 'https');
  });
});
