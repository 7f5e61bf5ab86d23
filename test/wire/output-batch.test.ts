/**
 * A connection's output batch on a real socket pair: what is collected
 * leaves at the end of the turn in one write, bytes included; batches of
 * several connections all leave, backpressure still shows while collecting,
 * and a batch whose socket is gone is dropped quietly.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { test, type TestContext } from 'node:test';
import { OutputBatch } from '../../src/wire/output-batch.ts';

/** A connected pair on 127.0.0.1: the server side's socket and the client's. */
async function socketPair(t: TestContext): Promise<{ server: net.Socket; client: net.Socket }> {
  const listener = net.createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection');
  const client = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
  const [server] = (await accepted) as [net.Socket];
  t.after(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { server, client };
}

/** The chunks the client receives, as they arrive. */
function record(socket: net.Socket): Buffer[] {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return chunks;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('text collected in a batch leaves at the end of the turn, in one write', async (t) => {
  const { server, client } = await socketPair(t);
  const received = record(client);
  const batch = new OutputBatch(server);
  batch.cork();
  assert.equal(batch.write('HTTP/1.1 200 OK\r\n', 'ascii'), true);
  assert.equal(batch.write('Zoë', 'utf8'), true);
  assert.equal(batch.write(Uint8Array.from([0x21])), true);
  batch.flushSoon();
  assert.equal(batch.corked, true, 'still collecting until the turn ends');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(batch.corked, false);
  await waitFor(() => Buffer.concat(received).length === 22, 'every byte');
  assert.equal(Buffer.concat(received).toString('utf8'), 'HTTP/1.1 200 OK\r\nZoë!');
});

test('the batches of several connections scheduled in one turn are all written', async (t) => {
  const pairs = await Promise.all([socketPair(t), socketPair(t), socketPair(t)]);
  const received = pairs.map(({ client }) => record(client));
  pairs.forEach(({ server }, i) => {
    const batch = new OutputBatch(server);
    batch.cork();
    batch.write(`answer ${i}`, 'ascii');
    batch.flushSoon();
    batch.flushSoon(); // scheduled once however often asked
  });
  await waitFor(() => received.every((chunks) => Buffer.concat(chunks).length === 8), 'three answers');
  assert.deepEqual(received.map((chunks) => Buffer.concat(chunks).toString()), ['answer 0', 'answer 1', 'answer 2']);
});

test('collecting text past the socket buffer reports backpressure, and loses nothing', async (t) => {
  const { server, client } = await socketPair(t);
  client.pause();
  const batch = new OutputBatch(server);
  batch.cork();
  const piece = 'z'.repeat(4096);
  let accepted = 0;
  // Past 16 KiB the text goes to the socket; once the kernel's buffers are full, Node's fills, and write() says so.
  while (accepted < 16_000 && batch.write(piece, 'ascii')) accepted++; // 64 MB at most
  assert.ok(accepted < 16_000, 'write() never reported a full socket');
  assert.ok(server.writableLength <= 64 * 1024, `${server.writableLength} bytes held in the process`);
  assert.equal(batch.write('more', 'ascii'), false, 'a write collected while the buffer is full says so too');
  batch.flush();
  let received = 0;
  client.on('data', (chunk: Buffer) => (received += chunk.length));
  client.resume();
  await waitFor(() => received === (accepted + 1) * piece.length + 4, 'every byte collected');
});

test('bytes written in a batch leave with the text around them, in order', async (t) => {
  const { server, client } = await socketPair(t);
  const received = record(client);
  let writes = 0;
  const write = server._write.bind(server);
  const writev = server._writev?.bind(server);
  server._write = (chunk, encoding, callback) => (writes++, write(chunk, encoding, callback));
  if (writev !== undefined) server._writev = (chunks, callback) => (writes++, writev(chunks, callback));
  const batch = new OutputBatch(server);
  batch.cork();
  batch.write('head|', 'ascii');
  batch.write(Buffer.from('body|'));
  batch.write('tail', 'ascii');
  batch.flushSoon();
  await waitFor(() => Buffer.concat(received).length === 14, 'every byte');
  assert.equal(Buffer.concat(received).toString(), 'head|body|tail');
  assert.equal(writes, 1, 'one write for the whole batch');
});

test('a batch whose socket was destroyed is dropped without an error', async (t) => {
  const { server } = await socketPair(t);
  const errors: Error[] = [];
  server.on('error', (error) => errors.push(error));
  const batch = new OutputBatch(server);
  batch.cork();
  batch.write('lost', 'ascii');
  batch.flushSoon();
  server.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(batch.corked, false);
  assert.deepEqual(errors, []);
});
