/**
 * End to end: where the server can listen — IPv6 loopback, a Unix domain
 * socket, any free port — and HTTPS with a self-signed certificate made by
 * openssl at test time.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { createServer, type Server } from '../../src/index.ts';
import { selfSigned } from '../helpers/certificate.ts';
import { ConnectionCounter, curl, curlHeldBack, requireBinary, tempDir } from '../helpers/clients.ts';
import { parseResponses, startServer } from '../helpers/server.ts';

type WireHandler = Parameters<typeof createServer>[0];

/** A server for one test, closed when it ends (for listen targets `startServer` does not cover). */
function newServer(t: TestContext, handler: WireHandler): Server {
  const server = createServer(handler, { onError: () => {} });
  t.after(() => server.close({ graceMs: 0 }));
  return server;
}

/** True when this machine can bind the IPv6 loopback address. */
async function hasIpv6Loopback(): Promise<boolean> {
  const probe = net.createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen({ host: '::1', port: 0 }, () => probe.close(() => resolve(true)));
  });
}

/** Sends one raw request over a connected socket and collects everything until the server closes. */
function exchange(socket: net.Socket, request: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no close from the server within 2 s'));
    }, 2_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.write(request);
  });
}

test('listening on the IPv6 loopback ::1 serves requests and reports an IPv6 address', async (t) => {
  if (!(await hasIpv6Loopback())) {
    t.skip('no IPv6 loopback on this machine: ::1 cannot be bound');
    return;
  }
  const server = newServer(t, (req, res) => res.end(req.peer.remoteAddress ?? 'unknown'));
  await server.listen({ port: 0, host: '::1' });
  assert.ok(server.port > 0);
  assert.deepEqual(server.address(), { address: '::1', family: 'IPv6', port: server.port });
  const response = await fetch(`http://[::1]:${server.port}/`, { signal: AbortSignal.timeout(2_000) });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '::1');
});

test('listening on a Unix socket path serves a raw request and removes the socket file on close', async (t) => {
  const socketPath = path.join(tempDir(t), 'signwire.sock');
  const server = newServer(t, (req, res) => res.end(`${req.method} ${req.url} from ${req.peer.remoteAddress ?? 'a unix socket'}`));
  await server.listen({ path: socketPath });
  assert.equal(server.address(), socketPath);
  assert.equal(server.port, 0);
  const socket = net.connect(socketPath);
  const data = await exchange(socket, 'GET /over-unix HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  const [response, ...rest] = parseResponses(data);
  assert.equal(rest.length, 0);
  assert.equal(response?.status, 200);
  assert.equal(response?.headers['connection'], 'close');
  assert.equal(response?.body.toString(), 'GET /over-unix from a unix socket');
  await server.close({ graceMs: 0 });
  assert.equal(existsSync(socketPath), false, 'the socket file is left behind');
});

test('curl --unix-socket reaches a server on a Unix socket path, reusing one connection', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const socketPath = path.join(tempDir(t), 'signwire.sock');
  const server = newServer(t, (req, res) => res.end(`${req.url};`));
  await server.listen({ path: socketPath });
  const { stdout } = await curl([
    '--unix-socket', socketPath, '-w', '%{num_connects};', 'http://localhost/one', 'http://localhost/two',
  ]);
  assert.equal(stdout.toString(), '/one;1;/two;0;');
});

test('port 0 binds a free port: server.port and server.address() report it, and two servers get two ports', async (t) => {
  const first = newServer(t, (_req, res) => res.end('first'));
  const second = newServer(t, (_req, res) => res.end('second'));
  assert.equal(first.port, 0);
  assert.equal(first.address(), null);
  await first.listen({ port: 0, host: '127.0.0.1' });
  await second.listen({ port: 0, host: '127.0.0.1' });
  assert.ok(first.port > 0 && second.port > 0);
  assert.notEqual(first.port, second.port);
  assert.deepEqual(first.address(), { address: '127.0.0.1', family: 'IPv4', port: first.port });
  const texts = await Promise.all(
    [first, second].map(async (server) => (await fetch(`http://127.0.0.1:${server.port}/`, { signal: AbortSignal.timeout(2_000) })).text()),
  );
  assert.deepEqual(texts, ['first', 'second']);
});

test('listening on a port already in use rejects with EADDRINUSE', async (t) => {
  const taken = await startServer(t, (_req, res) => res.end());
  const server = newServer(t, (_req, res) => res.end());
  await assert.rejects(server.listen({ port: taken.port, host: '127.0.0.1' }), { code: 'EADDRINUSE' });
});

// ── HTTPS ────────────────────────────────────────────────────────────────

function httpsGet(port: number, ca: Buffer, pathname: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path: pathname, ca, agent: false, timeout: 2_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('HTTPS request timed out')));
    request.on('error', reject);
  });
}

test('with tls options the server speaks HTTPS that node:https verifies against the self-signed certificate', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const { key, cert } = await selfSigned(t);
  const server = await startServer(t, (req, res) => res.end(JSON.stringify({ encrypted: req.peer.encrypted, url: req.url })), {
    tls: { key, cert },
  });
  const response = await httpsGet(server.port, cert, '/secure?x=1');
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.body), { encrypted: true, url: '/secure?x=1' });
});

test('curl over HTTPS verifies the certificate and reuses one TLS connection for two URLs', async (t) => {
  if (!requireBinary(t, 'openssl') || !requireBinary(t, 'curl')) return;
  const { key, cert, certFile } = await selfSigned(t);
  const connections = new ConnectionCounter();
  const server = await startServer(
    t,
    (req, res) => {
      connections.see(req);
      res.end(`${req.url};`);
    },
    { tls: { key, cert } },
  );
  const base = `https://127.0.0.1:${server.port}`;
  const { stdout } = await curl(['--cacert', certFile, '-w', '%{num_connects};', `${base}/a`, `${base}/b`]);
  assert.equal(stdout.toString(), '/a;1;/b;0;');
  assert.equal(connections.count, 1);
});

test('a response of several MiB streamed with backpressure over TLS reaches curl intact', async (t) => {
  if (!requireBinary(t, 'openssl') || !requireBinary(t, 'curl')) return;
  const { key, cert, certFile } = await selfSigned(t);
  const data = randomBytes(4 * 1024 * 1024);
  let waits = 0;
  let firstWait!: () => void;
  const backpressure = new Promise<void>((resolve) => (firstWait = resolve));
  const server = await startServer(
    t,
    async (_req, res) => {
      for (let offset = 0; offset < data.length; offset += 64 * 1024) {
        if (!res.write(data.subarray(offset, offset + 64 * 1024))) {
          waits++;
          firstWait();
          await res.drained();
        }
      }
      firstWait();
      res.end();
    },
    { tls: { key, cert } },
  );
  // curl's stdout is held until the first full buffer, so the TLS socket surely fills.
  const body = await curlHeldBack(['--cacert', certFile, '-o', '-', `https://127.0.0.1:${server.port}/`], backpressure);
  assert.ok(body.equals(data), 'curl received different bytes');
  assert.ok(waits > 0, 'write() never reported a full buffer: backpressure was not exercised');
});

test('tls options that cannot serve HTTPS are ERR_INVALID_OPTION when the server is created, not failed handshakes later', () => {
  const handler = (): void => {};
  assert.throws(() => createServer(handler, { tls: { key: '', cert: '' } }), { code: 'ERR_INVALID_OPTION', message: /key is missing or empty/ });
  assert.throws(() => createServer(handler, { tls: { key: 'a key' } }), { code: 'ERR_INVALID_OPTION', message: /cert is missing or empty/ });
  assert.throws(() => createServer(handler, { tls: { key: 'not a PEM key', cert: 'not a PEM certificate' } }), {
    code: 'ERR_INVALID_OPTION',
    message: /^tls was refused by Node: /,
  });
});
