/**
 * The response side over real sockets: handler failures, bodiless responses
 * (HEAD, 204, 304), outgoing header validation, trailers, and write
 * backpressure seen by the handler.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WireUsageError } from '../../src/index.ts';
import { errorCode, parseResponses, rawExchange, startServer } from '../helpers/server.ts';
import { RawClient, exchange, gate, get, waitUntil } from '../helpers/sockets.ts';

test('answers a handler that throws synchronously with 500 ERR_INTERNAL and serves the next request', async (t) => {
  const server = await startServer(t, (req, res) => {
    if (req.url === '/boom') throw new Error('secret detail');
    res.end('fine');
  });
  const { data, closed } = await exchange(server.port, get('/boom') + get('/next'), 2);
  const [failed, next] = parseResponses(data);
  assert.equal(failed?.status, 500);
  assert.equal(errorCode(failed!), 'ERR_INTERNAL');
  assert.ok(!failed!.body.includes('secret detail'), '5xx messages never reach the client');
  assert.equal(failed!.headers['connection'], 'keep-alive');
  assert.equal(next?.body.toString(), 'fine');
  assert.equal(closed, false);
});

test('answers a handler that rejects asynchronously with 500 ERR_INTERNAL and serves the next request', async (t) => {
  const server = await startServer(t, async (req, res) => {
    await new Promise((resolve) => setImmediate(resolve));
    if (req.url === '/boom') throw new Error('secret detail');
    res.end('fine');
  });
  const { data, closed } = await exchange(server.port, get('/boom') + get('/next'), 2);
  const [failed, next] = parseResponses(data);
  assert.equal(failed?.status, 500);
  assert.equal(errorCode(failed!), 'ERR_INTERNAL');
  assert.equal(next?.body.toString(), 'fine');
  assert.equal(closed, false);
});

test('passes every handler error to onError', async (t) => {
  const reported: unknown[] = [];
  const server = await startServer(t, () => {
    throw new Error('reported');
  }, { onError: (error) => reported.push(error) });
  await exchange(server.port, get('/'));
  assert.equal(reported.length, 1);
  assert.equal((reported[0] as Error).message, 'reported');
});

test('answers HEAD with the headers of GET, Content-Length included, and no body', async (t) => {
  const server = await startServer(t, (req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(req.url === '/stream' ? undefined : 'hello world');
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write('HEAD / HTTP/1.1\r\nHost: a\r\n\r\n');
  const [head] = await client.responses(1, { headRequest: true });
  assert.equal(head!.status, 200);
  assert.equal(head!.headers['content-length'], '11');
  assert.equal(head!.body.length, 0);
  const headBytes = client.data.length;
  assert.equal(client.data.indexOf('\r\n\r\n') + 4, headBytes, 'nothing after the head');
  client.write(get('/'));
  await client.waitFor((data) => data.length > headBytes && data.subarray(headBytes).includes('hello world'), 'the GET response');
  const [get200] = parseResponses(client.data.subarray(headBytes));
  assert.equal(get200!.body.toString(), 'hello world');
});

test('answers HEAD with no body even when the handler streams one', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.write('part one');
    res.end('part two');
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write('HEAD / HTTP/1.1\r\nHost: a\r\n\r\n');
  await client.responses(1, { headRequest: true });
  client.write(get('/'));
  await client.waitFor((data) => data.includes('part two\r\n0\r\n\r\n'), 'the GET response');
  const headEnd = client.data.indexOf('\r\n\r\n') + 4;
  assert.ok(client.data.subarray(0, headEnd + 8).toString('latin1').endsWith('HTTP/1.1'), 'the GET response follows the HEAD head at once');
  assert.ok(!client.data.subarray(0, headEnd).includes('part one'));
});

for (const status of [204, 304]) {
  test(`sends a ${status} response without a body, Content-Length or Transfer-Encoding`, async (t) => {
    const server = await startServer(t, (req, res) => {
      res.statusCode = req.url === '/ok' ? 200 : status;
      res.end(req.url === '/ok' ? 'next' : 'ignored body');
    });
    const { data } = await exchange(server.port, get('/') + get('/ok'), 2);
    const [bodiless, next] = parseResponses(data);
    assert.equal(bodiless!.status, status);
    assert.equal(bodiless!.headers['content-length'], undefined);
    assert.equal(bodiless!.headers['transfer-encoding'], undefined);
    assert.ok(!data.includes('ignored body'));
    assert.equal(next!.body.toString(), 'next', 'the next response starts right after the head');
  });

  test(`sends a streamed ${status} response without a body or chunked framing`, async (t) => {
    const server = await startServer(t, (req, res) => {
      res.statusCode = req.url === '/ok' ? 200 : status;
      if (req.url !== '/ok') res.write('ignored');
      res.end(req.url === '/ok' ? 'next' : undefined);
    });
    const { data } = await exchange(server.port, get('/') + get('/ok'), 2);
    const [bodiless, next] = parseResponses(data);
    assert.equal(bodiless!.status, status);
    assert.equal(bodiless!.headers['transfer-encoding'], undefined);
    assert.ok(!data.includes('ignored'));
    assert.equal(next!.body.toString(), 'next');
  });
}

test('refuses a CR LF in an outgoing header value with WireUsageError ERR_HTTP_INVALID_HEADER; the handler error becomes a 500', async (t) => {
  const thrown: unknown[] = [];
  const server = await startServer(t, (_req, res) => {
    try {
      res.setHeader('X', 'a\r\nInjected: yes');
    } catch (error) {
      thrown.push(error);
      throw error;
    }
    res.end('unreachable');
  });
  const { data } = await exchange(server.port, get('/'));
  assert.ok(thrown[0] instanceof WireUsageError);
  assert.equal(thrown[0].code, 'ERR_HTTP_INVALID_HEADER');
  const [response] = parseResponses(data);
  assert.equal(response!.status, 500);
  assert.equal(errorCode(response!), 'ERR_INTERNAL');
  assert.ok(!data.includes('Injected'));
});

test('refuses invalid outgoing header names and values (space, colon, NUL, LF, empty name)', async (t) => {
  const codes: string[] = [];
  const server = await startServer(t, (_req, res) => {
    const attempts: Array<[string, string]> = [['X Y', 'v'], ['X:Y', 'v'], ['', 'v'], ['X', 'a\nb'], ['X', 'a\x00b'], ['X', 'a\rb']];
    for (const [name, value] of attempts) {
      try {
        res.setHeader(name, value);
        codes.push('accepted');
      } catch (error) {
        codes.push(error instanceof WireUsageError ? error.code : 'other');
      }
    }
    try {
      res.setTrailer('X', 'a\r\nb');
      codes.push('accepted');
    } catch (error) {
      codes.push(error instanceof WireUsageError ? error.code : 'other');
    }
    res.end('ok');
  });
  const { data } = await exchange(server.port, get('/'));
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.deepEqual(codes, Array(7).fill('ERR_HTTP_INVALID_HEADER'));
});

test('sends trailers set with res.setTrailer after a chunked body', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.setTrailer('X-Checksum', 'abc123');
    res.write('hello ');
    res.end('world');
  });
  const { data } = await exchange(server.port, get('/'));
  const [response] = parseResponses(data);
  assert.equal(response!.headers['transfer-encoding'], 'chunked');
  assert.equal(response!.body.toString(), 'hello world');
  assert.ok(data.toString('latin1').endsWith('\r\n0\r\nX-Checksum: abc123\r\n\r\n'));
});

test('sends a whole body with trailers chunked too', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.setTrailer('X-Checksum', 'abc123');
    res.end('hello world');
  });
  const { data } = await exchange(server.port, get('/'));
  const [response] = parseResponses(data);
  assert.equal(response!.headers['transfer-encoding'], 'chunked');
  assert.equal(response!.headers['content-length'], undefined);
  assert.equal(response!.body.toString(), 'hello world');
  assert.ok(data.toString('latin1').endsWith('0\r\nX-Checksum: abc123\r\n\r\n'));
});

test('res.write returns false once the socket is full and await res.drained() resolves when the client reads', async (t) => {
  const chunk = Buffer.alloc(1024 * 1024, 0x7a);
  const waiting = gate();
  let writes = 0;
  let drainedResolved = false;
  const server = await startServer(t, async (_req, res) => {
    while (writes < 256 && res.write(chunk)) writes++; // bounded: 256 MB at most
    writes++;
    waiting.open();
    await res.drained();
    drainedResolved = true;
    res.end();
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.socket.pause(); // not reading: the server's socket buffer fills up
  client.write(get('/'));
  await waiting.promise;
  assert.ok(writes < 256, `write() returned true ${writes} times`);
  assert.equal(drainedResolved, false, 'drained() waits while the client does not read');
  let received = 0;
  client.socket.on('data', (data: Buffer) => (received += data.length));
  client.socket.resume();
  await waitUntil(() => drainedResolved, 'drained() resolves');
  await waitUntil(() => received > writes * chunk.length && client.data.subarray(-5).toString() === '0\r\n\r\n', 'the whole body', 3000);
  const [response] = parseResponses(client.data);
  assert.equal(response!.body.length, writes * chunk.length);
});

test('a handler writing strings in the turn its request arrived also meets backpressure, and loses nothing', async (t) => {
  const piece = 'z'.repeat(64 * 1024);
  const waiting = gate();
  let writes = 0;
  const server = await startServer(t, async (_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    while (writes < 4096 && res.write(piece)) writes++; // bounded: 256 MB at most
    writes++;
    waiting.open();
    await res.drained();
    res.end();
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.socket.pause();
  client.write(get('/'));
  await waiting.promise;
  assert.ok(writes < 4096, `write() returned true ${writes} times`);
  client.socket.resume();
  await waitUntil(() => client.data.length > writes * piece.length && client.data.subarray(-5).toString() === '0\r\n\r\n', 'the whole body', 5000);
  const [response] = parseResponses(client.data);
  assert.equal(response!.body.length, writes * piece.length);
});

test('streams an HTTP/1.0 response without a length by closing the connection', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.write('one ');
    res.end('two');
  });
  const { data, closed } = await rawExchange(server.port, get('/', ['Connection: keep-alive'], '1.0'));
  const [response] = parseResponses(data);
  assert.equal(response!.headers['connection'], 'close');
  assert.equal(response!.headers['transfer-encoding'], undefined);
  assert.equal(response!.body.toString(), 'one two');
  assert.equal(closed, true);
});
