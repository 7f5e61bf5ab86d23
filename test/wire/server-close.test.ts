/**
 * Graceful shutdown over real sockets: `server.close({ graceMs })` stops
 * accepting, closes idle connections, lets in-flight requests finish with
 * `Connection: close`, refuses new heads with 503, and destroys the rest at
 * the deadline.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCode, startServer } from '../helpers/server.ts';
import { RawClient, connectOutcome, gate, get, recordingHandler } from '../helpers/sockets.ts';

test('resolves close() at once when no connection is open', async (t) => {
  const server = await startServer(t, recordingHandler().handler);
  const started = Date.now();
  await server.close({ graceMs: 5000 });
  assert.ok(Date.now() - started < 200);
});

test('stops accepting connections as soon as close() is called', async (t) => {
  const hold = gate();
  const started = gate();
  const server = await startServer(t, async (_req, res) => {
    started.open();
    await hold.promise;
    res.end('done');
  });
  const busy = await RawClient.connect(server.port);
  t.after(() => busy.destroy());
  busy.write(get('/'));
  await started.promise;
  const closing = server.close({ graceMs: 2000 });
  assert.equal(await connectOutcome(server.port), 'refused');
  hold.open();
  await closing;
});

test('closes idle keep-alive connections at once, without sending anything', async (t) => {
  const server = await startServer(t, recordingHandler().handler);
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/'));
  await client.responses(1);
  const received = client.received;
  const started = Date.now();
  await server.close({ graceMs: 5000 });
  await client.waitForClose(500);
  assert.ok(Date.now() - started < 500, 'close() did not wait for the idle connection');
  assert.equal(client.received, received);
});

test('lets an in-flight request finish, with "Connection: close", then closes', async (t) => {
  const hold = gate();
  const started = gate();
  const server = await startServer(t, async (_req, res) => {
    started.open();
    await hold.promise;
    res.end('finished');
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/'));
  await started.promise;
  let closeResolved = false;
  const closing = server.close({ graceMs: 2000 }).then(() => (closeResolved = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closeResolved, false, 'close() waits for the in-flight request');
  hold.open();
  const [response] = await client.responses(1);
  assert.equal(response!.status, 200);
  assert.equal(response!.body.toString(), 'finished');
  assert.equal(response!.headers['connection'], 'close');
  await client.waitForClose();
  await closing;
});

test('answers a request whose head completes while draining with 503 ERR_HTTP_UNAVAILABLE', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  // One write: once /first is answered, the server holds the first half of /late.
  client.write(`${get('/first')}GET /late HTTP/1.1\r\nHost: a\r\n`);
  await client.responses(1);
  const closing = server.close({ graceMs: 2000 });
  client.write('\r\n');
  const [, response] = await client.responses(2);
  assert.equal(response!.status, 503);
  assert.equal(errorCode(response!), 'ERR_HTTP_UNAVAILABLE');
  assert.equal(response!.headers['connection'], 'close');
  await client.waitForClose();
  await closing;
  assert.deepEqual(seen.map((r) => r.url), ['/first']);
});

test('destroys connections still busy at the deadline; close() resolves about graceMs later', async (t) => {
  const inHandler = gate();
  const server = await startServer(t, () => {
    inHandler.open(); // and never answers
  });
  const client = await RawClient.connect(server.port);
  t.after(() => client.destroy());
  client.write(get('/'));
  await inHandler.promise;
  const started = Date.now();
  await server.close({ graceMs: 300 });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 280 && elapsed < 1000, `close() took ${elapsed} ms`);
  await client.waitForClose(500);
  assert.equal(client.received, 0);
  assert.equal(server.connections, 0);
});
