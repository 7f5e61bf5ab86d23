/**
 * `compress()`: Accept-Encoding negotiation with q-values (RFC 9110
 * §12.5.3), which responses are compressed and which are left alone, Vary,
 * streamed bodies; and end to end with `curl --compressed` and Node's fetch.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { App, compress, SignwireError, type CompressOptions, type Context, type InProcessResponse } from '../../src/index.ts';
import { negotiate } from '../../src/app/compress.ts';
import { curl, requireBinary, tempDir } from '../helpers/clients.ts';

const LARGE = Array.from({ length: 400 }, (_, i) => `line ${i}: signwire compresses text ✓\n`).join('');

/** An app with `compress(options)` whose routes answer `LARGE` in various shapes. */
function compressApp(options?: CompressOptions): App {
  const app = new App();
  app.use(compress(options));
  app.get('/text', (c) => c.text(LARGE));
  app.get('/small', (c) => c.text('short'));
  app.get('/json', (c) => c.json({ text: LARGE }));
  app.get('/png', (c) => c.body(Buffer.from(LARGE), 200, { 'Content-Type': 'image/png' }));
  app.get('/stream', (c) => c.stream(chunks(['a', 'b', 'c']), 200, { 'Content-Type': 'text/plain' }));
  app.get('/custom', (c) => custom(c));
  return app;
}

/** GET /custom answers what the query asks: a status, a header, a Vary. */
function custom(c: Context): void {
  const header = c.req.query('header');
  if (header !== undefined) c.header(header.split(':')[0]!, header.slice(header.indexOf(':') + 1));
  c.text(LARGE, Number(c.req.query('status') ?? 200));
}

async function* chunks(pieces: readonly string[], delayMs = 0): AsyncGenerator<string> {
  for (const piece of pieces) {
    if (delayMs > 0) await sleep(delayMs);
    yield piece;
  }
}

function get(app: App, path: string, acceptEncoding?: string, method = 'GET'): Promise<InProcessResponse> {
  return app.request(path, { method, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });
}

function decode(res: InProcessResponse): string {
  const encoding = res.headers.get('content-encoding');
  if (encoding === 'gzip') return gunzipSync(res.body).toString('utf8');
  if (encoding === 'br') return brotliDecompressSync(res.body).toString('utf8');
  assert.equal(encoding, null, `unexpected Content-Encoding ${String(encoding)}`);
  return res.body.toString('utf8');
}

test('gzip and br bodies decompress to the original, sent chunked with Vary: Accept-Encoding', async () => {
  const app = compressApp();
  for (const encoding of ['gzip', 'br']) {
    const res = await get(app, '/text', encoding);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-encoding'), encoding);
    assert.equal(res.headers.get('content-length'), null);
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assert.equal(res.headers.get('vary'), 'Accept-Encoding');
    assert.ok(res.body.length < Buffer.byteLength(LARGE) / 4, `${encoding} body of ${res.body.length} bytes`);
    assert.equal(decode(res), LARGE);
  }
});

test('application/json is compressed', async () => {
  const res = await get(compressApp(), '/json', 'gzip');
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  assert.deepEqual(JSON.parse(decode(res)), { text: LARGE });
});

const NEGOTIATION: ReadonlyArray<[header: string | undefined, expected: string | undefined]> = [
  ['gzip', 'gzip'],
  ['br', 'br'],
  ['gzip, br', 'br'],
  ['br;q=1, gzip;q=0.8', 'br'],
  ['br;q=0.5, gzip', 'gzip'],
  ['gzip;q=0', undefined],
  ['gzip;q=0, *', 'br'],
  ['*', 'br'],
  ['*;q=0, identity', undefined],
  ['identity', undefined],
  ['gzip;q=0.5, identity;q=0.9', undefined],
  ['deflate', undefined],
  ['x-gzip', 'gzip'],
  ['GZIP ; Q=0.5', 'gzip'],
  ['br;q=2, gzip;q=0.1', 'gzip'],
  ['br;q=0.001', 'br'],
  ['', undefined],
  [undefined, undefined],
];

for (const [header, expected] of NEGOTIATION) {
  test(`Accept-Encoding ${JSON.stringify(header)} → ${expected ?? 'identity'}`, async () => {
    assert.equal(negotiate(header, ['br', 'gzip']), expected);
    const res = await get(compressApp(), '/text', header);
    assert.equal(res.headers.get('content-encoding'), expected ?? null);
    assert.equal(res.headers.get('vary'), 'Accept-Encoding');
    assert.equal(decode(res), LARGE);
  });
}

test('with equal q, the order of `encodings` decides', async () => {
  assert.equal(negotiate('br, gzip', ['gzip', 'br']), 'gzip');
  const res = await get(compressApp({ encodings: ['gzip'] }), '/text', 'br, gzip');
  assert.equal(res.headers.get('content-encoding'), 'gzip');
});

test('a body under the threshold keeps its Content-Length, with Vary; threshold 0 compresses it', async () => {
  const res = await get(compressApp(), '/small', 'gzip');
  assert.equal(res.headers.get('content-encoding'), null);
  assert.equal(res.headers.get('content-length'), '5');
  assert.equal(res.headers.get('vary'), 'Accept-Encoding');
  const zero = await get(compressApp({ threshold: 0 }), '/small', 'gzip');
  assert.equal(zero.headers.get('content-encoding'), 'gzip');
  assert.equal(decode(zero), 'short');
});

test('a type that does not compress (image/png) is left alone, without Vary', async () => {
  const res = await get(compressApp(), '/png', 'gzip, br');
  assert.equal(res.headers.get('content-encoding'), null);
  assert.equal(res.headers.get('vary'), null);
  assert.equal(res.body.toString(), LARGE);
});

test('Accept-Encoding is appended to an existing Vary, once', async () => {
  const app = compressApp();
  const res = await get(app, `/custom?${new URLSearchParams({ header: 'Vary:Origin' })}`, 'gzip');
  assert.equal(res.headers.get('vary'), 'Origin, Accept-Encoding');
  const again = await get(app, `/custom?${new URLSearchParams({ header: 'Vary:origin, accept-encoding' })}`, 'gzip');
  assert.equal(again.headers.get('vary'), 'origin, accept-encoding');
});

test('HEAD is not compressed: the identity Content-Length, no body, Vary as for GET', async () => {
  const res = await get(compressApp(), '/text', 'gzip, br', 'HEAD');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-encoding'), null);
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(LARGE)));
  assert.equal(res.headers.get('vary'), 'Accept-Encoding');
  assert.equal(res.body.length, 0);
});

test('206, 204 and 304 responses, an existing Content-Encoding and Cache-Control: no-transform are left alone', async () => {
  const app = compressApp();
  for (const query of [{ status: '206' }, { header: 'Content-Encoding:identity' }, { header: 'Cache-Control:public, no-transform' }]) {
    const res = await get(app, `/custom?${new URLSearchParams(query)}`, 'gzip');
    assert.notEqual(res.headers.get('content-encoding'), 'gzip', JSON.stringify(query));
    assert.equal(res.body.toString(), LARGE, JSON.stringify(query));
  }
  for (const status of [204, 304]) {
    const res = await get(app, `/custom?status=${status}`, 'gzip');
    assert.equal(res.status, status);
    assert.equal(res.headers.get('content-encoding'), null);
  }
});

test('a strong ETag becomes weak on a compressed body', async () => {
  const res = await get(compressApp(), `/custom?${new URLSearchParams({ header: 'ETag:"v1"' })}`, 'gzip');
  assert.equal(res.headers.get('etag'), 'W/"v1"');
});

test('a stream is compressed whatever its size, and arrives whole', async () => {
  for (const encoding of ['gzip', 'br']) {
    const res = await get(compressApp(), '/stream', encoding);
    assert.equal(res.headers.get('content-encoding'), encoding);
    assert.equal(decode(res), 'abc');
  }
});

test('a file follows the threshold by its Content-Length, and loses Accept-Ranges when compressed', async (t) => {
  const dir = tempDir(t, 'signwire-compress-');
  writeFileSync(path.join(dir, 'large.txt'), LARGE);
  writeFileSync(path.join(dir, 'small.txt'), 'short');
  const app = new App();
  app.use(compress());
  app.get('/files/:name', (c) => c.file(c.req.param('name')!, { root: dir }));
  const large = await get(app, '/files/large.txt', 'gzip');
  assert.equal(large.headers.get('content-encoding'), 'gzip');
  assert.equal(large.headers.get('accept-ranges'), null);
  assert.match(large.headers.get('etag') ?? '', /^W\//);
  assert.equal(decode(large), LARGE);
  const small = await get(app, '/files/small.txt', 'gzip');
  assert.equal(small.headers.get('content-encoding'), null);
  assert.equal(small.headers.get('content-length'), '5');
  assert.equal(small.headers.get('vary'), 'Accept-Encoding');
});

test('invalid options are rejected with ERR_INVALID_OPTION', () => {
  const invalid: CompressOptions[] = [
    { threshold: -1 },
    { threshold: 1.5 },
    { encodings: [] },
    { encodings: ['deflate' as 'gzip'] },
    { level: 10 },
    { level: { br: 12 } },
    { level: { gzip: -1 } },
  ];
  for (const options of invalid) {
    assert.throws(() => compress(options), (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION', JSON.stringify(options));
  }
});

test('level 0 stores, level 9 compresses', async () => {
  const stored = await get(compressApp({ level: 0 }), '/text', 'gzip');
  const best = await get(compressApp({ level: { gzip: 9 } }), '/text', 'gzip');
  assert.ok(stored.body.length > Buffer.byteLength(LARGE), `level 0 gave ${stored.body.length} bytes`);
  assert.ok(best.body.length < Buffer.byteLength(LARGE) / 4);
  assert.equal(decode(stored), LARGE);
  assert.equal(decode(best), LARGE);
});

/** Starts `app` on 127.0.0.1 for the test. */
async function serve(t: TestContext, app: App): Promise<string> {
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  return `http://127.0.0.1:${server.port}`;
}

const HUGE = Array.from({ length: 40_000 }, (_, i) => `${i} the quick brown fox jumps over the lazy dog\n`).join('');

test('curl --compressed receives the original bytes of a large text response', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const app = new App();
  app.use(compress());
  app.get('/huge', (c) => c.text(HUGE));
  const base = await serve(t, app);
  const { stdout, stderr } = await curl(['-v', '--compressed', `${base}/huge`]);
  assert.match(stderr, /^< Content-Encoding: (?:br|gzip)\r?$/im);
  assert.ok(stdout.equals(Buffer.from(HUGE)), `curl got ${stdout.length} bytes, expected ${Buffer.byteLength(HUGE)}`);
});

test('Node fetch decompresses a gzip or br response to the original text', async (t) => {
  const app = new App();
  app.use(compress());
  app.get('/huge', (c) => c.text(HUGE));
  const base = await serve(t, app);
  for (const encoding of ['gzip', 'br']) {
    const res = await fetch(`${base}/huge`, { headers: { 'accept-encoding': encoding }, signal: AbortSignal.timeout(5_000) });
    assert.equal(res.headers.get('content-encoding'), encoding);
    assert.equal(await res.text(), HUGE);
  }
});

test('a streamed response is compressed chunk by chunk and arrives intact over a socket', async (t) => {
  const pieces = Array.from({ length: 200 }, (_, i) => `${JSON.stringify({ i, text: 'event ✓'.repeat(20) })}\n`);
  const app = new App();
  app.use(compress());
  app.get('/text-stream', (c) => c.stream(chunks(pieces, 1), 200, { 'Content-Type': 'text/plain; charset=utf-8' }));
  const base = await serve(t, app);
  for (const encoding of ['gzip', 'br']) {
    const res = await fetch(`${base}/text-stream`, { headers: { 'accept-encoding': encoding }, signal: AbortSignal.timeout(5_000) });
    assert.equal(res.headers.get('content-encoding'), encoding);
    assert.equal(await res.text(), pieces.join(''));
  }
});

test('each chunk of a compressed stream reaches the client before the next is produced', async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  async function* twoParts(): AsyncGenerator<string> {
    yield 'first\n';
    await gate;
    yield 'second\n';
  }
  const app = new App();
  app.use(compress());
  app.get('/live', (c) => c.stream(twoParts(), 200, { 'Content-Type': 'text/event-stream' }));
  const base = await serve(t, app);
  const res = await fetch(`${base}/live`, { headers: { 'accept-encoding': 'gzip' }, signal: AbortSignal.timeout(5_000) });
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const first = await reader.read();
  assert.equal(first.value, 'first\n');
  release();
  let rest = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) rest += next.value;
  assert.equal(rest, 'second\n');
});

test('when the client leaves a compressed stream, the source is closed', async (t) => {
  let closed: () => void = () => {};
  const sourceClosed = new Promise<void>((resolve) => (closed = resolve));
  async function* endless(): AsyncGenerator<string> {
    try {
      for (let i = 0; ; i++) {
        await sleep(2);
        yield `tick ${i}\n`;
      }
    } finally {
      closed();
    }
  }
  const app = new App();
  app.use(compress());
  app.get('/endless', (c) => c.stream(endless(), 200, { 'Content-Type': 'text/plain' }));
  const base = await serve(t, app);
  const controller = new AbortController();
  const res = await fetch(`${base}/endless`, { headers: { 'accept-encoding': 'br' }, signal: controller.signal });
  const reader = res.body!.getReader();
  await reader.read();
  controller.abort();
  await Promise.race([sourceClosed, sleep(3_000).then(() => assert.fail('the source was not closed'))]);
});

test('a source that fails mid-stream cuts the compressed response off, as without compression', async (t) => {
  const logged: unknown[] = [];
  const app = new App({ logger: { error: (error) => logged.push(error) } });
  app.use(compress());
  async function* failing(): AsyncGenerator<string> {
    yield 'partial '.repeat(100);
    await sleep(5);
    throw new Error('the source failed');
  }
  app.get('/failing', (c) => c.stream(failing(), 200, { 'Content-Type': 'text/plain' }));
  const base = await serve(t, app);
  const res = await fetch(`${base}/failing`, { headers: { 'accept-encoding': 'gzip' }, signal: AbortSignal.timeout(5_000) });
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  await assert.rejects(res.text());
  assert.ok(logged.some((error) => error instanceof Error && error.message === 'the source failed'));
});
