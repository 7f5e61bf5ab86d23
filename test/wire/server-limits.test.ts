/**
 * Size limits over real sockets: request-target (414), header section (431),
 * body (413, from Content-Length before reading and while counting chunks).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCode, parseResponses, rawExchange, startServer } from '../helpers/server.ts';
import { RawClient, assertRejected, exchange, get, post, recordingHandler } from '../helpers/sockets.ts';

test('answers a target longer than maxTargetBytes with 414 ERR_HTTP_URI_TOO_LONG', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { maxTargetBytes: 64 } });
  await assertRejected(server.port, get(`/${'a'.repeat(100)}`), 414, 'ERR_HTTP_URI_TOO_LONG');
  assert.equal(seen.length, 0);
});

test('answers 414 before the request line has ended when the target keeps growing', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxTargetBytes: 64 } });
  await assertRejected(server.port, `GET /${'a'.repeat(4096)}`, 414, 'ERR_HTTP_URI_TOO_LONG');
});

test('accepts a target of exactly maxTargetBytes', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { maxTargetBytes: 64 } });
  const target = `/${'a'.repeat(63)}`;
  const { data } = await exchange(server.port, get(target));
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]?.url, target);
});

test('answers more header fields than maxHeaderCount with 431 ERR_HTTP_HEADERS_TOO_LARGE', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { maxHeaderCount: 5 } });
  const extra = Array.from({ length: 5 }, (_, i) => `X-${i}: v`); // + Host = 6
  await assertRejected(server.port, get('/', extra), 431, 'ERR_HTTP_HEADERS_TOO_LARGE');
  assert.equal(seen.length, 0);
});

test('accepts exactly maxHeaderCount header fields', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxHeaderCount: 5 } });
  const extra = Array.from({ length: 4 }, (_, i) => `X-${i}: v`);
  const { data } = await exchange(server.port, get('/', extra));
  assert.equal(parseResponses(data)[0]?.status, 200);
});

test('answers a header section larger than maxHeaderBytes with 431 ERR_HTTP_HEADERS_TOO_LARGE', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { maxHeaderBytes: 256 } });
  await assertRejected(server.port, get('/', [`X-Big: ${'b'.repeat(300)}`]), 431, 'ERR_HTTP_HEADERS_TOO_LARGE');
  assert.equal(seen.length, 0);
});

test('answers 431 before a never-ending header line has ended', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxHeaderBytes: 256 } });
  await assertRejected(server.port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(4096)}`, 431, 'ERR_HTTP_HEADERS_TOO_LARGE');
});

test('answers many small header lines adding up past maxHeaderBytes with 431', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxHeaderBytes: 256 } });
  const extra = Array.from({ length: 30 }, (_, i) => `X-${i}: value`);
  await assertRejected(server.port, get('/', extra), 431, 'ERR_HTTP_HEADERS_TOO_LARGE');
});

test('answers a Content-Length over maxBodyBytes with 413 before reading, and the handler never runs', async (t) => {
  let calls = 0;
  const server = await startServer(t, (_req, res) => {
    calls++;
    res.end('ok');
  }, { limits: { maxBodyBytes: 1000 } });
  // Only the head is sent: the decision must not wait for the body.
  const input = 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n';
  await assertRejected(server.port, input, 413, 'ERR_HTTP_BODY_TOO_LARGE');
  assert.equal(calls, 0);
});

test('accepts a body of exactly maxBodyBytes', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { maxBodyBytes: 1000 } });
  const { data } = await exchange(server.port, post('/', 'x'.repeat(1000)));
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]?.body.length, 1000);
});

test('answers a chunked body growing past maxBodyBytes with 413 while counting', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { maxBodyBytes: 1000 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');
  const chunk = `${(400).toString(16)}\r\n${'c'.repeat(400)}\r\n`;
  client.write(chunk + chunk); // 800 bytes: under the limit
  client.write(chunk); // 1200 bytes: over it; no last chunk is ever sent
  const [response] = await client.responses(1);
  assert.equal(response!.status, 413);
  assert.equal(errorCode(response!), 'ERR_HTTP_BODY_TOO_LARGE');
  assert.equal(response!.headers['connection'], 'close');
  await client.waitForClose();
  assert.equal(seen.length, 0, 'the body never reached the handler whole');
});

test('answers a single chunk whose declared size is over maxBodyBytes with 413 before its data', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxBodyBytes: 1000 } });
  const input = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n';
  await assertRejected(server.port, input, 413, 'ERR_HTTP_BODY_TOO_LARGE');
});

test('answers a chunk line longer than maxChunkLineBytes with 400 ERR_HTTP_CHUNK', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxChunkLineBytes: 64 } });
  const input = `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;${'e'.repeat(200)}`;
  await assertRejected(server.port, input, 400, 'ERR_HTTP_CHUNK');
});

test('lets the 413 arrive while the client is still sending the refused body (half-close, then discard)', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxBodyBytes: 1000 } });
  const body = Buffer.alloc(4 * 1024 * 1024, 0x62);
  const input = [Buffer.from(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n`), body];
  const { data, closed } = await rawExchange(server.port, input, { timeoutMs: 1500 });
  const [response] = parseResponses(data);
  assert.equal(response?.status, 413);
  assert.equal(errorCode(response!), 'ERR_HTTP_BODY_TOO_LARGE');
  assert.equal(response!.headers['connection'], 'close');
  assert.equal(closed, true);
});
