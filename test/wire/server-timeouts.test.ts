/**
 * Timeouts and per-connection limits over real sockets: headers (slowloris),
 * body, keep-alive idle, requests per socket, connections, and many slow
 * clients at once.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { errorCode, parseResponses, rawExchange, startServer } from '../helpers/server.ts';
import { RawClient, countComplete, get, recordingHandler, waitUntil } from '../helpers/sockets.ts';

test('answers a head that stalls half-way with 408 ERR_HTTP_HEADERS_TIMEOUT, then closes', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { headersTimeoutMs: 200 } });
  const started = Date.now();
  const { data, closed } = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ', { timeoutMs: 1500 });
  const elapsed = Date.now() - started;
  const [response] = parseResponses(data);
  assert.equal(response?.status, 408);
  assert.equal(errorCode(response!), 'ERR_HTTP_HEADERS_TIMEOUT');
  assert.equal(response!.headers['connection'], 'close');
  assert.equal(closed, true);
  assert.ok(elapsed >= 100 && elapsed < 1000, `answered after ${elapsed} ms`);
  assert.equal(seen.length, 0);
});

test('times out a head trickled one byte at a time (slowloris) from its first byte, not its last', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { headersTimeoutMs: 300 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  const head = Buffer.from(`GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ${'z'.repeat(200)}\r\n\r\n`);
  let sent = 0;
  const started = Date.now();
  const trickle = setInterval(() => {
    if (client.closed || sent >= head.length) clearInterval(trickle);
    else client.write(head.subarray(sent, ++sent));
  }, 20);
  t.after(() => clearInterval(trickle));
  const [response] = await client.responses(1, { timeoutMs: 1500 });
  assert.equal(response!.status, 408);
  assert.equal(errorCode(response!), 'ERR_HTTP_HEADERS_TIMEOUT');
  assert.ok(Date.now() - started < 1000);
  await client.waitForClose();
});

test('answers a body that stalls with 408 ERR_HTTP_BODY_TIMEOUT, then closes', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { bodyTimeoutMs: 200 } });
  const input = 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly part of it';
  const { data, closed } = await rawExchange(server.port, input, { timeoutMs: 1500 });
  const [response] = parseResponses(data);
  assert.equal(response?.status, 408);
  assert.equal(errorCode(response!), 'ERR_HTTP_BODY_TIMEOUT');
  assert.equal(response!.headers['connection'], 'close');
  assert.equal(closed, true);
  assert.equal(seen.length, 0);
});

test('answers a chunked body that stalls with 408 ERR_HTTP_BODY_TIMEOUT', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { bodyTimeoutMs: 200 } });
  const input = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n';
  const { data, closed } = await rawExchange(server.port, input, { timeoutMs: 1500 });
  const [response] = parseResponses(data);
  assert.equal(response?.status, 408);
  assert.equal(errorCode(response!), 'ERR_HTTP_BODY_TIMEOUT');
  assert.equal(closed, true);
});

test('lets a body that keeps arriving take longer than bodyTimeoutMs in total', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { bodyTimeoutMs: 300 } });
  const pieces = ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n', 'ab', 'cd', 'ef', 'gh', 'ij'];
  const { data } = await rawExchange(server.port, pieces, { pauseMs: 100, timeoutMs: 300 });
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]?.body, 'abcdefghij');
});

test('bodyTimeoutMs: 0 puts no deadline on a body, also one that arrives in pieces', async (t) => {
  const { handler, seen } = recordingHandler();
  // headersTimeoutMs keeps the server's sweep running every 100 ms or so, to catch a deadline wrongly set.
  const server = await startServer(t, handler, { limits: { bodyTimeoutMs: 0, headersTimeoutMs: 100 } });
  const pieces = ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n', 'ab', 'cd', 'ef'];
  const { data } = await rawExchange(server.port, pieces, { pauseMs: 250, timeoutMs: 300 });
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]?.body, 'abcdef');
});

test('closes an idle keep-alive connection silently after keepAliveTimeoutMs', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { keepAliveTimeoutMs: 300 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/'));
  const [response] = await client.responses(1);
  assert.equal(response!.headers['connection'], 'keep-alive');
  const afterResponse = client.received;
  const idleSince = Date.now();
  await client.waitForClose(1500);
  const idle = Date.now() - idleSince;
  assert.equal(client.received, afterResponse, 'nothing is sent on an idle timeout');
  assert.ok(idle >= 150 && idle < 1000, `closed after ${idle} ms idle`);
});

test('keepAliveTimeoutMs: 0 keeps an idle connection open and announces no Keep-Alive timeout', async (t) => {
  // headersTimeoutMs keeps the server's sweep running every 100 ms or so, to catch a deadline wrongly set.
  const server = await startServer(t, recordingHandler().handler, { limits: { keepAliveTimeoutMs: 0, headersTimeoutMs: 100 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/'));
  const [first] = await client.responses(1);
  assert.equal(first!.headers['connection'], 'keep-alive');
  assert.equal(first!.headers['keep-alive'], undefined);
  await new Promise((resolve) => setTimeout(resolve, 400));
  client.write(get('/again'));
  const [, second] = await client.responses(2);
  assert.equal(second?.status, 200, 'the connection outlived several sweeps');
});

test('closes a connection that never sends a byte silently after keepAliveTimeoutMs', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { keepAliveTimeoutMs: 300 } });
  const { data, closed } = await rawExchange(server.port, [], { timeoutMs: 1500 });
  assert.equal(data.length, 0);
  assert.equal(closed, true);
});

test('announces "Keep-Alive: timeout=" matching keepAliveTimeoutMs', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { keepAliveTimeoutMs: 5000 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/'));
  const [response] = await client.responses(1);
  assert.equal(response!.headers['keep-alive'], 'timeout=5');
});

test('announces "Keep-Alive: timeout=65" with the default keep-alive timeout (above 60 s)', async (t) => {
  const server = await startServer(t, recordingHandler().handler);
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/'));
  const [response] = await client.responses(1);
  assert.equal(response!.headers['keep-alive'], 'timeout=65');
});

test('closes after maxRequestsPerSocket requests: the last response says "Connection: close"', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler, { limits: { maxRequestsPerSocket: 3 } });
  const { data, closed } = await rawExchange(server.port, get('/1') + get('/2') + get('/3') + get('/4'));
  const responses = parseResponses(data);
  assert.deepEqual(responses.map((r) => r.headers['connection']), ['keep-alive', 'keep-alive', 'close']);
  assert.equal(closed, true);
  assert.deepEqual(seen.map((r) => r.url), ['/1', '/2', '/3']);
});

test('closes a connection past maxConnections at once, and serves the others', async (t) => {
  const server = await startServer(t, recordingHandler().handler, { limits: { maxConnections: 2 } });
  const first = await RawClient.connect(server.port);
  const second = await RawClient.connect(server.port);
  t.after(() => {
    first.destroy();
    second.destroy();
  });
  await waitUntil(() => server.connections === 2, 'both connections are accepted');
  const extra = await rawExchange(server.port, get('/'), { timeoutMs: 1000 });
  assert.equal(extra.closed, true);
  assert.equal(extra.data.length, 0);
  first.write(get('/'));
  second.write(get('/'));
  assert.equal((await first.responses(1))[0]!.status, 200);
  assert.equal((await second.responses(1))[0]!.status, 200);
});

test('serves a normal client promptly while 500 slow clients hold half-sent requests', async (t) => {
  const server = await startServer(t, recordingHandler().handler);
  const slow: net.Socket[] = [];
  t.after(() => {
    for (const socket of slow) socket.destroy();
  });
  await Promise.all(
    Array.from({ length: 500 }, () =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(server.port, '127.0.0.1', () => {
          socket.write('GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ');
          resolve();
        });
        socket.on('error', reject);
        slow.push(socket);
      }),
    ),
  );
  await waitUntil(() => server.connections === 500, '500 connections are open');
  const started = Date.now();
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/normal'));
  const [response] = await client.responses(1);
  const elapsed = Date.now() - started;
  assert.equal(response!.status, 200);
  assert.ok(elapsed < 500, `served after ${elapsed} ms`);
  assert.equal(countComplete(client.data), 1);
  assert.equal(server.connections, 501);
});

/** A client that does not read for `ms` (a slow reader on a slow link), then reads everything. */
async function readLate(client: RawClient, ms: number): Promise<void> {
  client.socket.pause();
  await new Promise((resolve) => setTimeout(resolve, ms));
  client.socket.resume();
}

test('delivers a whole large "Connection: close" response to a client slower than lingerMs', async (t) => {
  const big = Buffer.alloc(16 * 1024 * 1024, 0x62);
  const server = await startServer(t, (_req, res) => res.end(big), { limits: { lingerMs: 200 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  const reading = readLate(client, 500);
  client.write(get('/', ['Connection: close']));
  await reading;
  await client.waitForClose(1500);
  assert.equal(countComplete(client.data), 1, `the response was cut after ${client.received} bytes`);
  assert.equal(parseResponses(client.data)[0]!.body.length, big.length);
});

test('does not time out a pipelined head that has fully arrived while the server waits for the client to read', async (t) => {
  const big = Buffer.alloc(8 * 1024 * 1024, 0x62);
  const urls: string[] = [];
  const server = await startServer(t, (req, res) => {
    urls.push(req.url);
    res.end(big);
  }, { limits: { headersTimeoutMs: 200 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  const reading = readLate(client, 500);
  client.write(get('/1') + get('/2'));
  await reading;
  const responses = await client.responses(2, { timeoutMs: 1500 });
  assert.deepEqual(responses.map((r) => r.status), [200, 200]);
  assert.deepEqual(urls, ['/1', '/2']);
});

test('delivers a whole large response to a client that half-closes right after its "Connection: close" request', async (t) => {
  const big = Buffer.alloc(16 * 1024 * 1024, 0x62);
  const server = await startServer(t, (_req, res) => res.end(big));
  const input = get('/', ['Connection: close']);
  const { data, closed } = await rawExchange(server.port, input, { endInput: true, timeoutMs: 1500 });
  assert.equal(closed, true);
  assert.equal(countComplete(data), 1, `the response was cut after ${data.length} bytes`);
  assert.equal(parseResponses(data)[0]!.body.length, big.length);
});
