/**
 * The `tls` option of a cluster at the boundary: its shape (ERR_INVALID_OPTION
 * from `serveCluster()` before anything is forked), whether Node accepts the
 * key and certificate (a one-line refusal naming the part at fault), and its
 * trip to the workers as JSON, Buffers intact.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkTlsOptions, decodeTls, encodeTls, tlsRefusal, type ClusterTlsOptions } from '../../src/cluster/tls-options.ts';
import { serveCluster } from '../../src/index.ts';
import { selfSigned } from '../helpers/certificate.ts';
import { requireBinary } from '../helpers/clients.ts';

const APP = fileURLToPath(new URL('../fixtures/cluster-app.ts', import.meta.url));

describe('the shape of tls', () => {
  test('not an object, a missing key or cert, or an option that is not data → ERR_INVALID_OPTION', () => {
    const pem = Buffer.from('-----BEGIN-----');
    const bad: unknown[] = [null, 'key.pem', [pem], {}, { key: pem }, { cert: pem }, { key: pem, cert: pem, SNICallback: () => {} }, { key: pem, cert: pem, pfx: pem }];
    for (const value of bad) assert.throws(() => checkTlsOptions(value), { code: 'ERR_INVALID_OPTION' }, String(value));
    assert.throws(() => checkTlsOptions({ key: pem, cert: pem, SNICallback: () => {} }), /tls\.SNICallback cannot be sent to the workers/);
    assert.throws(() => checkTlsOptions({ key: pem }), /tls\.cert is missing/);
  });

  test('key, cert and the other data options pass as they are', () => {
    const options = { key: 'k', cert: Buffer.from('c'), ca: ['a'], passphrase: 'p', minVersion: 'TLSv1.3' as const, requestCert: false };
    assert.equal(checkTlsOptions(options), options);
  });

  test('serveCluster() with a tls that has no cert rejects with ERR_INVALID_OPTION before forking', async () => {
    await assert.rejects(serveCluster(APP, { workers: 1, tls: { key: 'k' } as unknown as ClusterTlsOptions }), { code: 'ERR_INVALID_OPTION', message: /tls\.cert is missing/ });
  });
});

describe('what Node refuses', () => {
  test('a matching key and certificate → no refusal', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const { key, cert } = await selfSigned(t);
    assert.equal(tlsRefusal({ key, cert }), undefined);
    assert.equal(tlsRefusal({ key: key.toString(), cert: [cert.toString()] }), undefined);
  });

  test('a key of another certificate, a key that is not one, an empty cert → one line naming the part at fault', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const [mine, other] = [await selfSigned(t), await selfSigned(t)];
    assert.match(tlsRefusal({ key: other.key, cert: mine.cert }) ?? '', /^cannot serve HTTPS: tls was refused by Node: .*key values mismatch$/);
    assert.match(tlsRefusal({ key: mine.cert, cert: mine.cert }) ?? '', /^cannot serve HTTPS: tls\.key was refused by Node: [^\n]+$/);
    assert.match(tlsRefusal({ key: mine.key, cert: 'not a certificate' }) ?? '', /^cannot serve HTTPS: tls\.cert was refused by Node: [^\n]+$/);
    assert.equal(tlsRefusal({ key: mine.key, cert: Buffer.alloc(0) }), 'cannot serve HTTPS: tls.cert is empty');
    const names = { key: '--tls-key k.pem', cert: '--tls-cert c.pem', both: 'both files' };
    assert.equal(tlsRefusal({ key: '', cert: mine.cert }, names), 'cannot serve HTTPS: --tls-key k.pem is empty');
  });
});

describe('over the IPC channel', () => {
  test('through JSON, Buffers come back as the same bytes, strings and nested key objects as they were', () => {
    const options: ClusterTlsOptions = {
      key: [Buffer.from([0, 1, 254, 255]), { pem: Buffer.from('pem bytes'), passphrase: 'secret' }],
      cert: 'PEM text',
      ca: [Buffer.from('ca one'), 'ca two'],
      minVersion: 'TLSv1.2',
      honorCipherOrder: true,
      sessionTimeout: 300,
    };
    const wire = JSON.parse(JSON.stringify(encodeTls(options))) as unknown;
    const back = decodeTls(wire);
    assert.deepEqual(back, options);
    assert.ok(Buffer.isBuffer((back.ca as unknown[])[0]), 'a Buffer is a Buffer again');
  });

  test('a message that does not hold options → ERR_INVALID_OPTION', () => {
    for (const wire of [null, 'text', { cert: 'c' }]) assert.throws(() => decodeTls(wire), { code: 'ERR_INVALID_OPTION' });
  });
});
