/**
 * The response helpers of `c`: status, headers and body of each one,
 * Set-Cookie with every attribute and its validation, per-request state, and
 * a streamed response read through a real socket with fetch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, SignwireError, type Context, type CookieOptions } from '../../src/index.ts';
import { RawClient } from '../helpers/sockets.ts';
import { bounded, codeOf, listen, quietApp, recordingLogger, sleep } from '../helpers/app.ts';

/** An app whose GET / answers with `handler`. */
function answering(handler: (c: Context) => unknown): App {
  const app = quietApp();
  app.get('/', handler);
  return app;
}

function isInvalidCookie(error: unknown): boolean {
  return error instanceof SignwireError && error.code === 'ERR_INVALID_COOKIE';
}

/** A deferred the test opens to let a generator go on. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('body helpers', () => {
  test('text() answers 200 text/plain; charset=utf-8 with its Content-Length', async () => {
    const res = await answering((c) => c.text('héllo ✓')).request('/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(res.headers.get('content-length'), String(Buffer.byteLength('héllo ✓')));
    assert.equal(await res.text(), 'héllo ✓');
  });

  test('text() takes a status and extra headers', async () => {
    const res = await answering((c) => c.text('made', 201, { 'X-Id': '7', Location: '/things/7' })).request('/');
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-id'), '7');
    assert.equal(res.headers.get('location'), '/things/7');
  });

  test('json() answers application/json with JSON.stringify of the value', async () => {
    const value = { a: [1, 'two', null], b: { c: true }, d: '✓' };
    const res = await answering((c) => c.json(value, 202)).request('/');
    assert.equal(res.status, 202);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
    assert.deepEqual(await res.json(), value);
  });

  test('json(undefined) sends the JSON null', async () => {
    const res = await answering((c) => c.json(undefined)).request('/');
    assert.equal(await res.text(), 'null');
  });

  test('html() answers text/html; charset=utf-8', async () => {
    const res = await answering((c) => c.html('<p>hi</p>')).request('/');
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await res.text(), '<p>hi</p>');
  });

  test('body() sends bytes exactly, as application/octet-stream unless a Content-Type is set', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    const plain = await answering((c) => c.body(bytes)).request('/');
    assert.equal(plain.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(plain.body, bytes);
    const typed = await answering((c) => {
      c.header('Content-Type', 'image/png');
      c.body(bytes);
    }).request('/');
    assert.equal(typed.headers.get('content-type'), 'image/png');
    assert.deepEqual(typed.body, bytes);
  });

  test('body(null, 204) answers 204 with no body', async () => {
    const res = await answering((c) => c.body(null, 204)).request('/');
    assert.equal(res.status, 204);
    assert.equal(res.body.length, 0);
  });

  test('the last helper called wins', async () => {
    const res = await answering((c) => {
      c.text('first');
      c.json({ second: true });
    }).request('/');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), { second: true });
  });
});

describe('status, header and redirect', () => {
  test('status() alone is a complete answer', async () => {
    const res = await answering((c) => c.status(204)).request('/');
    assert.equal(res.status, 204);
  });

  test('status() before a helper without a status keeps that status', async () => {
    const res = await answering((c) => c.status(201).json({ ok: true })).request('/');
    assert.equal(res.status, 201);
  });

  test('status() with an invalid code (99, 1000, 200.5) is answered 500 ERR_INTERNAL and logged', async () => {
    for (const code of [99, 1000, 200.5]) {
      const { logger, errors } = recordingLogger();
      const app = new App({ logger });
      app.get('/', (c) => c.status(code).text('x'));
      const res = await app.request('/');
      assert.equal(res.status, 500, String(code));
      assert.equal(codeOf(res), 'ERR_INTERNAL', String(code));
      assert.equal(errors.length, 1, String(code));
    }
  });

  test('header() sets a header and replaces one of the same name, case-insensitively', async () => {
    const res = await answering((c) => {
      c.header('X-Thing', 'one').header('x-thing', 'two');
      c.text('ok');
    }).request('/');
    assert.equal(res.headers.get('x-thing'), 'two');
  });

  test('header() with CR or LF in the value is refused, and the request answered 500 ERR_INTERNAL', async () => {
    const res = await answering((c) => c.header('X-Bad', 'a\r\nInjected: yes').text('no')).request('/');
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
    assert.equal(res.headers.get('injected'), null);
  });

  test('redirect() answers 302 with Location and no content by default', async () => {
    const res = await answering((c) => c.redirect('/login?next=%2Fhome')).request('/');
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/login?next=%2Fhome');
    assert.equal(res.body.length, 0);
  });

  test('redirect() takes another status', async () => {
    for (const status of [301, 303, 307, 308]) {
      const res = await answering((c) => c.redirect('https://example.com/', status)).request('/');
      assert.equal(res.status, status);
      assert.equal(res.headers.get('location'), 'https://example.com/');
    }
  });
});

describe('setCookie', () => {
  async function setCookies(...cookies: Array<[string, string, CookieOptions?]>): Promise<string[]> {
    const res = await answering((c) => {
      for (const [name, value, options] of cookies) c.setCookie(name, value, options);
      c.text('ok');
    }).request('/');
    assert.equal(res.status, 200);
    return res.headers.getSetCookie();
  }

  test('a plain cookie is name=value', async () => {
    assert.deepEqual(await setCookies(['session', 'abc123']), ['session=abc123']);
  });

  test('every attribute is serialized', async () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const [cookie] = await setCookies([
      'id',
      'v1',
      { path: '/app', domain: 'example.com', maxAge: 3600, expires, httpOnly: true, secure: true, sameSite: 'Strict' },
    ]);
    const parts = cookie!.split('; ');
    assert.equal(parts[0], 'id=v1');
    assert.deepEqual(
      new Set(parts.slice(1)),
      new Set(['Path=/app', 'Domain=example.com', 'Max-Age=3600', 'Expires=Wed, 02 Jan 2030 03:04:05 GMT', 'HttpOnly', 'Secure', 'SameSite=Strict']),
    );
  });

  test('SameSite=None always carries Secure', async () => {
    const [cookie] = await setCookies(['x', '1', { sameSite: 'None' }]);
    assert.ok(cookie!.split('; ').includes('Secure'));
    assert.ok(cookie!.split('; ').includes('SameSite=None'));
  });

  test('Partitioned carries Secure', async () => {
    const [cookie] = await setCookies(['x', '1', { partitioned: true, sameSite: 'None' }]);
    const parts = cookie!.split('; ');
    assert.ok(parts.includes('Partitioned'));
    assert.ok(parts.includes('Secure'));
    assert.equal(parts.filter((part) => part === 'Secure').length, 1, 'Secure appears once');
  });

  test('Max-Age 0 is kept (it deletes the cookie)', async () => {
    const [cookie] = await setCookies(['x', '', { maxAge: 0 }]);
    assert.ok(cookie!.split('; ').includes('Max-Age=0'));
  });

  test('several cookies are sent as several Set-Cookie fields', async () => {
    assert.deepEqual(await setCookies(['a', '1'], ['b', '2'], ['c', '3']), ['a=1', 'b=2', 'c=3']);
  });

  const invalid: Array<[string, string, string, CookieOptions?]> = [
    ['an empty name', '', 'v'],
    ['a name with a space', 'a b', 'v'],
    ['a name with "="', 'a=b', 'v'],
    ['a value with a space', 'a', 'x y'],
    ['a value with ";"', 'a', 'x;Path=/'],
    ['a value with ","', 'a', 'x,y'],
    ['a value with a double quote inside', 'a', 'x"y'],
    ['a value with CR LF', 'a', 'x\r\nSet-Cookie: evil=1'],
    ['a value with a non-ASCII character', 'a', 'café'],
    ['a path with ";"', 'a', 'v', { path: '/; Domain=evil.example' }],
    ['a domain with a control character', 'a', 'v', { domain: 'example.com\n' }],
    ['an empty domain', 'a', 'v', { domain: '' }],
    ['a maxAge that is not finite', 'a', 'v', { maxAge: Number.NaN }],
    ['an invalid Date', 'a', 'v', { expires: new Date('nope') }],
    ['an unknown sameSite', 'a', 'v', { sameSite: 'lax' as 'Lax' }],
  ];
  for (const [what, name, value, options] of invalid) {
    test(`setCookie with ${what} throws ERR_INVALID_COOKIE and adds no header`, async () => {
      const res = await answering((c) => {
        assert.throws(() => c.setCookie(name, value, options), isInvalidCookie);
        c.text('ok');
      }).request('/');
      assert.equal(res.status, 200);
      assert.deepEqual(res.headers.getSetCookie(), []);
    });
  }

  test('an invalid cookie not caught by the handler is answered 500 ERR_INTERNAL', async () => {
    const res = await answering((c) => c.setCookie('a', 'x y').text('no')).request('/');
    assert.equal(res.status, 500);
    assert.equal(codeOf(res), 'ERR_INTERNAL');
  });
});

describe('set and get', () => {
  test('a value set by middleware is read by the handler', async () => {
    const app = quietApp();
    app.use(async (c, next) => {
      c.set('user', { id: 7 });
      await next();
    });
    app.get('/', (c) => c.json({ user: c.get('user') }));
    assert.deepEqual(await (await app.request('/')).json(), { user: { id: 7 } });
  });

  test('an unset key is undefined, and values do not leak between requests', async () => {
    const app = quietApp();
    app.get('/', (c) => {
      const before = c.get('count') ?? null;
      c.set('count', 1);
      c.json({ before });
    });
    assert.deepEqual(await (await app.request('/')).json(), { before: null });
    assert.deepEqual(await (await app.request('/')).json(), { before: null });
  });
});

describe('stream', () => {
  test('an async generator is streamed chunked and read by fetch as it comes', async (t) => {
    const release = gate();
    const app = quietApp();
    app.get('/events', (c) => {
      c.header('Content-Type', 'text/event-stream');
      c.stream(
        (async function* () {
          yield 'data: one\n\n';
          await release.promise;
          yield Buffer.from('data: two\n\n');
        })(),
        200,
        { 'Cache-Control': 'no-store' },
      );
    });
    const server = await listen(t, app);
    const res = await fetch(`http://127.0.0.1:${server.port}/events`, { signal: bounded() });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value!).toString(), 'data: one\n\n', 'the first chunk arrives before the generator finishes');
    release.open();
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += Buffer.from(part.value).toString();
    assert.equal(rest, 'data: two\n\n');
  });

  test('a stream without a Content-Type is application/octet-stream and takes a status', async (t) => {
    const server = await listen(
      t,
      answering((c) =>
        c.stream(
          (async function* () {
            yield 'a';
            yield 'b';
          })(),
          206,
        ),
      ),
    );
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { signal: bounded() });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(await res.text(), 'ab');
  });

  test('a stream is also read whole by app.request()', async () => {
    const res = await answering((c) =>
      c.stream(
        (async function* () {
          for (let i = 0; i < 3; i++) yield `${i};`;
        })(),
      ),
    ).request('/');
    assert.equal(await res.text(), '0;1;2;');
  });

  test('empty chunks from the source do not end a stream early', async () => {
    const res = await answering((c) =>
      c.stream(
        (async function* () {
          yield 'a';
          yield '';
          yield new Uint8Array(0);
          yield new Uint8Array([0x62]);
        })(),
      ),
    ).request('/');
    assert.equal(await res.text(), 'ab');
  });

  test('a HEAD request does not pull from the stream', async () => {
    let pulled = 0;
    const app = answering((c) =>
      c.stream(
        (async function* () {
          pulled++;
          yield 'x';
        })(),
      ),
    );
    const res = await app.request('/', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.equal(pulled, 0);
  });

  test('a streamed response stops pulling from its source once the client disconnects', async (t) => {
    let closed = false;
    let pulled = 0;
    const app = answering((c) =>
      c.stream(
        (async function* () {
          try {
            for (;;) {
              pulled++;
              yield 'tick\n';
              await sleep(5);
            }
          } finally {
            closed = true;
          }
        })(),
      ),
    );
    const server = await listen(t, app);
    const client = await RawClient.connect(server.port);
    client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    await client.waitFor((data) => data.includes('tick'), 'the first chunk');
    client.destroy();
    const deadline = Date.now() + 1500;
    while (!closed && Date.now() < deadline) await sleep(5);
    assert.equal(closed, true, 'the generator was closed');
    const after = pulled;
    await sleep(30);
    assert.equal(pulled, after, 'nothing is pulled after the close');
  });
});
