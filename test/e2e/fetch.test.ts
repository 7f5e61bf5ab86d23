/**
 * End to end with Node's global `fetch` (undici): JSON, exact binary echo,
 * a streaming (chunked) request body, a chunked response read as it comes,
 * connection reuse and concurrent requests.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConnectionCounter } from '../helpers/clients.ts';
import { startServer } from '../helpers/server.ts';

/** Every fetch is bounded: a server that stops answering fails the test instead of hanging it. */
const TIMEOUT_MS = 2_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

test('GET of a JSON response parses with res.json() and keeps its Content-Type', async (t) => {
  const server = await startServer(t, (req, res) => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ method: req.method, url: req.url, name: 'signwire ✓' }));
  });
  const response = await fetch(`http://127.0.0.1:${server.port}/users/7?q=x`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(await response.json(), { method: 'GET', url: '/users/7?q=x', name: 'signwire ✓' });
});

test('POST of a binary body is echoed back byte for byte', async (t) => {
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const body = Buffer.concat([every, randomBytes(200 * 1024), every]);
  let contentLength: string | undefined;
  const server = await startServer(t, async (req, res) => {
    contentLength = req.header('content-length');
    res.setHeader('Content-Type', 'application/octet-stream');
    res.end(await req.body());
  });
  const response = await fetch(`http://127.0.0.1:${server.port}/echo`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/octet-stream' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  assert.equal(response.status, 200);
  assert.equal(contentLength, String(body.length));
  assert.ok(Buffer.from(await response.arrayBuffer()).equals(body), 'the echoed bytes differ');
});

test('a ReadableStream request body (duplex: half) arrives chunked and complete', async (t) => {
  const pieces = Array.from({ length: 5 }, () => randomBytes(10_000));
  let transferEncoding: string | undefined;
  const received: Buffer[] = [];
  const server = await startServer(t, async (req, res) => {
    transferEncoding = req.header('transfer-encoding');
    for await (const chunk of req) {
      received.push(chunk);
    }
    res.end(String(Buffer.concat(received).length));
  });
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const piece = pieces[index++];
      if (piece === undefined) {
        controller.close();
        return;
      }
      await sleep(5);
      controller.enqueue(piece);
    },
  });
  const response = await fetch(`http://127.0.0.1:${server.port}/stream`, {
    method: 'POST',
    body: stream,
    duplex: 'half',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  assert.equal(await response.text(), String(5 * 10_000));
  assert.equal(transferEncoding, 'chunked');
  assert.ok(Buffer.concat(received).equals(Buffer.concat(pieces)), 'the streamed bytes differ');
});

test('a chunked response is readable piece by piece before the handler writes the rest', async (t) => {
  let firstRead!: () => void;
  const clientHasFirst = new Promise<void>((resolve) => (firstRead = resolve));
  const server = await startServer(t, async (_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.write('first;');
    await clientHasFirst; // the second piece exists only once the client has read the first
    res.write('second;');
    res.end('last');
  });
  const response = await fetch(`http://127.0.0.1:${server.port}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  assert.equal(response.headers.get('transfer-encoding'), 'chunked');
  assert.equal(response.headers.get('content-length'), null);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('first;')) {
    const { done, value } = await reader.read();
    assert.equal(done, false, 'the body ended before the first piece');
    text += decoder.decode(value, { stream: true });
  }
  assert.equal(text, 'first;');
  firstRead();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  assert.equal(text, 'first;second;last');
});

test('sequential fetches to one origin reuse one connection', async (t) => {
  const connections = new ConnectionCounter();
  const server = await startServer(t, (req, res) => {
    connections.see(req);
    res.end(req.url);
  });
  for (const path of ['/1', '/2', '/3', '/4']) {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    assert.equal(await response.text(), path);
    // undici hands the socket back to its pool just after the body completes; fetching in the same
    // turn opens a second connection, with node:http as the server too. Let the pool catch up.
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(connections.count, 1);
});

test('concurrent fetches each get their own response, over several connections', async (t) => {
  const connections = new ConnectionCounter();
  const server = await startServer(t, async (req, res) => {
    connections.see(req);
    await sleep(20); // keep each request in flight so the others need connections of their own
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ url: req.url }));
  });
  const ids = Array.from({ length: 20 }, (_, i) => i);
  const bodies = await Promise.all(
    ids.map(async (id) => {
      const response = await fetch(`http://127.0.0.1:${server.port}/item/${id}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      return (await response.json()) as { url: string };
    }),
  );
  assert.deepEqual(
    bodies.map((body) => body.url),
    ids.map((id) => `/item/${id}`),
  );
  assert.ok(connections.count > 1, `only ${connections.count} connection for 20 concurrent requests`);
  assert.ok(connections.count <= 20);
});
