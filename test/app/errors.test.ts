/**
 * Errors and logging: what an `HttpError` shows (its message only when
 * exposed; 5xx never by default), that anything else is a 500 with a fixed
 * body and its stack logged, headers carried by an `HttpError`, an error
 * after the head went out (the connection closes), the access log line, and
 * that a default app prints nothing for ordinary requests.
 *
 * Documented here: headers a handler set before it threw are not sent with
 * the error response (the response is reset, as in Koa).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { App, HttpError, ParseError, SignwireError, type AppOptions } from '../../src/index.ts';
import { RawClient } from '../helpers/sockets.ts';
import { captureConsole, codeOf, listen, recordingLogger, sleep } from '../helpers/app.ts';

const INTERNAL = { error: { code: 'ERR_INTERNAL', message: 'Internal Server Error' } };

function throwing(error: unknown, options: AppOptions = {}): { app: App; errors: unknown[] } {
  const { logger, errors } = recordingLogger();
  const app = new App({ logger, ...options });
  app.get('/', () => {
    throw error;
  });
  return { app, errors };
}

describe('HttpError', () => {
  test('a status outside 400-599 or not an integer is refused with ERR_INVALID_OPTION', () => {
    for (const status of [200, 399, 600, 404.5, Number.NaN]) {
      assert.throws(() => new HttpError(status), (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION', String(status));
    }
  });

  test('defaults: code ERR_HTTP_<status>, exposed below 500, hidden from 500, message the status text', () => {
    const notFound = new HttpError(404);
    assert.equal(notFound.code, 'ERR_HTTP_404');
    assert.equal(notFound.expose, true);
    assert.equal(notFound.status, 404);
    assert.ok(notFound instanceof SignwireError);
    const unavailable = new HttpError(503, 'db down');
    assert.equal(unavailable.code, 'ERR_HTTP_503');
    assert.equal(unavailable.expose, false);
  });

  test('a thrown 4xx HttpError answers its status, its code and its message', async () => {
    const { app, errors } = throwing(new HttpError(403, 'partner is suspended', { code: 'ERR_PARTNER_SUSPENDED' }));
    const res = await app.request('/');
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { error: { code: 'ERR_PARTNER_SUSPENDED', message: 'partner is suspended' } });
    assert.equal(errors.length, 0, '4xx errors are not logged');
  });

  test('a 4xx HttpError with expose: false hides its message', async () => {
    const { app } = throwing(new HttpError(401, 'key k-123 unknown in store eu-west', { code: 'ERR_AUTH', expose: false }));
    const res = await app.request('/');
    assert.equal(res.status, 401);
    assert.equal(codeOf(res), 'ERR_AUTH');
    assert.ok(!res.body.toString().includes('k-123'));
  });

  test('a 5xx HttpError keeps its status and code, hides its message and is logged', async () => {
    const error = new HttpError(503, 'redis at 10.0.0.5 is down', { code: 'ERR_STORE_DOWN' });
    const { app, errors } = throwing(error);
    const res = await app.request('/');
    assert.equal(res.status, 503);
    assert.equal(codeOf(res), 'ERR_STORE_DOWN');
    assert.ok(!res.body.toString().includes('10.0.0.5'));
    assert.deepEqual(errors, [error]);
  });

  test('a 5xx HttpError with expose: true shows its message', async () => {
    const { app } = throwing(new HttpError(503, 'try again in a minute', { code: 'ERR_BUSY', expose: true }));
    const res = await app.request('/');
    assert.deepEqual(await res.json(), { error: { code: 'ERR_BUSY', message: 'try again in a minute' } });
  });

  test('the headers of an HttpError are sent with its response', async () => {
    const { app } = throwing(
      new HttpError(401, 'sign in', { code: 'ERR_AUTH', headers: { 'WWW-Authenticate': 'Signature realm="api"', 'Retry-After': '5' } }),
    );
    const res = await app.request('/');
    assert.equal(res.headers.get('www-authenticate'), 'Signature realm="api"');
    assert.equal(res.headers.get('retry-after'), '5');
  });

  test('headers set by the handler before it threw are not sent with the error response', async () => {
    const app = new App({ logger: recordingLogger().logger });
    app.get('/', (c) => {
      c.header('X-Half-Done', 'yes');
      c.setCookie('s', '1');
      throw new HttpError(400, 'bad', { code: 'ERR_BAD' });
    });
    const res = await app.request('/');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-half-done'), null);
    assert.deepEqual(res.headers.getSetCookie(), []);
  });

  test('a SignwireError that carries an HTTP status (a ParseError) answers that status and code', async () => {
    const { app } = throwing(new ParseError('ERR_HTTP_BODY_TOO_LARGE', 413, 'too big'));
    const res = await app.request('/');
    assert.equal(res.status, 413);
    assert.equal(codeOf(res), 'ERR_HTTP_BODY_TOO_LARGE');
  });
});

describe('unexpected errors', () => {
  test('a thrown Error is 500 with the fixed ERR_INTERNAL body, its message never shown', async () => {
    const { app } = throwing(new Error('password=hunter2 in /etc/secret'));
    const res = await app.request('/');
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), INTERNAL);
  });

  test('an async rejection and a thrown non-Error are 500 ERR_INTERNAL too', async () => {
    for (const thrown of ['a string', 42, null, undefined, { message: 'object' }]) {
      const { app, errors } = throwing(thrown);
      const res = await app.request('/');
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), INTERNAL);
      assert.equal(errors.length, 1);
    }
    const { logger } = recordingLogger();
    const app = new App({ logger });
    app.get('/', async () => {
      await sleep(1);
      throw new Error('later');
    });
    assert.deepEqual(await (await app.request('/')).json(), INTERNAL);
  });

  test('a SignwireError without an HTTP status (an internal code) is 500 ERR_INTERNAL, not its own code', async () => {
    const { app } = throwing(new SignwireError('ERR_INVALID_OPTION', 'misconfigured'));
    const res = await app.request('/');
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), INTERNAL);
  });

  test('the logger receives the error itself, with its stack', async () => {
    function failingHandlerName(): never {
      throw new Error('with a stack');
    }
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.get('/', () => failingHandlerName());
    await app.request('/');
    assert.equal(errors.length, 1);
    const logged = errors[0] as Error;
    assert.equal(logged.message, 'with a stack');
    assert.match(logged.stack ?? '', /failingHandlerName/);
  });

  test('over a socket, a 500 answer keeps the connection open for the next request', async (t) => {
    const app = new App({ logger: recordingLogger().logger });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/ok', (c) => c.text('ok'));
    const server = await listen(t, app);
    const client = await RawClient.connect(server.port);
    t.after(() => client.destroy());
    client.write('GET /boom HTTP/1.1\r\nHost: a\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n');
    const [failed, next] = await client.responses(2);
    assert.equal(failed!.status, 500);
    assert.deepEqual(JSON.parse(failed!.body.toString()), INTERNAL);
    assert.equal(next!.status, 200);
    assert.equal(client.closed, false);
  });
});

describe('errors after the head was sent', () => {
  function failingStream(): AsyncGenerator<string> {
    return (async function* () {
      yield 'part one;';
      await sleep(5);
      throw new Error('the source broke');
    })();
  }

  test('a stream that fails after the head went out closes the connection without a last chunk, and is logged', async (t) => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.get('/s', (c) => c.stream(failingStream()));
    const server = await listen(t, app);
    const client = await RawClient.connect(server.port);
    t.after(() => client.destroy());
    client.write('GET /s HTTP/1.1\r\nHost: a\r\n\r\n');
    await client.waitForClose();
    const data = client.data.toString('latin1');
    assert.match(data, /^HTTP\/1\.1 200 /);
    assert.ok(data.includes('part one;'));
    assert.ok(!data.endsWith('0\r\n\r\n'), 'no terminating chunk: the client can tell the body is incomplete');
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, 'the source broke');
  });

  test('fetch sees a failed body, not a complete response, when the stream breaks', async (t) => {
    const app = new App({ logger: recordingLogger().logger });
    app.get('/s', (c) => c.stream(failingStream()));
    const server = await listen(t, app);
    const res = await fetch(`http://127.0.0.1:${server.port}/s`, { signal: AbortSignal.timeout(2000) });
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
  });

  test('in-process, a stream that fails after the head went out is logged', async () => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.get('/s', (c) => c.stream(failingStream()));
    await app.request('/s');
    assert.equal(errors.length, 1);
  });

  test('a handler that wrote the head itself and then threw is logged once and its connection closed', async (t) => {
    const { logger, errors } = recordingLogger();
    const app = new App({ logger });
    app.get('/raw', (c) => {
      c.res.write('started');
      throw new Error('after the head');
    });
    const server = await listen(t, app);
    const client = await RawClient.connect(server.port);
    t.after(() => client.destroy());
    client.write('GET /raw HTTP/1.1\r\nHost: a\r\n\r\n');
    await client.waitForClose();
    assert.ok(!client.data.toString('latin1').endsWith('0\r\n\r\n'));
    assert.equal(errors.length, 1);
  });
});

describe('access log', () => {
  const LINE = /^(?<method>[A-Z]+) (?<path>\S+) (?<status>\d{3}) (?<bytes>\d+)B (?<ms>\d+\.\d)ms$/;

  function logged(lines: string[]): Array<Record<string, string>> {
    return lines.map((line) => {
      const match = LINE.exec(line);
      assert.ok(match !== null, `access line ${JSON.stringify(line)} does not match "METHOD /path STATUS NB N.Nms"`);
      return { ...match.groups };
    });
  }

  test('one line per request: method, path without query, status, body bytes and duration', async () => {
    const { logger, lines } = recordingLogger({ access: true });
    const app = new App({ logger });
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    app.post('/boom', () => {
      throw new Error('boom');
    });
    const ok = await app.request('/users/7?q=secret-token');
    await app.request('/nope');
    await app.request('/boom', { method: 'POST' });
    await app.request('/users/7', { method: 'HEAD' });
    const entries = logged(lines);
    assert.equal(entries.length, 4);
    assert.deepEqual(
      entries.map(({ method, path, status, bytes }) => [method, path, status, bytes]),
      [
        ['GET', '/users/7', '200', String(ok.body.length)],
        ['GET', '/nope', '404', entries[1]!['bytes']],
        ['POST', '/boom', '500', String(Buffer.byteLength(JSON.stringify(INTERNAL)))],
        ['HEAD', '/users/7', '200', '0'],
      ],
    );
    assert.ok(!lines.some((line) => line.includes('secret-token')), 'the query string is not logged');
  });

  test('a streamed response is logged once it has ended, with the bytes streamed', async () => {
    const { logger, lines } = recordingLogger({ access: true });
    const app = new App({ logger });
    app.get('/s', (c) =>
      c.stream(
        (async function* () {
          yield 'abc';
          await sleep(5);
          yield 'defg';
        })(),
      ),
    );
    await app.request('/s');
    const [entry] = logged(lines);
    assert.equal(entry!['bytes'], '7');
  });

  test('a request whose stream breaks after the head still gets its access line', async (t) => {
    const { logger, lines } = recordingLogger({ access: true });
    const app = new App({ logger });
    app.get('/s', (c) =>
      c.stream(
        (async function* () {
          yield 'partial';
          throw new Error('broke');
        })(),
      ),
    );
    const server = await listen(t, app);
    const client = await RawClient.connect(server.port);
    t.after(() => client.destroy());
    client.write('GET /s HTTP/1.1\r\nHost: a\r\n\r\n');
    await client.waitForClose();
    const [entry] = logged(lines);
    assert.equal(entry?.['path'], '/s');
    assert.equal(entry?.['status'], '200');
  });

  test('a logger without access receives no lines and the app still answers', async () => {
    const { logger, lines } = recordingLogger();
    const app = new App({ logger });
    app.get('/', (c) => c.text('ok'));
    assert.equal((await app.request('/')).status, 200);
    assert.deepEqual(lines, []);
  });
});

describe('default logger', () => {
  test('a default app prints nothing for successful, 4xx and not-found requests', async () => {
    const app = new App();
    app.get('/', (c) => c.text('ok'));
    app.get('/bad', () => {
      throw new HttpError(400, 'bad', { code: 'ERR_BAD' });
    });
    const console = captureConsole();
    try {
      await app.request('/');
      await app.request('/bad');
      await app.request('/nope');
      await app.request('/', { method: 'DELETE' });
    } finally {
      console.restore();
    }
    assert.deepEqual(console.calls, []);
  });

  test('a default app prints an unexpected error with its stack to stderr, and no access line', async () => {
    const app = new App();
    app.get('/', () => {
      throw new Error('to stderr');
    });
    const console = captureConsole();
    try {
      assert.equal((await app.request('/')).status, 500);
    } finally {
      console.restore();
    }
    assert.equal(console.calls.length, 1);
    const [method, args] = console.calls[0]!;
    assert.equal(method, 'error');
    assert.ok(args.some((arg) => arg instanceof Error && typeof arg.stack === 'string' && arg.message === 'to stderr'));
  });
});
