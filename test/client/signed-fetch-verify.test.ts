/**
 * `signedFetch({ verifyResponse })` over a real socket: an App on
 * 127.0.0.1 with `verifySignature` and `signResponses` answers; each
 * response is verified against the request exactly as it was signed, so
 * good answers (a 201, a 404, an error) resolve with their body still
 * readable, and a response that is unsigned, signed by another key,
 * changed on the way, or meant for another request rejects with its
 * `ERR_SIG_*` code. A compressing server still verifies (identity asked),
 * unless the caller asks for gzip itself. Bad options fail at creation.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { signedFetch, type ResponseCheckOptions } from '../../src/client/index.ts';
import { App, compress, HttpError, signResponses, verifySignature } from '../../src/index.ts';
import { bounded, recordingLogger } from '../helpers/app.ts';

const CLIENT_SECRET = 'signed-fetch verify client secret';
const SERVER = generateKeyPairSync('ed25519');
const SERVER_PUBLIC = SERVER.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const CHECK: ResponseCheckOptions = { key: SERVER_PUBLIC, alg: 'ed25519' };

const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;

interface Started {
  readonly origin: string;
  readonly seen: Array<string | undefined>;
}

/** An app that verifies requests and signs its answers (unless `signing` is false); `seen` keeps Accept-Encoding. */
async function startApp(t: TestContext, signing = true): Promise<Started> {
  const app = new App({ logger: recordingLogger().logger });
  const seen: Array<string | undefined> = [];
  app.use((c, next) => (seen.push(c.req.header('accept-encoding')), next()));
  if (signing) app.use(signResponses({ keyId: 'api', key: SERVER.privateKey, alg: 'ed25519' }));
  app.use(compress({ threshold: 0 }));
  const guard = verifySignature({ keys: { client: { alg: 'hmac-sha256', secret: CLIENT_SECRET } } });
  app.post('/orders', guard, async (c) => c.json({ order: await c.req.json(), padding: 'x'.repeat(2000) }, 201));
  app.get('/orders/:id', guard, (c) => {
    throw new HttpError(409, 'locked', { code: 'ERR_LOCKED' });
  });
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close({ graceMs: 0 }));
  return { origin: `http://127.0.0.1:${server.port}`, seen };
}

function client(check: ResponseCheckOptions = CHECK, fetchWith?: typeof fetch): typeof fetch {
  return signedFetch({ keyId: 'client', key: CLIENT_SECRET, alg: 'hmac-sha256', verifyResponse: check, ...(fetchWith !== undefined && { fetch: fetchWith }) });
}

/** A fetch with a 5 s bound, whose response `change` may replace (a stand-in for a proxy on the way). */
function via(change: (res: Response) => Promise<Response> | Response = (res) => res): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => change(await fetch(input, { ...init, signal: bounded(5_000) }))) as typeof fetch;
}

test('a signed POST: the 201 verifies, its body is still readable, and identity was asked for', async (t) => {
  const { origin, seen } = await startApp(t);
  const res = await client(CHECK, via())(`${origin}/orders?tenant=a`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"tea"}' });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('content-encoding'), null);
  assert.match(res.headers.get('signature-input') ?? '', /"signature";req;key="sig1"\)/);
  assert.deepEqual(((await res.json()) as { order: unknown }).order, { sku: 'tea' });
  assert.deepEqual(seen, ['identity']);
});

test("the app's own answers verify too: a 404 for no route and a thrown HttpError (409)", async (t) => {
  const { origin } = await startApp(t);
  const api = client(CHECK, via());
  assert.equal((await api(`${origin}/nowhere`)).status, 404);
  const locked = await api(`${origin}/orders/7`);
  assert.equal(locked.status, 409);
  assert.equal(((await locked.json()) as { error: { code: string } }).error.code, 'ERR_LOCKED');
});

test('a server that does not sign its answers: ERR_SIG_MISSING', async (t) => {
  const { origin } = await startApp(t, false);
  await assert.rejects(client(CHECK, via())(`${origin}/nowhere`), code('ERR_SIG_MISSING'));
});

test('answers checked with another key: ERR_SIG_INVALID; with a pinned key id the server does not use: ERR_SIG_UNKNOWN_KEY', async (t) => {
  const { origin } = await startApp(t);
  const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await assert.rejects(client({ key: other, alg: 'ed25519' }, via())(`${origin}/nowhere`), code('ERR_SIG_INVALID'));
  await assert.rejects(client({ ...CHECK, keyId: 'api-2' }, via())(`${origin}/nowhere`), code('ERR_SIG_UNKNOWN_KEY'));
});

test('a keys map (the keys file shape) verifies by key id', async (t) => {
  const { origin } = await startApp(t);
  const res = await client({ keys: { api: { alg: 'ed25519', publicKey: SERVER_PUBLIC } } }, via())(`${origin}/nowhere`);
  assert.equal(res.status, 404);
});

test('changed on the way: another body is ERR_SIG_DIGEST, another status ERR_SIG_INVALID', async (t) => {
  const { origin } = await startApp(t);
  const rebody = via(async (res) => new Response('{"order":"forged"}', { status: res.status, headers: res.headers }));
  await assert.rejects(client(CHECK, rebody)(`${origin}/nowhere`), code('ERR_SIG_DIGEST'));
  const restatus = via(async (res) => new Response(await res.arrayBuffer(), { status: 200, headers: res.headers }));
  await assert.rejects(client(CHECK, restatus)(`${origin}/nowhere`), code('ERR_SIG_INVALID'));
});

test('a verified answer replayed for another request, even the same one signed again: ERR_SIG_INVALID', async (t) => {
  const { origin } = await startApp(t);
  let captured: { body: ArrayBuffer; status: number; headers: Headers } | undefined;
  const recording = via(async (res) => {
    captured = { body: await res.arrayBuffer(), status: res.status, headers: res.headers };
    return new Response(captured.body, captured);
  });
  assert.equal((await client(CHECK, recording)(`${origin}/nowhere`)).status, 404);
  const replaying = via(() => new Response(captured!.body, captured));
  await assert.rejects(client(CHECK, replaying)(`${origin}/nowhere`), code('ERR_SIG_INVALID'));
  await assert.rejects(client(CHECK, replaying)(`${origin}/elsewhere`), code('ERR_SIG_INVALID'));
});

test('a caller that asks for gzip itself gets the decoded body, which no longer matches: ERR_SIG_DIGEST', async (t) => {
  const { origin, seen } = await startApp(t);
  const call = client(CHECK, via())(`${origin}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body: '{}' });
  await assert.rejects(call, code('ERR_SIG_DIGEST'));
  assert.deepEqual(seen, ['gzip']);
});

test('bad verifyResponse options fail when the fetch is made: ERR_INVALID_OPTION', () => {
  const cases: unknown[] = [null, 'key', {}, { key: SERVER_PUBLIC }, { key: SERVER_PUBLIC, alg: 'rsa-sha1' }, { keys: 42 }];
  for (const verifyResponse of cases) {
    assert.throws(
      () => signedFetch({ keyId: 'client', key: CLIENT_SECRET, alg: 'hmac-sha256', verifyResponse: verifyResponse as ResponseCheckOptions }),
      code('ERR_INVALID_OPTION'),
      JSON.stringify(verifyResponse),
    );
  }
});
