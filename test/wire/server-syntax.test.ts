/**
 * Request syntax over real sockets (RFC 9112 §2–§5): line endings, field
 * lines, Host, request-target forms, versions and methods.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResponses, rawExchange, startServer } from '../helpers/server.ts';
import { assertRejected, exchange, get, recordingHandler } from '../helpers/sockets.ts';

const ok = (_req: unknown, res: { end(body: string): void }): void => res.end('ok');

const badHeads: Array<[string, string]> = [
  ['obs-fold (a line starting with a space)', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\n\r\n'],
  ['obs-fold (a line starting with a tab)', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n\ttwo\r\n\r\n'],
  ['a bare CR in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: one\rtwo\r\n\r\n'],
  ['a bare CR in a header name', 'GET / HTTP/1.1\r\nHost: a\r\nX-\rA: one\r\n\r\n'],
  ['a bare CR in the request line', 'GET /\r HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['a bare CR ending the request line', 'GET / HTTP/1.1\rHost: a\r\n\r\n'],
  ['a bare LF ending the request line', 'GET / HTTP/1.1\nHost: a\r\n\r\n'],
  ['a bare LF ending a header line', 'GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n'],
  ['a bare LF ending the head', 'GET / HTTP/1.1\r\nHost: a\r\n\n'],
  ['a bare LF before the request line', '\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'],
  ['a NUL in a header name', 'GET / HTTP/1.1\r\nHost: a\r\nX-\x00A: b\r\n\r\n'],
  ['a NUL in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n'],
  ['a 0x01 in a header name', 'GET / HTTP/1.1\r\nHost: a\r\nX-\x01A: b\r\n\r\n'],
  ['a 0x01 in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x01c\r\n\r\n'],
  ['a DEL in a header name', 'GET / HTTP/1.1\r\nHost: a\r\nX-\x7fA: b\r\n\r\n'],
  ['a DEL in a header value', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x7fc\r\n\r\n'],
  ['a space before the colon', 'GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n'],
  ['a tab before the colon', 'GET / HTTP/1.1\r\nHost: a\r\nX-A\t: b\r\n\r\n'],
  ['an empty header name', 'GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n'],
  ['a header line without a colon', 'GET / HTTP/1.1\r\nHost: a\r\nX-A b\r\n\r\n'],
];
for (const [label, input] of badHeads) {
  test(`rejects ${label} with 400 and closes`, async (t) => {
    const { handler, seen } = recordingHandler();
    const server = await startServer(t, handler);
    await assertRejected(server.port, input, 400, undefined);
    assert.equal(seen.length, 0, 'the handler never runs');
  });
}

const badHosts: Array<[string, string[]]> = [
  ['a missing Host', []],
  ['two Host fields', ['Host: a', 'Host: a']],
  ['two different Host fields', ['Host: a', 'Host: b']],
  ['a Host with a space inside', ['Host: a b']],
  ['a Host with a path', ['Host: a/b']],
  ['a Host with userinfo', ['Host: user@a']],
  ['a Host with a non-numeric port', ['Host: a:http']],
];
for (const [label, lines] of badHosts) {
  test(`rejects an HTTP/1.1 request with ${label} with 400 ERR_HTTP_HOST`, async (t) => {
    const server = await startServer(t, ok);
    const input = `GET / HTTP/1.1\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;
    await assertRejected(server.port, input, 400, 'ERR_HTTP_HOST');
  });
}

test('accepts an HTTP/1.0 request without Host', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const { data } = await rawExchange(server.port, get('/old', [], '1.0'));
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]?.url, '/old');
});

test('accepts Host forms: name with port, IPv4, IPv6 literal, empty', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const hosts = ['Host: example.com:8080', 'Host: 127.0.0.1', 'Host: [::1]:80', 'Host:'];
  const input = hosts.map((host) => `GET / HTTP/1.1\r\n${host}\r\n\r\n`).join('');
  const { data } = await exchange(server.port, input, 4);
  assert.deepEqual(parseResponses(data).map((r) => r.status), [200, 200, 200, 200]);
  assert.equal(seen.length, 4);
});

test('passes an origin-form target to the handler as sent', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const { data } = await exchange(server.port, get('/a/b%20c?x=1&y=%2F'));
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]?.url, '/a/b%20c?x=1&y=%2F');
});

test('passes an absolute-form target to the handler as sent', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const { data } = await exchange(server.port, 'GET http://example.com/x?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n');
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]?.url, 'http://example.com/x?q=1');
});

test('accepts OPTIONS * (asterisk-form)', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const { data } = await exchange(server.port, 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.deepEqual([seen[0]?.method, seen[0]?.url], ['OPTIONS', '*']);
});

test('rejects GET * with 400 ERR_HTTP_TARGET', async (t) => {
  const server = await startServer(t, ok);
  await assertRejected(server.port, 'GET * HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'ERR_HTTP_TARGET');
});

test('rejects a target that is neither origin-form nor absolute-form with 400 ERR_HTTP_TARGET', async (t) => {
  const server = await startServer(t, ok);
  await assertRejected(server.port, 'GET example.com/x HTTP/1.1\r\nHost: a\r\n\r\n', 400, 'ERR_HTTP_TARGET');
});

test('rejects two spaces between method and target with 400', async (t) => {
  const server = await startServer(t, ok);
  await assertRejected(server.port, 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', 400, undefined);
});

test('accepts HTTP/1.0 and HTTP/1.1 and answers in HTTP/1.1', async (t) => {
  const server = await startServer(t, ok);
  for (const version of ['1.0', '1.1']) {
    const { data } = await exchange(server.port, get('/', [], version));
    assert.match(data.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/);
  }
});

for (const version of ['HTTP/2.0', 'HTTP/0.9', 'HTTP/3.0']) {
  test(`answers ${version} with 505 ERR_HTTP_VERSION_NOT_SUPPORTED`, async (t) => {
    const server = await startServer(t, ok);
    await assertRejected(server.port, `GET / ${version}\r\nHost: a\r\n\r\n`, 505, 'ERR_HTTP_VERSION_NOT_SUPPORTED');
  });
}

for (const version of ['HTTP/1.1x', 'http/1.1', 'HTTP/1', 'HTTP/1.', 'HTTP/11', 'HTTP/1.1 ']) {
  test(`rejects the malformed version ${JSON.stringify(version)} with 400 ERR_HTTP_VERSION`, async (t) => {
    const server = await startServer(t, ok);
    await assertRejected(server.port, `GET / ${version}\r\nHost: a\r\n\r\n`, 400, 'ERR_HTTP_VERSION');
  });
}

test('rejects a request line without a version with 400', async (t) => {
  const server = await startServer(t, ok);
  await assertRejected(server.port, 'GET /\r\nHost: a\r\n\r\n', 400, undefined);
});

test('answers an unknown method token (FOO) with 501 ERR_HTTP_METHOD_NOT_IMPLEMENTED', async (t) => {
  const server = await startServer(t, ok);
  await assertRejected(server.port, 'FOO / HTTP/1.1\r\nHost: a\r\n\r\n', 501, 'ERR_HTTP_METHOD_NOT_IMPLEMENTED');
});

for (const method of ['G(ET', 'GE T', 'GET\x00', 'G\u00e9T', '']) {
  test(`rejects the invalid method ${JSON.stringify(method)} with 400`, async (t) => {
    const server = await startServer(t, ok);
    await assertRejected(server.port, Buffer.from(`${method} / HTTP/1.1\r\nHost: a\r\n\r\n`, 'latin1'), 400, undefined);
  });
}

test('answers CONNECT with 501 ERR_HTTP_METHOD_NOT_IMPLEMENTED', async (t) => {
  const server = await startServer(t, ok);
  const input = 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n';
  await assertRejected(server.port, input, 501, 'ERR_HTTP_METHOD_NOT_IMPLEMENTED');
});

test('ignores one empty line before the request line (RFC 9112 §2.2)', async (t) => {
  const server = await startServer(t, ok);
  const { data } = await exchange(server.port, `\r\n${get('/')}`);
  assert.equal(parseResponses(data)[0]?.status, 200);
});

test('lets the 400 arrive while the client keeps sending after a bad request (half-close, then discard)', async (t) => {
  const server = await startServer(t, ok);
  const junk = Buffer.alloc(4 * 1024 * 1024, 0x6a);
  const input = [Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n'), junk];
  const { data, closed } = await rawExchange(server.port, input, { timeoutMs: 1500 });
  const [response] = parseResponses(data);
  assert.equal(response?.status, 400);
  assert.equal(response!.headers['connection'], 'close');
  assert.equal(closed, true);
});
