/**
 * Metrics over real sockets on 127.0.0.1: counts after requests from
 * Node's fetch, signature failures from a real signed and unsigned client,
 * and the open-connections gauge following keep-alive connections held
 * open by raw clients, read from the server at scrape time.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { signedFetch } from '../../../src/client/index.ts';
import { App, createMetrics, verifySignature, type Metrics, type Server } from '../../../src/index.ts';
import { bounded, listen, recordingLogger } from '../../helpers/app.ts';
import { parseExposition, sampleValue, type ParsedFamily } from '../../helpers/prometheus-text.ts';
import { parseResponses, rawExchange } from '../../helpers/server.ts';
import { RawClient, get, waitUntil } from '../../helpers/sockets.ts';

const SECRET = 'metrics-socket-secret-3b7e19d0c4a2f6';

async function served(t: TestContext): Promise<{ app: App; metrics: Metrics; server: Server }> {
  const app = new App({ logger: recordingLogger().logger });
  const metrics = createMetrics({ processMetrics: false });
  app.use(metrics.middleware());
  app.get('/metrics', metrics.handler());
  app.get('/hello', (c) => c.text('Hello, World!'));
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
  app.post('/orders', verifySignature({ keys: { k: { alg: 'hmac-sha256', secret: SECRET } } }), async (c) => c.json(await c.req.json(), 201));
  const server = await listen(t, app);
  metrics.observeServer(server);
  return { app, metrics, server };
}

/** Scrapes on a fresh connection that closes after the answer, so it holds nothing open afterwards. */
async function scrape(port: number): Promise<Map<string, ParsedFamily>> {
  const { data } = await rawExchange(port, get('/metrics', ['Connection: close']), { timeoutMs: 2000 });
  const [response] = parseResponses(data);
  assert.equal(response?.status, 200);
  assert.equal(response.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(response.body.toString('utf8'));
}

describe('metrics over a real socket', () => {
  test('requests from fetch are counted by route pattern and status', async (t) => {
    const { server } = await served(t);
    const base = `http://127.0.0.1:${server.port}`;
    for (const path of ['/hello', '/hello', '/users/1', '/users/2', '/users/3', '/missing', '/also/missing']) {
      await (await fetch(base + path, { signal: bounded() })).arrayBuffer();
    }
    const families = await scrape(server.port);
    const requests = 'signwire_http_requests_total';
    assert.equal(sampleValue(families, requests, { method: 'GET', route: '/hello', status: '200' }), 2);
    assert.equal(sampleValue(families, requests, { method: 'GET', route: '/users/:id', status: '200' }), 3);
    assert.equal(sampleValue(families, requests, { method: 'GET', route: '<unmatched>', status: '404' }), 2);
  });

  test('signature failures from real clients are counted by code; a signed request passes', async (t) => {
    const { server } = await served(t);
    const url = `http://127.0.0.1:${server.port}/orders`;
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"book"}' };
    assert.equal((await fetch(url, { ...init, signal: bounded() })).status, 401);
    const wrongKey = signedFetch({ keyId: 'k', key: 'not-the-secret-at-all-000000000000', alg: 'hmac-sha256' });
    assert.equal((await wrongKey(url, { ...init, signal: bounded() })).status, 401);
    const api = signedFetch({ keyId: 'k', key: SECRET, alg: 'hmac-sha256' });
    assert.equal((await api(url, { ...init, signal: bounded() })).status, 201);
    const families = await scrape(server.port);
    assert.equal(sampleValue(families, 'signwire_signature_failures_total', { code: 'ERR_SIG_MISSING' }), 1);
    assert.equal(sampleValue(families, 'signwire_signature_failures_total', { code: 'ERR_SIG_INVALID' }), 1);
    assert.equal(sampleValue(families, 'signwire_http_requests_total', { method: 'POST', route: '/orders', status: '201' }), 1);
  });

  test('the open-connections gauge counts keep-alive connections held open, and drops when they close', async (t) => {
    const { server } = await served(t);
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.connect(server.port)));
    t.after(() => clients.forEach((client) => client.destroy()));
    for (const client of clients) {
      client.write(get('/hello'));
      const [response] = await client.responses(1);
      assert.equal(response?.headers['connection'], 'keep-alive');
    }
    const held = await scrape(server.port);
    assert.equal(sampleValue(held, 'signwire_open_connections'), 4, 'three held open and the scrape itself');
    for (const client of clients) client.destroy();
    await waitUntil(() => server.connections === 0, 'the server saw the clients go', 2000);
    assert.equal(sampleValue(await scrape(server.port), 'signwire_open_connections'), 1, 'only the scrape');
  });
});
