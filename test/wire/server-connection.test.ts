/**
 * Connection management over real sockets (RFC 9112 §9): persistence,
 * `Connection: close`, pipelining in order, flow control both ways,
 * `Expect: 100-continue`, and draining unread bodies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCode, parseResponses, rawExchange, startServer } from '../helpers/server.ts';
import {
  RawClient, assertRejected, countComplete, exchange, gate, get, post, recordingHandler, waitUntil, waitUntilSteady,
} from '../helpers/sockets.ts';

test('keeps an HTTP/1.1 connection alive by default: two requests, one after the other, on one socket', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/one'));
  const [first] = await client.responses(1);
  assert.equal(first!.headers['connection'], 'keep-alive');
  client.write(get('/two'));
  const responses = await client.responses(2);
  assert.deepEqual(responses.map((r) => r.status), [200, 200]);
  assert.deepEqual(seen.map((r) => r.url), ['/one', '/two']);
  assert.equal(client.closed, false);
});

test('closes an HTTP/1.0 connection after the response unless keep-alive is asked for', async (t) => {
  const server = await startServer(t, recordingHandler().handler);
  const { data, closed } = await rawExchange(server.port, get('/', [], '1.0') + get('/again', [], '1.0'));
  const responses = parseResponses(data);
  assert.equal(responses.length, 1);
  assert.equal(responses[0]!.headers['connection'], 'close');
  assert.equal(closed, true);
});

test('keeps an HTTP/1.0 connection alive with "Connection: keep-alive" and says so', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/one', ['Connection: keep-alive'], '1.0'));
  const [first] = await client.responses(1);
  assert.equal(first!.headers['connection'], 'keep-alive');
  assert.ok(first!.headers['content-length'] !== undefined, 'an HTTP/1.0 keep-alive response needs a length');
  client.write(get('/two', ['Connection: keep-alive'], '1.0'));
  await client.responses(2);
  assert.deepEqual(seen.map((r) => r.url), ['/one', '/two']);
});

test('answers a request with "Connection: close", then closes and processes nothing after it', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const { data, closed } = await rawExchange(server.port, get('/one', ['Connection: close']) + get('/two'));
  const responses = parseResponses(data);
  assert.equal(responses.length, 1);
  assert.equal(responses[0]!.headers['connection'], 'close');
  assert.equal(closed, true);
  assert.deepEqual(seen.map((r) => r.url), ['/one']);
});

test('ignores a request sent after "Connection: close" in a later packet', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/one', ['Connection: close']));
  await client.responses(1);
  client.write(get('/two'));
  await client.waitForClose();
  assert.equal(countComplete(client.data), 1);
  assert.deepEqual(seen.map((r) => r.url), ['/one']);
});

test('answers pipelined requests in order when the first handler is slow and the second fast', async (t) => {
  const started: string[] = [];
  const server = await startServer(t, async (req, res) => {
    started.push(req.url);
    if (req.url === '/slow') await new Promise((resolve) => setTimeout(resolve, 50));
    res.end(req.url);
  });
  const { data } = await exchange(server.port, get('/slow') + get('/fast') + get('/last'), 3);
  const responses = parseResponses(data);
  assert.deepEqual(responses.map((r) => r.body.toString()), ['/slow', '/fast', '/last']);
  assert.deepEqual(started, ['/slow', '/fast', '/last']);
});

test('answers a pipelined batch mixing ASCII, UTF-8, latin1 header values and Buffers, each byte exact', async (t) => {
  const server = await startServer(t, (req, res) => {
    if (req.url === '/utf8') res.end('Zoë ✓ Zürich');
    else if (req.url === '/latin1-header') res.setHeader('X-Name', 'caf\xe9').end('plain');
    else if (req.url === '/buffer') res.end(Buffer.from([0, 0xff, 0x80, 0x41]));
    else if (req.url === '/chunks') {
      res.write('ä');
      res.end('b');
    } else res.end('ascii');
  });
  const urls = ['/ascii', '/utf8', '/latin1-header', '/buffer', '/chunks', '/ascii'];
  const { data } = await exchange(server.port, urls.map((url) => get(url)).join(''), urls.length);
  const responses = parseResponses(data);
  assert.deepEqual(
    responses.map((r) => r.body.toString('hex')),
    ['ascii', 'Zoë ✓ Zürich', 'plain', Buffer.from([0, 0xff, 0x80, 0x41]), 'äb', 'ascii'].map((body) => Buffer.from(body).toString('hex')),
  );
  assert.equal(responses[2]!.headers['x-name'], 'caf\xe9', 'the obs-text value is sent as its latin1 byte');
  assert.equal(responses[1]!.headers['content-length'], String(Buffer.byteLength('Zoë ✓ Zürich')));
});

test('bounds read-ahead: pipelining far past readAheadBytes behind a slow handler pauses reading, then all are answered in order', async (t) => {
  const hold = gate();
  const server = await startServer(t, async (req, res) => {
    if (req.url === '/slow') await hold.promise;
    res.end(req.url);
  }, { limits: { readAheadBytes: 1024 } });
  const count = 400;
  const body = Buffer.alloc(60_000, 0x61); // under maxDrainBytes: drained unread
  const parts: Buffer[] = [Buffer.from(get('/slow'))];
  for (let i = 0; i < count; i++) parts.push(post(`/${i}`, body));
  const input = Buffer.concat(parts); // ~24 MB
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  const memoryBefore = process.memoryUsage().arrayBuffers;
  for (let offset = 0; offset < input.length; offset += 65_536) client.write(input.subarray(offset, offset + 65_536));
  const unsent = await waitUntilSteady(() => client.socket.writableLength);
  assert.ok(unsent > 0, 'the server stopped reading, so the client cannot send everything');
  const grown = process.memoryUsage().arrayBuffers - memoryBefore;
  assert.ok(grown < 4 * 1024 * 1024, `the server buffered ${grown} bytes while the handler was busy`);
  assert.equal(client.received, 0);
  hold.open();
  const responses = await client.responses(count + 1, { timeoutMs: 5000 });
  assert.deepEqual(responses.map((r) => r.body.toString()), ['/slow', ...Array.from({ length: count }, (_, i) => `/${i}`)]);
});

test('stops reading requests while the write buffer is full, then completes every response once the client reads', async (t) => {
  let calls = 0;
  const big = Buffer.alloc(2 * 1024 * 1024, 0x62);
  const server = await startServer(t, (_req, res) => {
    calls++;
    res.end(big);
  });
  const count = 48; // 96 MB of responses if all were produced at once
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.socket.pause();
  client.write(Array.from({ length: count }, (_, i) => get(`/${i}`)).join(''));
  await waitUntil(() => calls > 0, 'the first handler runs');
  const settled = await waitUntilSteady(() => calls);
  assert.ok(settled <= 12, `${settled} handlers ran while the client was not reading`);
  let received = 0;
  let heads = 0;
  let headLength = 0;
  let tail = '';
  client.socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    const text = tail + chunk.toString('latin1');
    if (headLength === 0) headLength = text.indexOf('\r\n\r\n') + 4;
    heads += text.split('HTTP/1.1 200 OK\r\n').length - 1;
    tail = text.slice(-16);
  });
  client.socket.resume();
  await waitUntil(() => headLength > 0 && received >= count * (headLength + big.length), 'every response arrives', 5000);
  assert.equal(received, count * (headLength + big.length));
  assert.equal(heads, count);
  assert.equal(calls, count);
});

test('answers "Expect: 100-continue" with 100 Continue when the handler reads the body', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write('POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
  await client.waitFor((data) => data.includes('\r\n\r\n'), 'the interim response');
  assert.equal(client.data.toString('latin1'), 'HTTP/1.1 100 Continue\r\n\r\n');
  client.write('hello');
  const [interim, final] = await client.responses(2);
  assert.equal(interim!.status, 100);
  assert.equal(final!.status, 200);
  assert.equal(seen[0]!.body, 'hello');
  assert.equal(final!.headers['connection'], 'keep-alive');
});

test('never sends 100 Continue when the handler answers without reading, and closes with "Connection: close"', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.statusCode = 403;
    res.end('no');
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write('POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
  const [response] = await client.responses(1);
  assert.equal(response!.status, 403);
  assert.equal(response!.headers['connection'], 'close');
  assert.ok(!client.data.includes('100 Continue'));
  await client.waitForClose();
});

test('answers an unknown expectation with 417 ERR_HTTP_EXPECTATION', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const input = 'POST / HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\nhi';
  await assertRejected(server.port, input, 417, 'ERR_HTTP_EXPECTATION');
  assert.equal(seen.length, 0);
});

test('drains a small unread body and keeps the connection usable', async (t) => {
  const urls: string[] = [];
  const server = await startServer(t, (req, res) => {
    urls.push(req.url);
    res.end('ok'); // the body is never read
  });
  const { data, closed } = await exchange(server.port, Buffer.concat([post('/a', 'x'.repeat(1000)), Buffer.from(get('/b'))]), 2);
  const responses = parseResponses(data);
  assert.deepEqual(responses.map((r) => r.status), [200, 200]);
  assert.equal(responses[0]!.headers['connection'], 'keep-alive');
  assert.deepEqual(urls, ['/a', '/b']);
  assert.equal(closed, false);
});

test('runs the handler with the whole body there when it came with its head; a body still due is streamed as before', async (t) => {
  const seen: Array<{ url: string; complete: boolean; body: string }> = [];
  const server = await startServer(t, async (req, res) => {
    const complete = req.complete;
    const body = (await req.body()).toString();
    seen.push({ url: req.url, complete, body });
    res.end(body.length.toString());
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  // Two pipelined POSTs in one packet, a GET after them, then a POST whose body follows later.
  client.write(Buffer.concat([post('/whole', 'a'.repeat(1000)), post('/empty', ''), Buffer.from(get('/get'))]));
  await client.responses(3);
  const late = post('/late', 'b'.repeat(500));
  client.write(late.subarray(0, late.length - 100));
  await waitUntil(() => seen.length === 3, 'the first three handlers ran');
  client.write(late.subarray(late.length - 100));
  const responses = await client.responses(4);
  assert.deepEqual(responses.map((r) => r.body.toString()), ['1000', '0', '0', '500']);
  assert.deepEqual(seen.map((r) => [r.url, r.complete, r.body.length]), [
    ['/whole', true, 1000],
    ['/empty', true, 0],
    ['/get', true, 0],
    ['/late', false, 500],
  ]);
});

test('answers at once, without reading, a request whose body came with it, and goes on to the next one', async (t) => {
  const urls: string[] = [];
  const server = await startServer(t, (req, res) => {
    urls.push(req.url);
    res.statusCode = req.url === '/refused' ? 401 : 200;
    res.end(req.url); // synchronous, the body never read
  });
  const input = Buffer.concat([post('/refused', 'x'.repeat(300)), post('/next', 'y'.repeat(300)), Buffer.from(get('/last'))]);
  const { data, closed } = await exchange(server.port, input, 3);
  const responses = parseResponses(data);
  assert.deepEqual(responses.map((r) => [r.status, r.body.toString()]), [[401, '/refused'], [200, '/next'], [200, '/last']]);
  assert.deepEqual(urls, ['/refused', '/next', '/last']);
  assert.equal(closed, false);
});

test('closes after the response when an unread body is larger than maxDrainBytes, and says "Connection: close"', async (t) => {
  const urls: string[] = [];
  const server = await startServer(t, (req, res) => {
    urls.push(req.url);
    res.end('ok');
  }, { limits: { maxDrainBytes: 1024 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  // The handler answers while most of the body is still to come (a body that has all arrived by then can be drained).
  client.write(`POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(2_000)}`);
  const [response] = await client.responses(1);
  assert.equal(response!.status, 200);
  client.write('x'.repeat(98_000));
  client.write(get('/b'));
  await client.waitForClose();
  assert.deepEqual(urls, ['/a']);
  assert.equal(countComplete(client.data), 1);
  assert.equal(response!.headers['connection'], 'close', 'the server knows it will close: it should say so');
});

test('answers a request whose body ends with the connection (half-close) with 400 ERR_HTTP_INCOMPLETE_BODY', async (t) => {
  const server = await startServer(t, recordingHandler().handler);
  const input = 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc';
  const { data, closed } = await rawExchange(server.port, input, { endInput: true });
  const [response] = parseResponses(data);
  assert.equal(response?.status, 400);
  assert.equal(errorCode(response!), 'ERR_HTTP_INCOMPLETE_BODY');
  assert.equal(closed, true);
});

test('answers a complete request sent with a half-close, then closes', async (t) => {
  const server = await startServer(t, recordingHandler().handler);
  const { data, closed } = await rawExchange(server.port, get('/'), { endInput: true });
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(closed, true);
});

test('answers a slow handler even when the client half-closes right after its request', async (t) => {
  const server = await startServer(t, async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    res.end('late');
  });
  const { data, closed } = await rawExchange(server.port, get('/'), { endInput: true });
  const [response] = parseResponses(data);
  assert.equal(response?.body.toString(), 'late');
  assert.equal(response?.headers['connection'], 'close');
  assert.equal(closed, true);
});

test('pauses reading a body the handler has not taken once readAheadBytes are queued, then delivers it whole', async (t) => {
  const hold = gate();
  let length = -1;
  const server = await startServer(t, async (req, res) => {
    await hold.promise;
    length = (await req.body()).length;
    res.end(String(length));
  }, { limits: { readAheadBytes: 1024, maxBodyBytes: 64 * 1024 * 1024 } });
  const input = post('/', Buffer.alloc(24 * 1024 * 1024, 0x61));
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  const memoryBefore = process.memoryUsage().arrayBuffers;
  for (let offset = 0; offset < input.length; offset += 65_536) client.write(input.subarray(offset, offset + 65_536));
  const unsent = await waitUntilSteady(() => client.socket.writableLength);
  assert.ok(unsent > 0, 'the server stopped reading the body');
  const grown = process.memoryUsage().arrayBuffers - memoryBefore;
  assert.ok(grown < 4 * 1024 * 1024, `the server queued ${grown} bytes of body nobody asked for`);
  hold.open();
  const [response] = await client.responses(1, { timeoutMs: 3000 });
  assert.equal(response!.body.toString(), String(24 * 1024 * 1024));
});

test('drains a small unread chunked body that has fully arrived and keeps the connection usable', async (t) => {
  const urls: string[] = [];
  const server = await startServer(t, async (req, res) => {
    urls.push(req.url);
    await new Promise((resolve) => setImmediate(resolve)); // the body arrives meanwhile, unread
    res.end('ok');
  });
  const chunked = 'POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n';
  const { data, closed } = await exchange(server.port, chunked + get('/b'), 2);
  assert.deepEqual(parseResponses(data).map((r) => r.status), [200, 200]);
  assert.deepEqual(urls, ['/a', '/b']);
  assert.equal(closed, false);
});

test('closes after the response when an unread chunked body is still arriving, and says "Connection: close"', async (t) => {
  const urls: string[] = [];
  const server = await startServer(t, (req, res) => {
    urls.push(req.url);
    res.end('ok');
  }, { limits: { maxDrainBytes: 1024 } });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write('POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');
  const [response] = await client.responses(1);
  for (let i = 0; i < 8; i++) client.write(`400\r\n${'x'.repeat(1024)}\r\n`);
  client.write(`0\r\n\r\n${get('/b')}`);
  await client.waitForClose();
  assert.equal(countComplete(client.data), 1);
  assert.deepEqual(urls, ['/a']);
  assert.equal(response!.headers['connection'], 'close', 'its size is unknown: the server cannot promise to drain it');
});
