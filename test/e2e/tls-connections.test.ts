/**
 * End to end: how an HTTPS server treats its connections around the
 * handshake. A client that hangs up during the handshake (as one that
 * rejects the certificate does) is closed at once: no descriptor stays open
 * and `server.close()` resolves. After the handshake a connection is
 * half-open like a plain one: a client that ends its side after its request
 * still gets the answer. The handshake is bounded like a request head: in
 * time (`headersTimeoutMs`) and in number (`maxConnections`). Certificates
 * are made by openssl.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { test } from 'node:test';
import tls from 'node:tls';
import { selfSigned } from '../helpers/certificate.ts';
import { requireBinary } from '../helpers/clients.ts';
import { requestOnNewConnection } from '../helpers/cluster-process.ts';
import { startServer } from '../helpers/server.ts';

/** A GET over a new connection trusting only `ca`; resolves with the error when the client refuses the server. */
function refusedGet(port: number, ca: Buffer): Promise<Error> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, ca, agent: false }, () => reject(new Error('the client accepted a certificate it does not trust'))).on('error', resolve);
  });
}

/** Open file descriptors of this process (Linux), or undefined where /proc does not tell. */
function openDescriptors(): number | undefined {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : undefined;
}

test('clients that hang up during the handshake are closed: no descriptor stays open, and server.close() resolves', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const [served, other] = [await selfSigned(t), await selfSigned(t)];
  const server = await startServer(t, (_req, res) => res.end('hello'), { tls: { key: served.key, cert: served.cert } });
  const before = openDescriptors();
  for (let i = 0; i < 50; i++) assert.match((await refusedGet(server.port, other.cert)).message, /self[- ]signed|certificate/i);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = openDescriptors();
  if (before !== undefined && after !== undefined) assert.ok(after - before < 10, `${after - before} descriptors more after 50 refused handshakes`);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, 5_000, 'still waiting')));
  assert.equal(await Promise.race([server.close({ graceMs: 0 }).then(() => 'closed'), late]), 'closed');
  clearTimeout(timer);
});

test('a client that ends its side after its request still gets the answer over TLS (half-close after the handshake)', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const { key, cert } = await selfSigned(t);
  const server = await startServer(
    t,
    async (req, res) => {
      const body = await req.body();
      await new Promise((resolve) => setTimeout(resolve, 50)); // the client's FIN has arrived by now
      res.end(`got ${body.toString()}`);
    },
    { tls: { key, cert } },
  );
  const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca: cert, servername: 'localhost' });
  t.after(() => socket.destroy());
  await once(socket, 'secureConnect');
  let text = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
  socket.end('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello');
  await once(socket, 'close');
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, /\r\nConnection: close\r\n/);
  assert.ok(text.endsWith('\r\n\r\ngot hello'), text);
});

test('a TLS handshake must end within headersTimeoutMs: a client that connects and sends nothing is closed', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const { key, cert } = await selfSigned(t);
  const server = await startServer(t, (_req, res) => res.end('hello'), { tls: { key, cert }, limits: { headersTimeoutMs: 300 } });
  const silent = net.connect(server.port, '127.0.0.1');
  t.after(() => silent.destroy());
  silent.on('error', () => {});
  const started = Date.now();
  await once(silent, 'close');
  const waited = Date.now() - started;
  assert.ok(waited >= 250 && waited < 5_000, `closed after ${waited} ms`);
});

test('over HTTPS, connections still in their handshake count toward maxConnections', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const { key, cert } = await selfSigned(t);
  const server = await startServer(t, (_req, res) => res.end('hello'), { tls: { key, cert }, limits: { maxConnections: 2 } });
  const silent = [net.connect(server.port, '127.0.0.1'), net.connect(server.port, '127.0.0.1')];
  t.after(() => silent.forEach((socket) => socket.destroy()));
  await Promise.all(silent.map((socket) => once(socket, 'connect')));
  await new Promise((resolve) => setTimeout(resolve, 100)); // both accepted by the server
  await assert.rejects(requestOnNewConnection(server.port, '/', { ca: cert }), /socket hang up|ECONNRESET|disconnected/);
  silent[0]!.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await requestOnNewConnection(server.port, '/', { ca: cert })).body, 'hello');
});
