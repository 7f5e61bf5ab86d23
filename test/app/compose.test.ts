/**
 * The middleware engine on its own (`compose` over plain objects), then the
 * same rules seen through an app: onion order, async throughout, a chain
 * that stops when a middleware does not call `next()`, and `next()` called
 * twice. The engine rejects a second `next()` with `ERR_NEXT_CALLED_TWICE`;
 * the app treats that as a programming error: logged, answered 500
 * `ERR_INTERNAL` (the internal code never reaches the client).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compose, type Middleware } from '../../src/app/compose.ts';
import { App, HttpError, SignwireError } from '../../src/index.ts';
import { KeepAliveTails } from '../../src/wire/head.ts';
import { DEFAULT_LIMITS } from '../../src/wire/limits.ts';
import { HEAD, RequestParser } from '../../src/wire/parser.ts';
import { WireRequest } from '../../src/wire/request.ts';
import { WireResponse } from '../../src/wire/response.ts';
import { codeOf, recordingLogger, sleep } from '../helpers/app.ts';

interface Trace {
  steps: string[];
}

function isNextTwice(error: unknown): boolean {
  return error instanceof SignwireError && error.code === 'ERR_NEXT_CALLED_TWICE';
}

test('middleware runs in order around the handler, onion style', async () => {
  const chain: Middleware<Trace>[] = [
    async (c, next) => {
      c.steps.push('a in');
      await next();
      c.steps.push('a out');
    },
    async (c, next) => {
      c.steps.push('b in');
      await next();
      c.steps.push('b out');
    },
    (c) => {
      c.steps.push('handler');
    },
  ];
  const c: Trace = { steps: [] };
  await compose(chain, c);
  assert.deepEqual(c.steps, ['a in', 'b in', 'handler', 'b out', 'a out']);
});

test('an async handler is awaited before the middleware around it resumes', async () => {
  const c: Trace = { steps: [] };
  await compose<Trace>(
    [
      async (c, next) => {
        await next();
        c.steps.push('after next');
      },
      async (c) => {
        await sleep(5);
        c.steps.push('slow handler');
      },
    ],
    c,
  );
  assert.deepEqual(c.steps, ['slow handler', 'after next']);
});

test('a middleware that does not call next() ends the chain there', async () => {
  const c: Trace = { steps: [] };
  await compose<Trace>([(c) => void c.steps.push('gate'), (c) => void c.steps.push('never')], c);
  assert.deepEqual(c.steps, ['gate']);
});

test('next() from the last handler resolves at once', async () => {
  const c: Trace = { steps: [] };
  await compose<Trace>(
    [
      async (c, next) => {
        await next();
        c.steps.push('done');
      },
    ],
    c,
  );
  assert.deepEqual(c.steps, ['done']);
});

test('a lone synchronous handler runs without a promise', () => {
  const c: Trace = { steps: [] };
  const result = compose<Trace>([(c) => void c.steps.push('sync')], c);
  assert.equal(result, undefined);
  assert.deepEqual(c.steps, ['sync']);
});

test('a synchronous throw anywhere in a chain becomes a rejection of the chain', async () => {
  const boom = new Error('boom');
  const chain: Middleware<Trace>[] = [
    (_c, next) => next(),
    () => {
      throw boom;
    },
  ];
  await assert.rejects(compose(chain, { steps: [] })!, (error) => error === boom);
});

test('an upstream middleware can catch a downstream error and answer instead', async () => {
  const c: Trace = { steps: [] };
  await compose<Trace>(
    [
      async (c, next) => {
        try {
          await next();
        } catch {
          c.steps.push('caught');
        }
      },
      async () => {
        throw new Error('downstream');
      },
    ],
    c,
  );
  assert.deepEqual(c.steps, ['caught']);
});

test('next() called twice rejects the second call with ERR_NEXT_CALLED_TWICE', async () => {
  const c: Trace = { steps: [] };
  let second: unknown;
  await compose<Trace>(
    [
      async (_c, next) => {
        await next();
        try {
          await next();
        } catch (error) {
          second = error;
        }
      },
      (c) => void c.steps.push('handler'),
    ],
    c,
  );
  assert.deepEqual(c.steps, ['handler'], 'the rest of the chain ran once');
  assert.ok(isNextTwice(second));
});

test('next() called twice by the last handler is also refused', async () => {
  const chain: Middleware<Trace>[] = [
    async (_c, next) => {
      await next();
      await next();
    },
  ];
  await assert.rejects(compose(chain, { steps: [] })!, isNextTwice);
});

// ── through an app ───────────────────────────────────────────────────────

test('an app runs global middleware, then route middleware, then the handler, and unwinds in reverse', async () => {
  const steps: string[] = [];
  const app = new App({ logger: recordingLogger().logger });
  const mark =
    (name: string) =>
    async (_c: unknown, next: () => Promise<void>): Promise<void> => {
      steps.push(`${name} in`);
      await next();
      steps.push(`${name} out`);
    };
  app.use(mark('global'));
  app.get('/x', mark('route'), (c) => {
    steps.push('handler');
    c.text('ok');
  });
  const res = await app.request('/x');
  assert.equal(res.status, 200);
  assert.deepEqual(steps, ['global in', 'route in', 'handler', 'route out', 'global out']);
});

test('middleware can change the response after await next()', async () => {
  const app = new App({ logger: recordingLogger().logger });
  app.use(async (c, next) => {
    await next();
    c.header('X-After', 'yes');
    c.status(201);
  });
  app.get('/', (c) => c.text('made'));
  const res = await app.request('/');
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('x-after'), 'yes');
  assert.equal(await res.text(), 'made');
});

test('a middleware that answers without next() stops the route handler from running', async () => {
  let ran = false;
  const app = new App({ logger: recordingLogger().logger });
  app.use((c) => c.json({ error: { code: 'ERR_DENIED' } }, 403));
  app.get('/', (c) => {
    ran = true;
    c.text('no');
  });
  const res = await app.request('/');
  assert.equal(res.status, 403);
  assert.equal(codeOf(res), 'ERR_DENIED');
  assert.equal(ran, false);
});

test('an HttpError thrown downstream passes through middleware that does not catch it', async () => {
  const app = new App({ logger: recordingLogger().logger });
  let unwound = false;
  app.use(async (_c, next) => {
    await next();
    unwound = true;
  });
  app.get('/', () => {
    throw new HttpError(409, 'conflict', { code: 'ERR_CONFLICT' });
  });
  const res = await app.request('/');
  assert.equal(res.status, 409);
  assert.equal(codeOf(res), 'ERR_CONFLICT');
  assert.equal(unwound, false);
});

test('through an app, next() called twice answers 500 ERR_INTERNAL and logs ERR_NEXT_CALLED_TWICE', async () => {
  const { logger, errors } = recordingLogger();
  const app = new App({ logger });
  let handled = 0;
  app.use(async (_c, next) => {
    await next();
    await next();
  });
  app.get('/', (c) => {
    handled++;
    c.text('once');
  });
  const res = await app.request('/');
  assert.equal(res.status, 500);
  assert.equal(codeOf(res), 'ERR_INTERNAL');
  assert.equal(handled, 1);
  assert.equal(errors.length, 1);
  assert.ok(isNextTwice(errors[0]));
});

// A route's only handler, with no middleware, runs without the engine when it declares no `next`;
// these hold the direct run to what the engine does.

test('a lone route handler that declares next and calls it twice still answers 500 ERR_INTERNAL', async () => {
  const { logger, errors } = recordingLogger();
  const app = new App({ logger });
  app.get('/', async (c, next) => {
    await next();
    await next();
    c.text('never');
  });
  const res = await app.request('/');
  assert.equal(res.status, 500);
  assert.equal(codeOf(res), 'ERR_INTERNAL');
  assert.ok(isNextTwice(errors[0]));
});

test('a lone route handler that returns a foreign thenable is awaited, and its rejection answered', async () => {
  const app = new App({ logger: recordingLogger().logger });
  app.get('/ok', (c) => ({ then: (resolve: () => void) => setTimeout(() => (c.text('later'), resolve()), 5) }));
  app.get('/fail', () => ({ then: (_: unknown, reject: (e: unknown) => void) => reject(new HttpError(409, 'no', { code: 'ERR_CONFLICT' })) }));
  const ok = await app.request('/ok');
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'later');
  assert.equal(codeOf(await app.request('/fail')), 'ERR_CONFLICT');
});

test('a middleware or handler in a chain that returns a foreign thenable is awaited, and its rejection answered', async () => {
  const app = new App({ logger: recordingLogger().logger });
  const order: string[] = [];
  // Hand-written thenables whose then() returns nothing: the chain must adopt them, not chain on what then() returns.
  app.use('/ok', (_c, next) => ({ then: (resolve: () => void) => void next().then(() => (order.push('mw after'), resolve())) }) as never);
  app.get('/ok', (c) => ({ then: (resolve: () => void) => void setTimeout(() => (order.push('handler'), c.text('later'), resolve()), 5) }));
  app.get('/fail', (_c, next) => next(), () => ({ then: (_: unknown, reject: (e: unknown) => void) => reject(new HttpError(409, 'no', { code: 'ERR_CONFLICT' })) }));
  const ok = await app.request('/ok');
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'later');
  assert.deepEqual(order, ['handler', 'mw after']);
  assert.equal(codeOf(await app.request('/fail')), 'ERR_CONFLICT');
});

test('a lone synchronous route handler has answered by the time the wire handler returns', () => {
  const app = new App({ logger: recordingLogger().logger });
  app.get('/', (c) => c.text('now'));
  const written: string[] = [];
  const sink = {
    keepAlive: new KeepAliveTails(''),
    dateLine: '',
    write: (data: string | Uint8Array) => written.push(String(data)) > 0,
    keepAliveAllowed: () => false,
    responseFinished: () => {},
    drained: () => Promise.resolve(),
    abortConnection: () => {},
  };
  const parser = new RequestParser(DEFAULT_LIMITS);
  parser.push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  assert.equal(parser.next(), HEAD);
  const req = new WireRequest(parser.head!, { remoteAddress: '127.0.0.1', remotePort: 1, encrypted: false }, { bodyWanted() {}, bodyDrained() {} });
  const res = new WireResponse(sink, false, false);
  const result = app.handler(req, res);
  assert.equal(result, undefined, 'no promise for a synchronous answer');
  assert.ok(res.finished);
  assert.match(written.join(''), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nnow$/);
});
