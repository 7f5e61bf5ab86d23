/**
 * Live interop with the AWS SDK's signer, `@smithy/signature-v4`, over real
 * sockets: requests it signs (Authorization) and presigns (query) reach an
 * App on 127.0.0.1 as raw HTTP/1.1 bytes, and verifySignature({ scheme:
 * sigv4(...) }) must accept them as they are and refuse them, by code, once
 * anything signed is changed. In debug mode the 401 shows the canonical
 * request and string to sign, which must equal the SDK's own, apart from
 * the changed line.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { App, sigv4, verifySignature, type SigV4Options } from '../../../src/index.ts';
import { listen } from '../../helpers/app.ts';
import { errorCode, type ParsedResponse } from '../../helpers/server.ts';
import { RawClient } from '../../helpers/sockets.ts';
import { ACCESS_KEY_ID, NOW, REGION, SECRET, SERVICE, presigned, rawRequest, signed, smithySigner } from './smithy.ts';
import type { HttpRequest } from '@smithy/protocol-http';

const TOKEN = 'FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLETOKEN+ab/cd==';
const BODY = '{"item":"book","qty":1}';

/** An App that verifies SigV4 and answers what it verified and the body it read; closed when the test ends. */
async function serve(t: TestContext, options: Partial<SigV4Options> = {}, debug = false): Promise<number> {
  const app = new App();
  app.use(
    verifySignature({ scheme: sigv4({ region: REGION, service: SERVICE, ...options }), keys: { [ACCESS_KEY_ID]: { secret: SECRET } }, now: () => NOW * 1000, debug }),
    async (c) => c.json({ keyId: c.get('signature')!.keyId, method: c.req.method, path: c.req.path, body: await c.req.text() }),
  );
  return (await listen(t, app)).port;
}

/** Sends each request on one connection, in order; resolves with the responses. */
async function send(port: number, ...requests: HttpRequest[]): Promise<ParsedResponse[]> {
  const client = await RawClient.connect(port);
  try {
    for (const request of requests) client.write(rawRequest(request));
    return await client.responses(requests.length);
  } finally {
    client.destroy();
  }
}

async function statusAndCode(port: number, request: HttpRequest): Promise<[number, string | undefined]> {
  const [res] = await send(port, request);
  return [res!.status, errorCode(res!)];
}

function json(res: ParsedResponse): Record<string, string> {
  return JSON.parse(res.body.toString('utf8')) as Record<string, string>;
}

describe('SDK-signed requests verify over a socket', () => {
  test('a GET with a query, signed with Authorization → 200, naming the access key', async (t) => {
    const [res] = await send(await serve(t), await signed({ path: '/orders/7', query: { tenant: 'acme', q: 'a b/c' } }));
    assert.equal(res!.status, 200, res!.body.toString());
    assert.deepEqual(json(res!), { keyId: ACCESS_KEY_ID, method: 'GET', path: '/orders/7', body: '' });
  });

  test('a POST with a JSON body (x-amz-content-sha256 sent) → 200, the body intact', async (t) => {
    const request = await signed({ method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } });
    assert.match(request.headers['x-amz-content-sha256']!, /^[0-9a-f]{64}$/);
    const [res] = await send(await serve(t), request);
    assert.equal(res!.status, 200, res!.body.toString());
    assert.equal(json(res!)['body'], BODY);
  });

  test('a POST whose body hash is computed by the server (no x-amz-content-sha256) → 200', async (t) => {
    const request = await signed({ method: 'POST', body: BODY }, smithySigner({ applyChecksum: false }));
    assert.equal(request.headers['x-amz-content-sha256'], undefined);
    assert.deepEqual(await statusAndCode(await serve(t), request), [200, undefined]);
  });

  test('a request with a session token → 200, and the sessionToken check saw it', async (t) => {
    const seen: Array<string | undefined> = [];
    const port = await serve(t, { sessionToken: (token) => (seen.push(token), token === TOKEN) });
    assert.deepEqual(await statusAndCode(port, await signed({}, smithySigner({ sessionToken: TOKEN }))), [200, undefined]);
    assert.deepEqual(await statusAndCode(port, await signed({}, smithySigner({ sessionToken: 'stale' }))), [401, 'ERR_SIG_UNKNOWN_KEY']);
    assert.deepEqual(seen, [TOKEN, 'stale']);
  });

  test('a normalized path (double slashes, an encoded space) → 200; with "." or ".." segments → 401 ERR_SIG_MALFORMED', async (t) => {
    const server = await serve(t);
    assert.deepEqual(await statusAndCode(server, await signed({ path: '/orders//a%20b/7' })), [200, undefined]);
    assert.deepEqual(await statusAndCode(server, await signed({ path: '/orders/./a%20b//../7' })), [401, 'ERR_SIG_MALFORMED']);
  });

  test('S3 style: a path signed as sent (uriEscapePath false) → 200 with normalizePath false, ERR_SIG_INVALID without', async (t) => {
    const request = await signed({ path: '/bucket/photos//a%20b.jpg' }, smithySigner({ uriEscapePath: false }));
    assert.deepEqual(await statusAndCode(await serve(t, { normalizePath: false }), request), [200, undefined]);
    assert.deepEqual(await statusAndCode(await serve(t), request), [401, 'ERR_SIG_INVALID']);
  });
});

describe('SDK-presigned URLs verify over a socket', () => {
  test('a presigned GET → 200', async (t) => {
    const request = await presigned({ path: '/orders/7', query: { tenant: 'acme' } });
    assert.ok(request.query['X-Amz-Signature'] !== undefined && request.headers['authorization'] === undefined);
    assert.deepEqual(await statusAndCode(await serve(t), request), [200, undefined]);
  });

  test('a presigned GET with a session token (in the query) → 200', async (t) => {
    const request = await presigned({}, { signer: smithySigner({ sessionToken: TOKEN }) });
    assert.equal(request.query['X-Amz-Security-Token'], TOKEN);
    assert.deepEqual(await statusAndCode(await serve(t), request), [200, undefined]);
  });

  test('a presigned PUT with a body → 200', async (t) => {
    const [res] = await send(await serve(t), await presigned({ method: 'PUT', body: BODY }));
    assert.equal(res!.status, 200, res!.body.toString());
    assert.equal(json(res!)['body'], BODY);
  });

  test('a presigned URL used twice → 200 both times (it is reusable until it expires)', async (t) => {
    const request = await presigned();
    assert.deepEqual((await send(await serve(t), request, request)).map((r) => r.status), [200, 200]);
  });
});

describe('tampered SDK-signed requests are refused over a socket', () => {
  const tamper = {
    path: (r: HttpRequest) => Object.assign(r, { path: '/orders/8' }),
    header: (r: HttpRequest) => Object.assign(r, { headers: { ...r.headers, 'x-tenant': 'evil' } }),
    query: (r: HttpRequest) => Object.assign(r, { query: { ...r.query, tenant: 'evil' } }),
    method: (r: HttpRequest) => Object.assign(r, { method: 'DELETE' }),
  };

  for (const [what, change] of Object.entries(tamper)) {
    test(`a changed ${what} → ERR_SIG_INVALID`, async (t) => {
      const request = await signed({ path: '/orders/7', query: { tenant: 'acme' }, headers: { 'x-tenant': 'acme' } });
      assert.deepEqual(await statusAndCode(await serve(t), change(request)), [401, 'ERR_SIG_INVALID']);
    });

    test(`a presigned URL with a changed ${what} → ERR_SIG_INVALID`, async (t) => {
      const request = await presigned({ path: '/orders/7', query: { tenant: 'acme' }, headers: { 'x-tenant': 'acme' } });
      assert.deepEqual(await statusAndCode(await serve(t), change(request)), [401, 'ERR_SIG_INVALID']);
    });
  }

  test('a changed body with x-amz-content-sha256 → ERR_SIG_DIGEST', async (t) => {
    const request = await signed({ method: 'POST', body: BODY });
    assert.deepEqual(await statusAndCode(await serve(t), Object.assign(request, { body: BODY.replace('1', '9') })), [401, 'ERR_SIG_DIGEST']);
  });

  test('a changed body without x-amz-content-sha256 → ERR_SIG_INVALID', async (t) => {
    const request = await signed({ method: 'POST', body: BODY }, smithySigner({ applyChecksum: false }));
    assert.deepEqual(await statusAndCode(await serve(t), Object.assign(request, { body: BODY.replace('1', '9') })), [401, 'ERR_SIG_INVALID']);
  });

  test('the same signed request twice on one connection → 200, then ERR_SIG_REPLAYED', async (t) => {
    const request = await signed();
    const responses = await send(await serve(t), request, request);
    assert.deepEqual(responses.map((r) => [r.status, errorCode(r)]), [[200, undefined], [401, 'ERR_SIG_REPLAYED']]);
  });

  test('a refusal carries WWW-Authenticate and Accept-Signature, and no debug fields by default', async (t) => {
    const [res] = await send(await serve(t), tamper.path(await signed()));
    assert.equal(res!.headers['www-authenticate'], `AWS4-HMAC-SHA256 region="${REGION}", service="${SERVICE}"`);
    assert.match(res!.headers['accept-signature']!, /^sigv4; alg="AWS4-HMAC-SHA256"/);
    assert.deepEqual(Object.keys((json(res!) as unknown as { error: object }).error), ['code', 'message']);
  });
});

describe('debug: the 401 shows what the server signed, as the SDK computes it', () => {
  test('a changed header: canonicalRequest is the SDK\'s with that one line changed, stringToSign well-formed', async (t) => {
    const signer = smithySigner();
    const request = await signed({ method: 'POST', path: '/orders/7', query: { tenant: 'acme' }, headers: { 'x-tenant': 'acme' }, body: BODY }, signer);
    const sdkCanonical = await signer.canonicalRequestOf(request);
    const [res] = await send(await serve(t, {}, true), Object.assign(request, { headers: { ...request.headers, 'x-tenant': 'evil' } }));
    const error = (JSON.parse(res!.body.toString()) as { error: Record<string, string> }).error;
    assert.equal(error['code'], 'ERR_SIG_INVALID');
    assert.equal(error['canonicalRequest'], sdkCanonical.replace('x-tenant:acme', 'x-tenant:evil'));
    assert.equal(error['canonicalRequest']!.split('\n')[0], 'POST');
    const [algorithm, amzDate, scope, hash] = error['stringToSign']!.split('\n');
    assert.deepEqual([algorithm, amzDate, scope], ['AWS4-HMAC-SHA256', request.headers['x-amz-date'], `${amzDate!.slice(0, 8)}/${REGION}/${SERVICE}/aws4_request`]);
    assert.match(hash!, /^[0-9a-f]{64}$/);
    assert.equal(error['stringToSign'], await signer.stringToSignOf(amzDate!, scope!, error['canonicalRequest']!));
  });

  test('a presigned URL with a changed path: the canonical request is the SDK\'s with the new path', async (t) => {
    const signer = smithySigner();
    const request = await presigned({ path: '/orders/7' }, { signer });
    const { ['X-Amz-Signature']: _signature, ...unsignedQuery } = request.query;
    const sdkCanonical = await signer.canonicalRequestOf(Object.assign(Object.create(Object.getPrototypeOf(request) as object) as HttpRequest, request, { query: unsignedQuery }));
    const [res] = await send(await serve(t, {}, true), Object.assign(request, { path: '/orders/8' }));
    const error = (JSON.parse(res!.body.toString()) as { error: Record<string, string> }).error;
    assert.equal(error['code'], 'ERR_SIG_INVALID');
    assert.equal(error['canonicalRequest'], sdkCanonical.replace('\n/orders/7\n', '\n/orders/8\n'));
  });

  test('the session token never appears in a debug body', async (t) => {
    const request = await signed({ path: '/orders/7' }, smithySigner({ sessionToken: TOKEN }));
    const [res] = await send(await serve(t, {}, true), Object.assign(request, { path: '/orders/8' }));
    assert.equal(errorCode(res!), 'ERR_SIG_INVALID');
    assert.ok(!res!.body.toString().includes(TOKEN) && !res!.body.toString().includes(encodeURIComponent(TOKEN)));
  });
});
