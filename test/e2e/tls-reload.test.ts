/**
 * End to end: `server.setSecureContext()` swaps the certificate of a running
 * HTTPS server (a renewal) for new connections, leaves open connections as
 * they are, and refuses material that cannot serve HTTPS while the old
 * certificate goes on being served. Certificates are made by openssl.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import tls from 'node:tls';
import { selfSigned } from '../helpers/certificate.ts';
import { requireBinary } from '../helpers/clients.ts';
import { requestOnNewConnection } from '../helpers/cluster-process.ts';
import { startServer } from '../helpers/server.ts';

const hello = (_req: unknown, res: { end(body: string): void }): void => res.end('hello');

test('setSecureContext: new connections get the new certificate, an open one keeps its own and is still served', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const [first, renewed] = [await selfSigned(t), await selfSigned(t)];
  const server = await startServer(t, hello, { tls: { key: first.key, cert: first.cert } });
  const open = tls.connect({ host: '127.0.0.1', port: server.port, ca: first.cert, servername: 'localhost' });
  t.after(() => open.destroy());
  await once(open, 'secureConnect');
  assert.equal((await requestOnNewConnection(server.port, '/', { ca: first.cert })).fingerprint, first.fingerprint);

  server.setSecureContext({ key: renewed.key, cert: renewed.cert });

  const answer = await requestOnNewConnection(server.port, '/', { ca: renewed.cert });
  assert.deepEqual([answer.status, answer.body, answer.fingerprint], [200, 'hello', renewed.fingerprint]);
  // A client that trusts only the old certificate now fails the handshake.
  await assert.rejects(requestOnNewConnection(server.port, '/', { ca: first.cert }), /self[- ]signed|certificate/i);
  open.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  let text = '';
  open.setEncoding('latin1').on('data', (chunk: string) => (text += chunk));
  await once(open, 'end');
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello$/);
  assert.equal(open.getPeerCertificate().fingerprint256, first.fingerprint);
});

test('setSecureContext with material that cannot serve HTTPS → ERR_INVALID_OPTION, and the old certificate is still served', async (t) => {
  if (!requireBinary(t, 'openssl')) return;
  const [mine, other] = [await selfSigned(t), await selfSigned(t)];
  const server = await startServer(t, hello, { tls: { key: mine.key, cert: mine.cert } });
  assert.throws(() => server.setSecureContext({ key: '', cert: mine.cert }), { code: 'ERR_INVALID_OPTION', message: /key is missing or empty/ });
  assert.throws(() => server.setSecureContext({ key: mine.key }), { code: 'ERR_INVALID_OPTION', message: /cert is missing or empty/ });
  assert.throws(() => server.setSecureContext({ key: other.key, cert: mine.cert }), {
    code: 'ERR_INVALID_OPTION',
    message: /^tls was refused by Node: .*key values mismatch/,
  });
  const answer = await requestOnNewConnection(server.port, '/', { ca: mine.cert });
  assert.deepEqual([answer.status, answer.fingerprint], [200, mine.fingerprint]);
});

test('setSecureContext on a server without tls → ERR_INVALID_OPTION', async (t) => {
  const server = await startServer(t, hello);
  assert.throws(() => server.setSecureContext({ key: 'k', cert: 'c' }), { code: 'ERR_INVALID_OPTION', message: /needs a server created with tls options/ });
});
