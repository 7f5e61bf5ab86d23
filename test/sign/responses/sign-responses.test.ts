/**
 * `signResponses` in an App: what it covers and adds, responses without
 * content (HEAD, 204, 304), streams and files (buffered up to
 * `maxBufferBytes` and signed; larger ones sent whole and unsigned), the
 * order with `compress()` and `verifySignature`, and options checked at
 * startup with stable codes. In-process (`app.request`) unless the wire
 * matters; every verdict comes from the client's `verifyResponse`. What the
 * app answers itself (404s, errors) is in app-answers.test.ts.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { signRequest, verifyResponse, type SentRequest } from '../../../src/client/index.ts';
import { App, compress, contentDigest, signResponses, verifySignature, type InProcessResponse, type SignResponsesOptions } from '../../../src/index.ts';
import { bounded, listen } from '../../helpers/app.ts';

const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;
const SECRET = 'responses secret';
const SIGNER = { keyId: 'api', key: SECRET, alg: 'hmac-sha256' } as const satisfies SignResponsesOptions;
const VERIFY = { key: SECRET, alg: 'hmac-sha256' } as const;

function signingApp(options: Partial<SignResponsesOptions> = {}): App {
  const app = new App({ logger: { access: undefined, error: () => {} } });
  app.use(signResponses({ ...SIGNER, ...options }));
  return app;
}

/** The in-process answer as verifyResponse takes it (the body as it was framed, not content-decoded). */
function plain(res: InProcessResponse): { status: number; headers: Headers; body: Uint8Array } {
  return { status: res.status, headers: res.headers, body: new Uint8Array(res.body) };
}

const get = (path: string, method = 'GET'): SentRequest => ({ method, url: `http://localhost${path}` });

async function* chunks(count: number, size: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) yield String.fromCharCode(97 + (i % 26)).repeat(size);
}

describe('what a signed response carries', () => {
  const app = signingApp();
  app.get('/orders/:id', (c) => c.json({ id: c.req.param('id') }));

  test('Content-Digest of the exact bytes, Content-Length, and reqres covering status, type, digest and the request', async () => {
    const res = await app.request('/orders/7?view=full');
    assert.equal(res.headers.get('content-digest'), contentDigest('{"id":"7"}'));
    assert.equal(res.body.toString(), '{"id":"7"}');
    assert.equal(res.headers.get('content-length'), String(res.body.length));
    assert.match(
      res.headers.get('signature-input') ?? '',
      /^reqres=\("@status" "content-type" "content-digest" "@method";req "@authority";req "@path";req "@query";req\);created=\d+;keyid="api";alg="hmac-sha256"$/,
    );
    assert.deepEqual({ ...(await verifyResponse(plain(res), { request: get('/orders/7?view=full'), ...VERIFY })), created: 0 }, { keyId: 'api', alg: 'hmac-sha256', label: 'reqres', created: 0 });
  });

  test('label, tag and nonce options show in Signature-Input; a listed field is covered when present, left out when absent', async () => {
    const custom = signingApp({ label: 'resp', tag: 'orders-v1', nonce: true, components: ['@status', 'content-digest', 'x-request-id'] });
    custom.get('/tagged', (c) => c.header('X-Request-Id', 'r-1').text('ok'));
    custom.get('/plain', (c) => c.text('ok'));
    const tagged = await custom.request('/tagged');
    assert.match(tagged.headers.get('signature-input') ?? '', /^resp=\("@status" "content-digest" "x-request-id"\);created=\d+;nonce="[\w-]{22}";keyid="api";alg="hmac-sha256";tag="orders-v1"$/);
    const require = ['@status', 'x-request-id'];
    await verifyResponse(plain(tagged), { request: get('/tagged'), ...VERIFY, require });
    const bare = await custom.request('/plain');
    assert.match(bare.headers.get('signature-input') ?? '', /^resp=\("@status" "content-digest"\)/);
    await assert.rejects(verifyResponse(plain(bare), { request: get('/plain'), ...VERIFY, require }), code('ERR_SIG_COMPONENTS'));
  });

  test('the signature verifySignature verified is bound by its own label', async () => {
    const bound = signingApp();
    bound.post('/orders', verifySignature({ keys: { client: { alg: 'hmac-sha256', secret: 'c' } } }), (c) => c.json({ ok: true }, 201));
    const url = 'http://localhost/orders';
    const added = await signRequest({ method: 'POST', url, body: '{}' }, { keyId: 'client', key: 'c', alg: 'hmac-sha256', label: 'order' });
    const res = await bound.request(url, { method: 'POST', headers: added, body: '{}' });
    assert.equal(res.status, 201);
    assert.match(res.headers.get('signature-input') ?? '', /"signature";req;key="order"\)/);
    await verifyResponse(plain(res), { request: { method: 'POST', url, headers: added }, ...VERIFY });
  });

  test('a refusal by verifySignature inside it (401) is signed too, and still bound to the request', async () => {
    const guarded = signingApp();
    guarded.post('/orders', verifySignature({ keys: { client: { alg: 'hmac-sha256', secret: 'c' } } }), (c) => c.json({ ok: true }));
    const res = await guarded.request('/orders', { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
    await verifyResponse(plain(res), { request: { method: 'POST', url: 'http://localhost/orders' }, ...VERIFY });
  });
});

describe('responses without content, streams and files', () => {
  test('HEAD, 204 and 304 are signed without Content-Digest', async () => {
    const app = signingApp();
    app.get('/item', (c) => c.json({ id: 1 }));
    app.get('/stream', (c) => c.stream(chunks(3, 10)));
    app.delete('/item', (c) => c.status(204));
    app.get('/cached', (c) => c.status(304));
    for (const [path, method, status] of [['/item', 'HEAD', 200], ['/stream', 'HEAD', 200], ['/item', 'DELETE', 204], ['/cached', 'GET', 304]] as const) {
      const res = await app.request(path, { method });
      assert.equal(res.status, status);
      assert.equal(res.headers.get('content-digest'), null, `${method} ${path}`);
      assert.match(res.headers.get('signature-input') ?? '', /^reqres=\("@status"/);
      await verifyResponse(plain(res), { request: get(path, method), ...VERIFY });
    }
  });

  test('a stream under the limit is buffered, sent with Content-Length and signed (over a socket)', async (t) => {
    const app = signingApp({ maxBufferBytes: 64 * 1024 });
    app.get('/stream', (c) => c.stream(chunks(50, 1000)));
    const server = await listen(t, app);
    const request = get('/stream');
    const url = `http://127.0.0.1:${server.port}/stream`;
    const res = await fetch(url, { signal: bounded(5_000) });
    assert.equal(res.headers.get('content-length'), '50000');
    await verifyResponse(res, { request: { ...request, url }, ...VERIFY });
    assert.equal((await res.text()).length, 50_000);
  });

  test('a stream over the limit goes out whole and unsigned: verifyResponse refuses it (ERR_SIG_MISSING)', async (t) => {
    const app = signingApp({ maxBufferBytes: 10_000 });
    app.get('/stream', (c) => c.stream(chunks(50, 1000)));
    app.get('/small', (c) => c.text('signed still'));
    const server = await listen(t, app);
    const url = `http://127.0.0.1:${server.port}/stream`;
    const res = await fetch(url, { signal: bounded(5_000) });
    assert.equal(res.headers.get('signature'), null);
    await assert.rejects(verifyResponse(res, { request: { method: 'GET', url }, ...VERIFY }), code('ERR_SIG_MISSING'));
    assert.equal(await res.text(), [...'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx'].map((ch) => ch.repeat(1000)).join(''));
    const small = await fetch(`http://127.0.0.1:${server.port}/small`, { signal: bounded(5_000) });
    assert.notEqual(small.headers.get('signature'), null);
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signwire-responses-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'small.json'), '{"file":true}');
    writeFileSync(join(dir, 'large.bin'), new Uint8Array(5000).fill(7));

    test('a file under the limit is signed over its bytes; one over it (known from its size) is sent unsigned', async () => {
      const app = signingApp({ maxBufferBytes: 4096 });
      app.get('/files/:name', (c) => c.file(c.req.param('name')!, { root: dir }));
      const small = await app.request('/files/small.json');
      assert.equal(small.body.toString(), '{"file":true}');
      await verifyResponse(plain(small), { request: get('/files/small.json'), ...VERIFY });
      const large = await app.request('/files/large.bin');
      assert.equal(large.body.length, 5000);
      assert.equal(large.headers.get('signature'), null);
    });
  });

  test('a stream that fails while being buffered answers 500, not a hang', async () => {
    const app = signingApp();
    app.get('/broken', (c) =>
      c.stream(
        (async function* () {
          yield 'a';
          throw new Error('disk gone');
        })(),
      ),
    );
    const res = await app.request('/broken');
    assert.equal(res.status, 500);
  });
});

describe('order with other middleware', () => {
  test('with compress() after it, the digest is over the gzip bytes sent; a fetch-decoded body then fails ERR_SIG_DIGEST', async () => {
    const app = signingApp();
    app.use(compress({ threshold: 0 }));
    app.get('/big', (c) => c.json({ text: 'x'.repeat(4000) }));
    const res = await app.request('/big', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    await verifyResponse(plain(res), { request: get('/big'), ...VERIFY });
    const decoded = new Response(new Blob([new Uint8Array(res.body)]).stream().pipeThrough(new DecompressionStream('gzip')), { headers: res.headers });
    await assert.rejects(verifyResponse(decoded, { request: get('/big'), ...VERIFY }), code('ERR_SIG_DIGEST'));
  });

  test('with compress() before it, the digest is still over the gzip bytes sent: it signs at send time', async () => {
    const app = new App({ logger: { access: undefined, error: () => {} } });
    app.use(compress({ threshold: 0 }));
    app.use(signResponses(SIGNER));
    app.get('/big', (c) => c.json({ text: 'x'.repeat(4000) }));
    const res = await app.request('/big', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(res.headers.get('content-digest'), contentDigest(res.body));
    await verifyResponse(plain(res), { request: get('/big'), ...VERIFY });
  });

  test('a middleware before it that changes the answer after next(): what is sent is what is signed', async () => {
    const app = new App({ logger: { access: undefined, error: () => {} } });
    app.use(async (c, next) => {
      await next();
      c.status(202).header('Content-Type', 'text/plain; charset=utf-8');
      c.output = 'rewritten';
    });
    app.use(signResponses(SIGNER));
    app.get('/', (c) => c.json({ original: true }));
    const res = await app.request('/');
    assert.deepEqual([res.status, res.body.toString()], [202, 'rewritten']);
    await verifyResponse(plain(res), { request: get('/'), ...VERIFY });
  });
});

describe('options are checked at startup', () => {
  const ed = generateKeyPairSync('ed25519');
  const cases: Array<[string, Partial<SignResponsesOptions> & Record<string, unknown>, string]> = [
    ['no keyId', { keyId: '' }, 'ERR_INVALID_OPTION'],
    ['an unknown alg', { alg: 'rsa-sha1' as never }, 'ERR_INVALID_OPTION'],
    ['a label that is not a structured field key', { label: 'Sig 1' }, 'ERR_INVALID_OPTION'],
    ['a request component without ;req', { components: ['@status', '@path'] }, 'ERR_INVALID_OPTION'],
    ['"@status" with ;req', { components: [{ name: '@status', params: { req: true } }] }, 'ERR_INVALID_OPTION'],
    ['a component listed twice', { components: ['@status', '@status'] }, 'ERR_INVALID_OPTION'],
    ['a negative maxBufferBytes', { maxBufferBytes: -1 }, 'ERR_INVALID_OPTION'],
    ['a tag with a control character', { tag: 'a\nb' }, 'ERR_INVALID_OPTION'],
    ['an empty hmac secret', { key: '' }, 'ERR_INVALID_KEY'],
    ['an hmac secret for ed25519', { alg: 'ed25519' }, 'ERR_INVALID_KEY'],
    ['a public key for ed25519', { alg: 'ed25519', key: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, 'ERR_INVALID_KEY'],
    ['an ed25519 key for ecdsa-p256-sha256', { alg: 'ecdsa-p256-sha256', key: ed.privateKey }, 'ERR_INVALID_KEY'],
  ];
  for (const [what, options, expected] of cases) {
    test(`${what}: ${expected}`, () => {
      assert.throws(() => signResponses({ ...SIGNER, ...options } as SignResponsesOptions), code(expected));
    });
  }

  test('a PEM private key and a KeyObject both sign', async () => {
    for (const key of [ed.privateKey, ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()]) {
      const app = signingApp({ alg: 'ed25519', key });
      app.get('/', (c) => c.text('hi'));
      const publicKey = ed.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      await verifyResponse(plain(await app.request('/')), { request: get('/'), key: publicKey, alg: 'ed25519' });
    }
  });
});
