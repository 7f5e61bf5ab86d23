/**
 * The metrics middleware in process (`app.request()`): requests counted by
 * method, route pattern and status; every unmatched request under one
 * route label; thrown errors under the status sent (a custom onError's
 * or notFound's included); durations in
 * the histogram; signature failures by code from `verifySignature`, nonce
 * store outages counted apart; the cap on series; and the scrape itself.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signRequest } from '../../../src/client/index.ts';
import { App, HttpError, Registry, createMetrics, verifySignature, type MetricsOptions, type NonceStore, type Server } from '../../../src/index.ts';
import { recordingLogger, sleep } from '../../helpers/app.ts';
import { parseExposition, sampleValue, type ParsedFamily } from '../../helpers/prometheus-text.ts';

const SECRET = 'metrics-test-secret-5f0c2a9e71d4b3';
const REQUESTS = 'signwire_http_requests_total';
const DURATION = 'signwire_http_request_duration_seconds';

function metricsApp(options: MetricsOptions = {}) {
  const app = new App({ logger: recordingLogger().logger });
  const metrics = createMetrics({ processMetrics: false, ...options });
  app.use(metrics.middleware());
  app.get('/metrics', metrics.handler());
  return { app, metrics };
}

async function scrape(app: App): Promise<Map<string, ParsedFamily>> {
  const res = await app.request('/metrics');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

async function signedHeaders(method: string, path: string, secret = SECRET): Promise<Record<string, string>> {
  return signRequest({ method, url: `http://localhost${path}` }, { keyId: 'k', key: secret, alg: 'hmac-sha256' });
}

describe('requests by route and status', () => {
  test('requests count under the route pattern, method and status, never the raw path', async () => {
    const { app } = metricsApp();
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    app.post('/users', (c) => c.json({}, 201));
    for (const id of ['1', '2', '3']) await app.request(`/users/${id}`);
    await app.request('/users', { method: 'POST', body: '{}' });
    await app.request('/users/4', { method: 'HEAD' });
    const families = await scrape(app);
    assert.equal(sampleValue(families, REQUESTS, { method: 'GET', route: '/users/:id', status: '200' }), 3);
    assert.equal(sampleValue(families, REQUESTS, { method: 'POST', route: '/users', status: '201' }), 1);
    assert.equal(sampleValue(families, REQUESTS, { method: 'HEAD', route: '/users/:id', status: '200' }), 1);
    assert.equal(sampleValue(families, DURATION + '_count', { method: 'GET', route: '/users/:id' }), 3);
    const text = await (await app.request('/metrics')).text();
    assert.doesNotMatch(text, /\/users\/[0-9]/);
  });

  test('every unknown path is counted under one route label; 405 answers too', async () => {
    const { app } = metricsApp();
    app.get('/only-get', (c) => c.text('x'));
    for (let i = 0; i < 25; i++) await app.request(`/nope/${i}?q=${i}`);
    await app.request('/only-get', { method: 'DELETE' });
    const families = await scrape(app);
    assert.equal(sampleValue(families, REQUESTS, { method: 'GET', route: '<unmatched>', status: '404' }), 25);
    assert.equal(sampleValue(families, REQUESTS, { method: 'DELETE', route: '<unmatched>', status: '405' }), 1);
    const routes = new Set(families.get(REQUESTS)!.samples.map((s) => s.labels['route']));
    assert.deepEqual([...routes], ['<unmatched>'], 'one route label (a scrape is counted once it has answered)');
  });

  test('the unmatched label can be renamed', async () => {
    const { app } = metricsApp({ unmatchedRoute: 'none' });
    await app.request('/missing');
    assert.equal(sampleValue(await scrape(app), REQUESTS, { route: 'none', status: '404' }), 1);
  });

  test('a thrown error is counted under the status it answers', async () => {
    const { app } = metricsApp();
    app.get('/forbidden', () => {
      throw new HttpError(403, 'no');
    });
    app.get('/boom', async () => {
      await sleep(1);
      throw new Error('internal detail');
    });
    assert.equal((await app.request('/forbidden')).status, 403);
    assert.equal((await app.request('/boom')).status, 500);
    const families = await scrape(app);
    assert.equal(sampleValue(families, REQUESTS, { route: '/forbidden', status: '403' }), 1);
    assert.equal(sampleValue(families, REQUESTS, { route: '/boom', status: '500' }), 1);
  });

  test('the status counted is the one sent: a custom onError or notFound answer counts under its own status', async () => {
    const { app } = metricsApp();
    app.onError((_error, c) => c.json({ retry: true }, 503));
    app.notFound((c) => c.text('gone', 410));
    app.get('/boom', () => {
      throw new Error('x');
    });
    assert.equal((await app.request('/boom')).status, 503);
    assert.equal((await app.request('/nowhere')).status, 410);
    const families = await scrape(app);
    assert.equal(sampleValue(families, REQUESTS, { route: '/boom', status: '503' }), 1);
    assert.equal(sampleValue(families, REQUESTS, { route: '/boom', status: '500' }), undefined);
    assert.equal(sampleValue(families, REQUESTS, { route: '<unmatched>', status: '410' }), 1);
  });

  test('a mounted sub-app reports the full pattern, prefix included', async () => {
    const { app } = metricsApp();
    const v1 = new App();
    v1.get('/items/:id', (c) => c.text('item'));
    app.route('/v1', v1);
    await app.request('/v1/items/9');
    assert.equal(sampleValue(await scrape(app), REQUESTS, { route: '/v1/items/:id', status: '200' }), 1);
  });

  test('a slow handler lands above the buckets it took longer than', async () => {
    const { app } = metricsApp();
    app.get('/slow', async (c) => {
      await sleep(40); // timers may fire up to a millisecond early by performance.now()
      c.text('done');
    });
    await app.request('/slow');
    const families = await scrape(app);
    assert.equal(sampleValue(families, DURATION + '_bucket', { route: '/slow', le: '0.025' }), 0);
    assert.equal(sampleValue(families, DURATION + '_bucket', { route: '/slow', le: '+Inf' }), 1);
    assert.ok(sampleValue(families, DURATION + '_sum', { route: '/slow' })! >= 0.035);
  });

  test('the series cap holds: statuses past maxSeries share the overflow series', async () => {
    const { app } = metricsApp({ maxSeries: 5 });
    app.get('/status/:code', (c) => c.status(Number(c.req.param('code'))));
    for (let code = 200; code < 240; code++) await app.request(`/status/${code}`);
    const samples = (await scrape(app)).get(REQUESTS)!.samples;
    assert.equal(samples.length, 6);
    assert.equal(samples.at(-1)!.labels['status'], '__overflow__');
    assert.equal(samples.reduce((sum, s) => sum + s.value, 0), 40);
  });
});

describe('signature failures', () => {
  test('refused requests are counted by code; a valid one is not', async () => {
    const { app } = metricsApp();
    app.use('/api', verifySignature({ keys: { k: { alg: 'hmac-sha256', secret: SECRET } } }));
    app.get('/api/data', (c) => c.text('data'));
    assert.equal((await app.request('/api/data')).status, 401);
    await app.request('/api/data');
    await app.request('/api/data', { headers: { 'signature-input': 'sig1=(', signature: 'sig1=:AA==:' } });
    await app.request('/api/data', { headers: await signedHeaders('GET', '/api/data', 'another-secret-entirely-0000000') });
    assert.equal((await app.request('/api/data', { headers: await signedHeaders('GET', '/api/data') })).status, 200);
    const families = await scrape(app);
    const failures = 'signwire_signature_failures_total';
    assert.equal(sampleValue(families, failures, { code: 'ERR_SIG_MISSING' }), 2);
    assert.equal(sampleValue(families, failures, { code: 'ERR_SIG_MALFORMED' }), 1);
    assert.equal(sampleValue(families, failures, { code: 'ERR_SIG_INVALID' }), 1);
    assert.equal(families.get(failures)!.samples.length, 3);
    assert.equal(sampleValue(families, REQUESTS, { route: '/api/data', status: '401' }), 4);
    assert.equal(sampleValue(families, 'signwire_nonce_store_errors_total'), 0);
  });

  test('a nonce store that cannot answer counts as ERR_SIG_STORE_UNAVAILABLE and as a nonce store error', async () => {
    const { app } = metricsApp();
    const down: NonceStore = { claim: () => Promise.reject(new Error('connection refused')) };
    app.get('/api/data', verifySignature({ keys: { k: { alg: 'hmac-sha256', secret: SECRET } }, nonces: down }), (c) => c.text('data'));
    const res = await app.request('/api/data', { headers: await signedHeaders('GET', '/api/data') });
    assert.equal(res.status, 503);
    const families = await scrape(app);
    assert.equal(sampleValue(families, 'signwire_signature_failures_total', { code: 'ERR_SIG_STORE_UNAVAILABLE' }), 1);
    assert.equal(sampleValue(families, 'signwire_nonce_store_errors_total'), 1);
    assert.equal(sampleValue(families, REQUESTS, { route: '/api/data', status: '503' }), 1);
  });
});

describe('the scrape', () => {
  test('the whole default output, process metrics included, passes the strict grammar check', async () => {
    const app = new App();
    const metrics = createMetrics();
    try {
      app.use(metrics.middleware());
      app.get('/metrics', metrics.handler());
      const families = await scrape(app);
      for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_p99_seconds']) {
        assert.ok(families.has(name), name);
      }
      assert.ok(sampleValue(families, 'process_resident_memory_bytes')! > 1_000_000);
      assert.ok(Math.abs(sampleValue(families, 'process_start_time_seconds')! - Date.now() / 1000) < 3600);
      assert.equal(sampleValue(families, 'signwire_open_connections'), 0);
    } finally {
      metrics.close();
    }
  });

  test('a prefix renames the signwire metrics; a shared registry carries your own metrics too', async () => {
    const registry = new Registry();
    const jobs = registry.counter({ name: 'jobs_total', help: 'Jobs run.' });
    const { app } = metricsApp({ prefix: 'api_', registry });
    jobs.inc(4);
    await app.request('/x');
    const families = await scrape(app);
    assert.equal(sampleValue(families, 'api_http_requests_total', { route: '<unmatched>' }), 1);
    assert.equal(sampleValue(families, 'jobs_total'), 4);
    assert.ok(![...families.keys()].some((name) => name.startsWith('signwire_')));
  });

  test('the middleware is one instance; metrics twice in one registry, or observing a non-server, is ERR_INVALID_OPTION', () => {
    const registry = new Registry();
    const metrics = createMetrics({ registry, processMetrics: false });
    assert.equal(metrics.middleware(), metrics.middleware());
    assert.throws(() => createMetrics({ registry, processMetrics: false }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => metrics.observeServer({} as Server), { code: 'ERR_INVALID_OPTION' });
  });
});
