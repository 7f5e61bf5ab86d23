/**
 * Static files through a real socket, to real clients: curl (a download, a
 * `-r` range, a conditional GET, traversal with `--path-as-is`) and Node's
 * fetch (a range, and a file of several MiB streamed intact).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { App, serveStatic, type Server } from '../../src/index.ts';
import { curl, requireBinary, tempDir } from '../helpers/clients.ts';

const TIMEOUT_MS = 10_000;
const SECRET = 'TOP-SECRET-CONTENT';

interface Site {
  readonly base: string;
  readonly dir: string;
  readonly small: Buffer;
  readonly large: Buffer;
}

/** A root with a 256 KiB and an 8 MiB random file, a secret next to it, served on a free port. */
async function startSite(t: TestContext): Promise<Site> {
  const dir = tempDir(t, 'signwire-static-e2e-');
  const root = path.join(dir, 'public');
  mkdirSync(root);
  const small = randomBytes(256 * 1024);
  const large = randomBytes(8 * 1024 * 1024);
  writeFileSync(path.join(root, 'small.bin'), small);
  writeFileSync(path.join(root, 'large.bin'), large);
  writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  const app = new App().use(serveStatic(root));
  const server: Server = await app.listen({ port: 0 });
  t.after(() => server.close());
  return { base: `http://127.0.0.1:${server.port}`, dir, small, large };
}

/** curl writing the body to a file; resolves with the status code and the bytes. */
async function curlToFile(site: Site, args: readonly string[]): Promise<{ status: number; body: Buffer }> {
  const out = path.join(site.dir, `out-${randomBytes(4).toString('hex')}`);
  const { stdout } = await curl(['-o', out, '-w', '%{http_code}', ...args], { timeoutMs: TIMEOUT_MS });
  let body = Buffer.alloc(0);
  try {
    body = readFileSync(out);
  } catch {
    // no body was written (304)
  }
  return { status: Number(stdout.toString()), body };
}

test('curl downloads a file byte for byte', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const site = await startSite(t);
  const { status, body } = await curlToFile(site, [`${site.base}/small.bin`]);
  assert.equal(status, 200);
  assert.ok(body.equals(site.small), 'the downloaded bytes differ');
});

test('curl -r 0-99 gets a 206 with the first 100 bytes', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const site = await startSite(t);
  const { status, body } = await curlToFile(site, ['-r', '0-99', `${site.base}/small.bin`]);
  assert.equal(status, 206);
  assert.ok(body.equals(site.small.subarray(0, 100)));
});

test('curl with If-None-Match set to the ETag gets a 304 and no body', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const site = await startSite(t);
  const head = await curl(['-I', `${site.base}/small.bin`]);
  const etag = /^etag: (.+?)\r?$/im.exec(head.stdout.toString('latin1'))?.[1];
  assert.ok(etag !== undefined, 'HEAD shows an ETag');
  const { status, body } = await curlToFile(site, ['-H', `If-None-Match: ${etag}`, `${site.base}/small.bin`]);
  assert.equal(status, 304);
  assert.equal(body.length, 0);
});

test('curl --path-as-is with traversal targets never gets the secret', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const site = await startSite(t);
  for (const target of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/a/..%5c..%5csecret.txt', '/%252e%252e/secret.txt']) {
    const { status, body } = await curlToFile(site, ['--path-as-is', `${site.base}${target}`]);
    assert.ok(status === 400 || status === 404, `${target}: ${status}`);
    assert.ok(!body.includes(SECRET), target);
  }
});

test('fetch with a Range header gets a 206 with Content-Range and the exact bytes', async (t) => {
  const site = await startSite(t);
  const res = await fetch(`${site.base}/large.bin`, { headers: { Range: 'bytes=1000-1999' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  assert.equal(res.status, 206);
  assert.equal(res.headers.get('content-range'), `bytes 1000-1999/${site.large.length}`);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(site.large.subarray(1000, 2000)));
});

test('fetch streams an 8 MiB file intact, with its Content-Length', async (t) => {
  const site = await startSite(t);
  const res = await fetch(`${site.base}/large.bin`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-length'), String(site.large.length));
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(site.large), 'the streamed bytes differ');
});
