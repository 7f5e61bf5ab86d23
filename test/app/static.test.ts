/**
 * `c.file()` and `serveStatic()` in process (`app.request`): content types,
 * validators, conditional requests (RFC 9110 §13), single ranges (§14), HEAD,
 * index files, fall-through, dotfiles, symlinks, and path traversal — the
 * last also over a raw socket, since `app.request` normalizes its URL first.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { App, HttpError, SignwireError, serveStatic, type InProcessResponse } from '../../src/index.ts';
import { contentTypeFor, isCompressible } from '../../src/app/mime.ts';
import { parseRange, requestSegments } from '../../src/app/static.ts';
import { parseResponses, rawExchange } from '../helpers/server.ts';

const SECRET = 'TOP-SECRET-CONTENT';
const MTIME = new Date('2024-01-02T03:04:05Z');
const MTIME_HTTP = MTIME.toUTCString();

const dir = mkdtempSync(path.join(os.tmpdir(), 'signwire-static-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const root = path.join(dir, 'public');
const files: Record<string, string | Buffer> = {
  'hello.txt': 'Hello, World!\n',
  'digits.txt': '0123456789',
  'app.js': 'export {};\n',
  'style.css': 'body{}',
  'data.json': '{"a":1}',
  'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  'icon.svg': '<svg/>',
  'blob.xyz': 'raw',
  'empty.txt': '',
  'index.html': '<h1>home</h1>',
  'docs/index.html': '<h1>docs</h1>',
  'bare/readme.md': '# bare',
  '.env': SECRET,
};
mkdirSync(path.join(root, 'docs'), { recursive: true });
mkdirSync(path.join(root, 'bare'));
for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, name), content);
writeFileSync(path.join(dir, 'secret.txt'), SECRET);
symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link-out.txt'));
symlinkSync(path.join(root, 'hello.txt'), path.join(root, 'link-in.txt'));
for (const name of ['digits.txt', 'hello.txt']) utimesSync(path.join(root, name), MTIME, MTIME);

const app = new App();
app.use(serveStatic(root));
app.get('/fallback.txt', (c) => c.text('from the route'));
app.get('/file/:name', (c) => c.file(c.req.param('name')!, { root, maxAge: 60, immutable: true }));
app.get('/missing', (c) => c.file(path.join(dir, 'nope.txt')));
app.get('/strong/:name', (c) => c.file(path.join(root, c.req.param('name')!), { etag: 'strong' }));
app.get('/custom-404', (c) => {
  c.status(404);
  return c.file(path.join(root, 'hello.txt'));
});

function get(target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<InProcessResponse> {
  return app.request(target, { method, headers });
}

async function errorCodeOf(res: InProcessResponse): Promise<string | undefined> {
  return (await res.json<{ error?: { code?: string } }>()).error?.code;
}

describe('files and their headers', () => {
  test('a file is served with Content-Type, Content-Length, ETag, Last-Modified and Accept-Ranges', async () => {
    const res = await get('/hello.txt');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Hello, World!\n');
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(res.headers.get('content-length'), '14');
    assert.equal(res.headers.get('etag'), `W/"e-${MTIME.getTime().toString(16)}"`);
    assert.equal(res.headers.get('last-modified'), MTIME_HTTP);
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.equal(res.headers.get('cache-control'), null);
  });

  test('content types follow the extension, with a charset for text', async () => {
    const expected: Record<string, string> = {
      '/app.js': 'text/javascript; charset=utf-8',
      '/style.css': 'text/css; charset=utf-8',
      '/data.json': 'application/json; charset=utf-8',
      '/logo.png': 'image/png',
      '/icon.svg': 'image/svg+xml; charset=utf-8',
      '/blob.xyz': 'application/octet-stream',
    };
    for (const [target, type] of Object.entries(expected)) assert.equal((await get(target)).headers.get('content-type'), type, target);
  });

  test('an empty file is a 200 with Content-Length 0', async () => {
    const res = await get('/empty.txt');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '0');
    assert.equal(res.body.length, 0);
  });

  test('HEAD sends the headers of GET and no body', async () => {
    const res = await get('/hello.txt', {}, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '14');
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(res.body.length, 0);
  });

  test('a file larger than one read chunk is streamed intact', async () => {
    const big = Buffer.alloc(300_000, 'abcdefghij');
    writeFileSync(path.join(root, 'big.bin'), big);
    const res = await get('/big.bin');
    assert.equal(res.headers.get('content-length'), String(big.length));
    assert.ok(res.body.equals(big));
  });
});

describe('conditional requests (RFC 9110 §13)', () => {
  const etag = `W/"a-${MTIME.getTime().toString(16)}"`;

  test('If-None-Match with the ETag (weak comparison, in a list, or *) is a 304 with no body', async () => {
    for (const value of [etag, etag.slice(2), `"x", ${etag}`, '*']) {
      const res = await get('/digits.txt', { 'If-None-Match': value });
      assert.equal(res.status, 304, value);
      assert.equal(res.body.length, 0);
      assert.equal(res.headers.get('etag'), etag);
      assert.equal(res.headers.get('content-length'), null);
    }
  });

  test('If-Modified-Since at or after Last-Modified is a 304, before it a 200', async () => {
    assert.equal((await get('/digits.txt', { 'If-Modified-Since': MTIME_HTTP })).status, 304);
    assert.equal((await get('/digits.txt', { 'If-Modified-Since': 'Sun Jan  7 00:00:00 2024' })).status, 304);
    assert.equal((await get('/digits.txt', { 'If-Modified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' })).status, 200);
    assert.equal((await get('/digits.txt', { 'If-Modified-Since': 'not a date' })).status, 200);
  });

  test('If-None-Match takes precedence over If-Modified-Since', async () => {
    const res = await get('/digits.txt', { 'If-None-Match': '"other"', 'If-Modified-Since': MTIME_HTTP });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '0123456789');
  });

  test('a failed If-Match or If-Unmodified-Since is a 412 ERR_PRECONDITION_FAILED', async () => {
    const ifMatch = await get('/strong/digits.txt', { 'If-Match': '"other"' });
    assert.equal(ifMatch.status, 412);
    assert.equal(await errorCodeOf(ifMatch), 'ERR_PRECONDITION_FAILED');
    const weak = await get('/digits.txt', { 'If-Match': etag }); // If-Match compares strongly
    assert.equal(weak.status, 412);
    const unmodified = await get('/digits.txt', { 'If-Unmodified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' });
    assert.equal(unmodified.status, 412);
    assert.equal((await get('/digits.txt', { 'If-Unmodified-Since': MTIME_HTTP })).status, 200);
  });
});

describe('ranges (RFC 9110 §14)', () => {
  const cases: Array<[range: string, body: string, contentRange: string]> = [
    ['bytes=0-4', '01234', 'bytes 0-4/10'],
    ['bytes=-5', '56789', 'bytes 5-9/10'],
    ['bytes=5-', '56789', 'bytes 5-9/10'],
    ['bytes=8-100', '89', 'bytes 8-9/10'],
    ['BYTES=3-3', '3', 'bytes 3-3/10'],
  ];
  for (const [range, body, contentRange] of cases) {
    test(`Range: ${range} is a 206 with Content-Range ${contentRange}`, async () => {
      const res = await get('/digits.txt', { Range: range });
      assert.equal(res.status, 206);
      assert.equal(await res.text(), body);
      assert.equal(res.headers.get('content-range'), contentRange);
      assert.equal(res.headers.get('content-length'), String(body.length));
    });
  }

  test('a range past the end is a 416 with Content-Range: bytes */size', async () => {
    for (const [target, range, size] of [['/digits.txt', 'bytes=10-', '10'], ['/digits.txt', 'bytes=-0', '10'], ['/empty.txt', 'bytes=0-', '0']] as const) {
      const res = await get(target, { Range: range });
      assert.equal(res.status, 416, range);
      assert.equal(res.headers.get('content-range'), `bytes */${size}`);
      assert.equal(await errorCodeOf(res), 'ERR_RANGE_NOT_SATISFIABLE');
    }
  });

  test('several ranges, an invalid range or another unit get the whole file (200)', async () => {
    for (const range of ['bytes=0-1,4-5', 'bytes=5-2', 'bytes=x-1', 'items=0-1', 'bytes=']) {
      const res = await get('/digits.txt', { Range: range });
      assert.equal(res.status, 200, range);
      assert.equal(await res.text(), '0123456789');
    }
  });

  test('HEAD ignores Range (range handling is defined for GET only)', async () => {
    const res = await get('/digits.txt', { Range: 'bytes=0-4' }, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '10');
  });

  test('If-Range: a strongly matching ETag or the exact date gives the range, anything else the whole file', async () => {
    const strong = (await get('/strong/digits.txt')).headers.get('etag')!;
    assert.equal((await get('/strong/digits.txt', { Range: 'bytes=0-1', 'If-Range': strong })).status, 206);
    assert.equal((await get('/strong/digits.txt', { Range: 'bytes=0-1', 'If-Range': '"old"' })).status, 200);
    assert.equal((await get('/digits.txt', { Range: 'bytes=0-1', 'If-Range': `W/${strong}` })).status, 200);
    assert.equal((await get('/digits.txt', { Range: 'bytes=0-1', 'If-Range': MTIME_HTTP })).status, 206);
    assert.equal((await get('/digits.txt', { Range: 'bytes=0-1', 'If-Range': 'Mon, 01 Jan 2024 00:00:00 GMT' })).status, 200);
  });

  test('parseRange reads one range and leaves the rest to the whole file', () => {
    assert.deepEqual(parseRange('bytes=0-4', 10), { start: 0, end: 4 });
    assert.deepEqual(parseRange('bytes=-20', 10), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=0-4, ', 10), { start: 0, end: 4 });
    assert.equal(parseRange('bytes=99999999999999999999-', 10), 'unsatisfiable');
    assert.equal(parseRange('bytes=-', 10), undefined);
    assert.equal(parseRange('bytes = 0-4', 10), undefined);
  });
});

describe('serveStatic: mapping, index, fall-through', () => {
  test('a directory serves its index.html', async () => {
    assert.equal(await (await get('/')).text(), '<h1>home</h1>');
    const docs = await get('/docs/');
    assert.equal(await docs.text(), '<h1>docs</h1>');
    assert.equal(docs.headers.get('content-type'), 'text/html; charset=utf-8');
  });

  test('a directory without its trailing slash is redirected (301) to it, with its query', async () => {
    for (const [target, location] of [['/docs', '/docs/'], ['/docs?v=1', '/docs/?v=1']] as const) {
      const res = await get(target);
      assert.equal(res.status, 301, target);
      assert.equal(res.headers.get('location'), location, target);
    }
  });

  test('the redirect of "//docs" (sent raw) stays on this host: Location /docs/, never //docs/', async (t) => {
    const server = await app.listen({ port: 0 });
    t.after(() => server.close());
    const { data } = await rawExchange(server.port, 'GET //docs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const [res] = parseResponses(data);
    assert.equal(res?.status, 301);
    assert.equal(res.headers['location'], '/docs/');
  });

  test('no matching file falls through to the next handler', async () => {
    const res = await get('/fallback.txt');
    assert.equal(await res.text(), 'from the route');
    assert.equal((await get('/bare/')).status, 404, 'a directory without index.html');
    assert.equal((await get('/hello.txt/')).status, 404, 'a file used as a directory');
    const post = await get('/hello.txt', {}, 'POST');
    assert.notEqual(post.status, 200, 'only GET and HEAD are served');
  });

  test('the prefix option strips the mount path', async () => {
    const mounted = new App().use('/static', serveStatic(root, { prefix: '/static/', maxAge: 3600 }));
    const res = await mounted.request('/static/hello.txt');
    assert.equal(await res.text(), 'Hello, World!\n');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=3600');
    assert.equal((await mounted.request('/static')).headers.get('location'), '/static/');
    assert.equal(await (await mounted.request('/static/')).text(), '<h1>home</h1>');
    assert.equal((await mounted.request('/hello.txt')).status, 404);
    assert.equal((await mounted.request('/statichello.txt')).status, 404);
  });

  test('dotfiles are ignored by default and served with dotfiles: "allow"', async () => {
    const res = await get('/.env');
    assert.equal(res.status, 404);
    assert.ok(!res.body.toString().includes(SECRET));
    const allowing = new App().use(serveStatic(root, { dotfiles: 'allow' }));
    assert.equal(await (await allowing.request('/.env')).text(), SECRET);
  });

  test('a symlink inside root is followed; one pointing outside root is refused', async () => {
    assert.equal(await (await get('/link-in.txt')).text(), 'Hello, World!\n');
    const out = await get('/link-out.txt');
    assert.equal(out.status, 404);
    assert.ok(!out.body.toString().includes(SECRET));
  });

  test('invalid options are refused when the middleware is built', () => {
    const invalid = (fn: () => unknown): void => assert.throws(fn, (e: unknown) => e instanceof SignwireError && e.code === 'ERR_INVALID_OPTION');
    invalid(() => serveStatic(''));
    invalid(() => serveStatic(root, { maxAge: -1 }));
    invalid(() => serveStatic(root, { maxAge: 1.5 }));
    invalid(() => serveStatic(root, { prefix: 'static' }));
    invalid(() => serveStatic(root, { index: '../x.html' }));
  });
});

describe('path traversal', () => {
  const attempts = ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/a/..%5c..%5csecret.txt', '/%00', '/a\\b',
    '/..;/secret.txt', '/%252e%252e/secret.txt', '/.%2e/secret.txt', '/docs/%2e%2e/%2e%2e/secret.txt', '/%ff', '/link-out.txt'];

  test('in process: no attempt reaches the secret', async () => {
    for (const target of attempts) {
      const res = await get(target);
      assert.ok(res.status === 400 || res.status === 404, `${target}: ${res.status}`);
      assert.ok(!res.body.toString().includes(SECRET), target);
    }
  });

  test('over a raw socket, the target exactly as sent: 400 ERR_BAD_PATH or 404, never the secret', async (t) => {
    const server = await app.listen({ port: 0 });
    t.after(() => server.close());
    for (const target of [...attempts, '/docs/../../secret.txt', '/./../secret.txt', '/a/..\\..\\secret.txt']) {
      const { data } = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const [res] = parseResponses(data);
      assert.ok(res !== undefined && (res.status === 400 || res.status === 404), `${target}: ${data.toString('latin1').slice(0, 40)}`);
      assert.ok(!data.includes(SECRET), target);
    }
  });

  test('requestSegments decodes once and refuses "..", backslashes, NUL and bad escapes', () => {
    assert.deepEqual(requestSegments('/a//b%20c.txt'), ['a', 'b c.txt']);
    assert.deepEqual(requestSegments('/%252e%252e/x'), ['%2e%2e', 'x']);
    for (const bad of ['/../x', '/%2e%2e/x', '/%2E%2E/x', '/..%2fx', '/a/..%5cx', '/a\\b', '/%00', '/a%00.txt', '/%zz', '/%c0%ae%c0%ae/x']) {
      assert.throws(() => requestSegments(bad), (e: unknown) => e instanceof HttpError && e.status === 400 && e.code === 'ERR_BAD_PATH', bad);
    }
  });
});

describe('c.file', () => {
  test('with root: serves the named file and sends Cache-Control from maxAge', async () => {
    const res = await get('/file/hello.txt');
    assert.equal(await res.text(), 'Hello, World!\n');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=60, immutable');
  });

  test('with root: a name that would leave root is a 400, a symlink out of it a 404', async () => {
    const res = await get('/file/..%2fsecret.txt');
    assert.equal(res.status, 400);
    assert.equal(await errorCodeOf(res), 'ERR_BAD_PATH');
    assert.equal((await get('/file/link-out.txt')).status, 404);
  });

  test('a missing file is a 404 ERR_NOT_FOUND that does not show the server path', async () => {
    const res = await get('/missing');
    assert.equal(res.status, 404);
    assert.equal(await errorCodeOf(res), 'ERR_NOT_FOUND');
    assert.ok(!res.body.toString().includes(dir));
    assert.ok(!res.body.toString().includes('nope'));
  });

  test('a status set before is kept, and preconditions are then not evaluated', async () => {
    const res = await get('/custom-404', { 'If-None-Match': '*' });
    assert.equal(res.status, 404);
    assert.equal(await res.text(), 'Hello, World!\n');
  });
});

describe('mime', () => {
  test('contentTypeFor maps common extensions and falls back to application/octet-stream', () => {
    assert.equal(contentTypeFor('a/B.HTML'), 'text/html; charset=utf-8');
    assert.equal(contentTypeFor('x.mjs'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('font.woff2'), 'font/woff2');
    assert.equal(contentTypeFor('.env'), 'application/octet-stream');
    assert.equal(contentTypeFor('x.constructor'), 'application/octet-stream');
    assert.equal(contentTypeFor('Makefile'), 'application/octet-stream');
  });

  test('isCompressible is true for text-like types and false for compressed media', () => {
    for (const type of ['text/html; charset=utf-8', 'application/json', 'text/javascript', 'image/svg+xml', 'application/wasm', 'application/ld+json']) {
      assert.equal(isCompressible(type), true, type);
    }
    for (const type of ['image/png', 'font/woff2', 'application/zip', 'video/mp4', 'application/octet-stream']) {
      assert.equal(isCompressible(type), false, type);
    }
  });
});
