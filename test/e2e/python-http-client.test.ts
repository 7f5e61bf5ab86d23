/**
 * End to end with Python 3's `http.client`: each test runs a short script
 * (`python3 -c`) that talks to the server and prints what it saw as JSON;
 * the assertions are made here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { ConnectionCounter, python, requireBinary } from '../helpers/clients.ts';
import { startServer } from '../helpers/server.ts';

/** Shared prelude: imports, the connection (port in argv[1], bounded by a timeout), a response summary. */
const PRELUDE = `
import hashlib, http.client, json, sys
conn = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=3)
def summary(r, body):
    return {'status': r.status, 'reason': r.reason, 'version': r.version, 'will_close': r.will_close,
            'headers': {k.lower(): v for k, v in r.getheaders()}, 'body': body.decode('latin-1')}
`;

interface Summary {
  status: number;
  reason: string;
  version: number;
  will_close: boolean;
  headers: Record<string, string>;
  body: string;
}

test('GET from http.client gets status, reason, headers and body', async (t) => {
  if (!requireBinary(t, 'python3')) return;
  const server = await startServer(t, (req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('X-Seen', req.header('x-test') ?? 'none');
    res.end(JSON.stringify({ method: req.method, url: req.url, version: req.httpVersion }));
  });
  const result = await python<Summary>(
    `${PRELUDE}
conn.request('GET', '/hello?x=1', headers={'X-Test': 'py'})
r = conn.getresponse()
print(json.dumps(summary(r, r.read())))`,
    [String(server.port)],
  );
  assert.equal(result.status, 200);
  assert.equal(result.reason, 'OK');
  assert.equal(result.version, 11);
  assert.equal(result.will_close, false);
  assert.equal(result.headers['x-seen'], 'py');
  assert.equal(result.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(result.body), { method: 'GET', url: '/hello?x=1', version: '1.1' });
});

test('POST of a binary body from http.client reaches the handler exactly and is echoed back', async (t) => {
  if (!requireBinary(t, 'python3')) return;
  const expected = Buffer.from(Array.from({ length: 256 * 100 }, (_, i) => i % 256));
  let received: Buffer | undefined;
  let contentLength: string | undefined;
  const server = await startServer(t, async (req, res) => {
    contentLength = req.header('content-length');
    received = await req.body();
    res.statusCode = 201;
    res.end(received);
  });
  const result = await python<{ status: number; same: boolean; length: number }>(
    `${PRELUDE}
body = bytes(range(256)) * 100
conn.request('POST', '/echo', body=body, headers={'Content-Type': 'application/octet-stream'})
r = conn.getresponse()
echoed = r.read()
print(json.dumps({'status': r.status, 'same': echoed == body, 'length': len(echoed)}))`,
    [String(server.port)],
  );
  assert.deepEqual(result, { status: 201, same: true, length: expected.length });
  assert.equal(contentLength, String(expected.length));
  assert.ok(received?.equals(expected), 'the handler received different bytes');
});

test('several requests on one HTTPConnection share one keep-alive connection', async (t) => {
  if (!requireBinary(t, 'python3')) return;
  const connections = new ConnectionCounter();
  const server = await startServer(t, async (req, res) => {
    connections.see(req);
    const body = await req.body();
    res.end(`${req.method} ${req.url} ${body.length}`);
  });
  const result = await python<Array<{ port: number; summary: Summary }>>(
    `${PRELUDE}
out = []
for method, path, body in [('GET', '/a', None), ('POST', '/b', b'x' * 1000), ('GET', '/c', None), ('DELETE', '/d', None)]:
    conn.request(method, path, body=body)
    r = conn.getresponse()
    data = r.read()
    out.append({'port': conn.sock.getsockname()[1], 'summary': summary(r, data)})
print(json.dumps(out))`,
    [String(server.port)],
  );
  assert.deepEqual(
    result.map((entry) => entry.summary.body),
    ['GET /a 0', 'POST /b 1000', 'GET /c 0', 'DELETE /d 0'],
  );
  assert.ok(result.every((entry) => !entry.summary.will_close));
  assert.equal(new Set(result.map((entry) => entry.port)).size, 1, 'http.client reconnected');
  assert.equal(connections.count, 1);
});

test('a chunked request body from http.client (encode_chunked=True, uppercase hex sizes) arrives exactly', async (t) => {
  if (!requireBinary(t, 'python3')) return;
  let transferEncoding: string | undefined;
  let digest = '';
  let length = 0;
  const server = await startServer(t, async (req, res) => {
    transferEncoding = req.header('transfer-encoding');
    const hash = createHash('sha256');
    for await (const chunk of req) {
      hash.update(chunk);
      length += chunk.length;
    }
    digest = hash.digest('hex');
    res.end(digest);
  });
  const result = await python<{ status: number; sent: string; echoed: string; length: number }>(
    `${PRELUDE}
pieces = [bytes((i * 7 + j) % 256 for j in range(n)) for i, n in enumerate([1, 171, 4096, 0, 255, 70000])]
conn.request('POST', '/chunked', body=iter(pieces), headers={'Transfer-Encoding': 'chunked'}, encode_chunked=True)
r = conn.getresponse()
print(json.dumps({'status': r.status, 'sent': hashlib.sha256(b''.join(pieces)).hexdigest(),
                  'echoed': r.read().decode(), 'length': sum(map(len, pieces))}))`,
    [String(server.port)],
  );
  assert.equal(result.status, 200);
  assert.equal(transferEncoding, 'chunked');
  assert.equal(length, result.length);
  assert.equal(digest, result.sent);
  assert.equal(result.echoed, result.sent);
});

// 900 KiB is under maxBodyBytes but over maxDrainBytes: the server cannot skip the unread body (with a
// length, or as chunks), so it must close — and say so, or http.client reuses the dead connection.
const IGNORED_BODIES = [
  ['a large POST body', `conn.request('POST', '/ignored', body=b'z' * (900 * 1024))`],
  [
    'a large chunked POST body',
    `conn.request('POST', '/ignored', body=iter([b'z' * 1024] * 900), headers={'Transfer-Encoding': 'chunked'}, encode_chunked=True)`,
  ],
] as const;

for (const [what, send] of IGNORED_BODIES) {
  test(`a handler that ignores ${what} still gets its response to http.client, then a fresh connection works`, async (t) => {
    if (!requireBinary(t, 'python3')) return;
    const connections = new ConnectionCounter();
    const server = await startServer(t, (req, res) => {
      connections.see(req);
      res.statusCode = req.method === 'POST' ? 401 : 200;
      res.end(req.method === 'POST' ? 'unread' : 'next');
    });
    const { ignored, after } = await python<{ ignored: Summary; after: Summary | { error: string } }>(
      `${PRELUDE}
${send}
r = conn.getresponse()
ignored = summary(r, r.read())
try:
    conn.request('GET', '/after')
    r = conn.getresponse()
    after = summary(r, r.read())
except Exception as e:
    after = {'error': repr(e)}
print(json.dumps({'ignored': ignored, 'after': after}))`,
      [String(server.port)],
    );
    assert.equal(ignored.status, 401);
    assert.equal(ignored.body, 'unread');
    assert.equal(ignored.headers['connection'], 'close', 'the response announced keep-alive on a connection the server then closed');
    assert.equal(ignored.will_close, true);
    assert.deepEqual('error' in after ? after : { status: after.status, body: after.body }, { status: 200, body: 'next' });
    assert.equal(connections.count, 2);
  });
}

test('a streamed response to an HTTP/1.1 request is chunked, and http.client decodes it', async (t) => {
  if (!requireBinary(t, 'python3')) return;
  const server = await startServer(t, async (_req, res) => {
    res.write('alpha,');
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.write('beta,');
    res.end('gamma');
  });
  const result = await python<Summary & { chunked: boolean }>(
    `${PRELUDE}
conn.request('GET', '/stream')
r = conn.getresponse()
chunked = r.chunked
print(json.dumps({**summary(r, r.read()), 'chunked': chunked}))`,
    [String(server.port)],
  );
  assert.equal(result.chunked, true);
  assert.equal(result.headers['transfer-encoding'], 'chunked');
  assert.equal(result.will_close, false);
  assert.equal(result.body, 'alpha,beta,gamma');
});

test('HTTP/1.0 requests from http.client get close-delimited or Content-Length responses and Connection: close', async (t) => {
  if (!requireBinary(t, 'python3')) return;
  const versions: string[] = [];
  const server = await startServer(t, async (req, res) => {
    versions.push(req.httpVersion);
    if (req.url === '/fixed') {
      res.end('fixed body');
      return;
    }
    res.write('streamed ');
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.end('until close');
  });
  const result = await python<Record<'streamed' | 'fixed', Summary & { closed: boolean }>>(
    `${PRELUDE}
out = {}
for path in ['/streamed', '/fixed']:
    c = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=3)
    c._http_vsn, c._http_vsn_str = 10, 'HTTP/1.0'
    c.request('GET', path)
    r = c.getresponse()
    s = summary(r, r.read())
    s['closed'] = c.sock is None
    out[path[1:]] = s
print(json.dumps(out))`,
    [String(server.port)],
  );
  assert.deepEqual(versions, ['1.0', '1.0']);
  const { streamed, fixed } = result;
  assert.equal(streamed.status, 200);
  assert.equal(streamed.headers['transfer-encoding'], undefined);
  assert.equal(streamed.headers['content-length'], undefined);
  assert.equal(streamed.headers['connection'], 'close');
  assert.equal(streamed.will_close, true);
  assert.equal(streamed.body, 'streamed until close');
  assert.equal(fixed.headers['content-length'], '10');
  assert.equal(fixed.headers['connection'], 'close');
  assert.equal(fixed.will_close, true);
  assert.equal(fixed.body, 'fixed body');
  assert.ok(streamed.closed && fixed.closed);
});
