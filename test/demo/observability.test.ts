/**
 * The demo's /metrics and /healthz, in process: a scrape in the Prometheus
 * text format that counts the demo's own traffic and its refused signatures,
 * and a health endpoint that checks the nonce store it was given; over a
 * socket, the open connections of the server `listen()` started.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { createDemoApp } from '../../src/demo/app.ts';
import { createMetrics } from '../../src/index.ts';
import { parseExposition, sampleValue } from '../helpers/prometheus-text.ts';

const KEYS = { demo: { alg: 'hmac-sha256', secret: 'demo-observability-secret-0123456789' } } as const;

describe('demo observability', () => {
  test('/metrics counts /hello and the refused unsigned /api call by code', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const app = createDemoApp({ keys: KEYS, metrics });
    await app.request('/hello');
    assert.equal((await app.request('/api/whoami')).status, 401);
    const res = await app.request('/metrics');
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const families = parseExposition(await res.text());
    assert.equal(sampleValue(families, 'signwire_http_requests_total', { route: '/hello', status: '200' }), 1);
    assert.equal(sampleValue(families, 'signwire_http_requests_total', { route: '/api/whoami', status: '401' }), 1);
    assert.equal(sampleValue(families, 'signwire_signature_failures_total', { code: 'ERR_SIG_MISSING' }), 1);
  });

  test('/healthz is 200 without a nonce store given, and 503 when the given one cannot answer', async () => {
    const plain = createDemoApp({ keys: KEYS, metrics: createMetrics({ processMetrics: false }) });
    assert.deepEqual(await (await plain.request('/healthz')).json(), { status: 'ok' });
    const nonces = { claim: () => Promise.reject(new Error('redis down')) };
    const broken = createDemoApp({ keys: KEYS, nonces, metrics: createMetrics({ processMetrics: false }) });
    const res = await broken.request('/healthz');
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unavailable', checks: { nonces: 'failed' } });
  });

  test('/metrics counts the open connections of the server the demo listens on', async (t) => {
    const app = createDemoApp({ keys: KEYS, metrics: createMetrics({ processMetrics: false }) });
    const server = await app.listen({ port: 0 });
    t.after(() => server.close({ graceMs: 0 }));
    const held = await Promise.all([1, 2, 3].map(() => connect(server.port)));
    t.after(() => held.forEach((socket) => socket.destroy()));
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { connection: 'close' } });
    const families = parseExposition(await res.text());
    assert.ok(sampleValue(families, 'signwire_open_connections', {})! >= 3, 'the three held sockets are counted');
  });
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}
