/**
 * signwire behind a real nginx, running the config docs/deployment.md shows
 * (read from there; a test adds only its ports, and where stated one
 * directive):
 *
 * - RFC 9421 signatures made by the client for the authority it addresses
 *   (nginx's host:port) verify through nginx, whether nginx passes `Host`
 *   through or rewrites it, because the app trusts nginx's hop; with nginx
 *   untrusted, the rewritten `Host` fails them (ERR_SIG_INVALID).
 * - The client address: a client on 127.0.0.2 that sends its own
 *   `X-Forwarded-For` gets 127.0.0.2 as `c.req.ip`, through nginx (which
 *   appends to the spoofed value) and directly; one that sends its own
 *   `Forwarded` (which nginx passes on untouched) changes neither its address
 *   nor the authority its signature is checked against.
 * - Keep-alive from nginx to signwire under load, with idle pauses below,
 *   around and above nginx's upstream `keepalive_timeout` (set below
 *   signwire's keep-alive idle timeout, as the docs require): no 502, and
 *   nginx, not signwire, is the side that closes idle connections.
 *
 * nginx is started by the test (apt-get install nginx); without it the test
 * is skipped, and in CI it fails.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { signRequest } from '../../src/client/index.ts';
import { App, DEFAULT_LIMITS, verifySignature, type Context, type Server, type TrustProxy } from '../../src/index.ts';
import { codeOf, listen, quietApp, sleep } from '../helpers/app.ts';
import { requireBinary, run, tempDir } from '../helpers/clients.ts';
import { deploymentSnippet, replaceOnce, requireNginx, startNginx, type Nginx } from '../helpers/nginx.ts';
import { requestFrom } from '../helpers/request-from.ts';

const SECRET = 'nginx-e2e-secret-3f9a1c';
const KEYS = { partner: { alg: 'hmac-sha256' as const, secret: SECRET } };
const TIMEOUT_MS = 5_000;

interface Variant {
  /** Add `proxy_set_header Host $http_host;` (the docs' block lets nginx rewrite Host). */
  readonly passHost?: boolean;
  /** Replace the block's upstream `keepalive_timeout 60s`. */
  readonly keepaliveTimeout?: string;
}

/** The docs' nginx block for an upstream on `upstreamPort`, nginx on `port`. */
function docsConfig(upstreamPort: number, port: number, variant: Variant): string {
  let http = deploymentSnippet();
  http = replaceOnce(http, 'server 127.0.0.1:8000;', `server 127.0.0.1:${upstreamPort};`);
  http = replaceOnce(http, 'listen 8080;', `listen 127.0.0.1:${port};`);
  if (variant.passHost === true) http = replaceOnce(http, 'proxy_set_header Connection "";', 'proxy_set_header Connection "";\n        proxy_set_header Host $http_host;');
  if (variant.keepaliveTimeout !== undefined) http = replaceOnce(http, 'keepalive_timeout 60s;', `keepalive_timeout ${variant.keepaliveTimeout};`);
  return http;
}

/** Serves `app`, puts nginx in front of it; undefined when the test was skipped for want of nginx. */
async function behindNginx(t: TestContext, app: App, variant: Variant = {}): Promise<{ nginx: Nginx; server: Server } | undefined> {
  const bin = requireNginx(t);
  if (bin === undefined) return undefined;
  const server = await listen(t, app);
  const nginx = await startNginx(t, bin, (port) => docsConfig(server.port, port, variant));
  return { nginx, server };
}

/** What the app saw of a request. */
const seen = (c: Context) => ({
  ip: c.req.ip,
  authority: c.req.host,
  protocol: c.req.protocol,
  hostHeader: c.req.header('host'),
  forwardedFor: c.req.header('x-forwarded-for') ?? null,
  keyId: c.get('signature')?.keyId ?? null,
});

/** An app with signed `GET /orders` and `POST /orders` and an unsigned `GET /who`, answering what it saw. */
function signedApp(trustProxy: TrustProxy): App {
  const app = quietApp({ trustProxy });
  app.get('/orders', verifySignature({ keys: KEYS }), (c) => c.json(seen(c)));
  app.post('/orders', verifySignature({ keys: KEYS }), (c) => c.json(seen(c), 201));
  app.get('/who', (c) => c.json(seen(c)));
  return app;
}

/** A signed fetch of `url` (signed for that URL's authority, as a client does). */
async function signedFetch(method: 'GET' | 'POST', url: string): Promise<Response> {
  const body = method === 'POST' ? JSON.stringify({ sku: 'tea', qty: 2 }) : undefined;
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const added = await signRequest({ method, url, headers, body }, { keyId: 'partner', key: SECRET, alg: 'hmac-sha256' });
  return fetch(url, { method, headers: { ...headers, ...added }, ...(body !== undefined && { body }), signal: AbortSignal.timeout(TIMEOUT_MS) });
}

describe('RFC 9421 signatures through nginx', () => {
  test('nginx passes Host through → GET and POST signed for nginx\'s host:port verify', async (t) => {
    const front = await behindNginx(t, signedApp(['127.0.0.1']), { passHost: true });
    if (front === undefined) return;
    const authority = `127.0.0.1:${front.nginx.port}`;
    for (const method of ['GET', 'POST'] as const) {
      const res = await signedFetch(method, `http://${authority}/orders?page=2`);
      const body = (await res.json()) as ReturnType<typeof seen>;
      assert.equal(res.status, method === 'GET' ? 200 : 201, JSON.stringify(body));
      assert.deepEqual({ keyId: body.keyId, authority: body.authority, hostHeader: body.hostHeader }, { keyId: 'partner', authority, hostHeader: authority });
    }
  });

  test('nginx rewrites Host to the upstream name → the signatures still verify, from X-Forwarded-Host of the trusted hop', async (t) => {
    const front = await behindNginx(t, signedApp(['127.0.0.1']));
    if (front === undefined) return;
    const authority = `127.0.0.1:${front.nginx.port}`;
    for (const method of ['GET', 'POST'] as const) {
      const res = await signedFetch(method, `http://${authority}/orders`);
      const body = (await res.json()) as ReturnType<typeof seen>;
      assert.equal(res.status, method === 'GET' ? 200 : 201, JSON.stringify(body));
      assert.deepEqual(body, { ip: '127.0.0.1', authority, protocol: 'http', hostHeader: 'signwire', forwardedFor: '127.0.0.1', keyId: 'partner' });
    }
  });

  test('nginx rewrites Host and is not trusted → 401 ERR_SIG_INVALID (the rewritten Host is what gets checked)', async (t) => {
    const front = await behindNginx(t, signedApp(['10.0.0.0/8']));
    if (front === undefined) return;
    const res = await signedFetch('POST', `http://127.0.0.1:${front.nginx.port}/orders`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_SIG_INVALID');
  });
});

describe('the client address', () => {
  const spoof = { 'x-forwarded-for': '198.51.100.66', 'x-forwarded-host': 'evil.example' };

  for (const trustProxy of [['127.0.0.1'], 1] as const) {
    test(`through nginx with trustProxy ${JSON.stringify(trustProxy)}, a client on 127.0.0.2 that sends X-Forwarded-For → ip 127.0.0.2`, async (t) => {
      const front = await behindNginx(t, signedApp(trustProxy));
      if (front === undefined) return;
      const res = await requestFrom(`http://127.0.0.1:${front.nginx.port}/who`, { localAddress: '127.0.0.2', headers: spoof });
      const body = JSON.parse(res.body) as ReturnType<typeof seen>;
      assert.equal(res.status, 200);
      assert.equal(body.forwardedFor, '198.51.100.66, 127.0.0.2', 'nginx appends the address it saw to what the client sent');
      assert.equal(body.ip, '127.0.0.2');
      assert.equal(body.authority, `127.0.0.1:${front.nginx.port}`, 'X-Forwarded-Host is set by nginx, not taken from the client');
    });
  }

  test('through nginx, a client\'s own Forwarded header (passed on untouched) sets neither ip nor host nor scheme', async (t) => {
    const front = await behindNginx(t, signedApp(['127.0.0.1']));
    if (front === undefined) return;
    const forwarded = { forwarded: 'for=198.51.100.66;host=evil.example;proto=https' };
    const res = await requestFrom(`http://127.0.0.1:${front.nginx.port}/who`, { localAddress: '127.0.0.2', headers: forwarded });
    const body = JSON.parse(res.body) as ReturnType<typeof seen>;
    assert.equal(res.status, 200);
    assert.deepEqual([body.ip, body.authority, body.protocol], ['127.0.0.2', `127.0.0.1:${front.nginx.port}`, 'http']);
    const order = JSON.stringify({ sku: 'tea', qty: 2 });
    const headers = { 'content-type': 'application/json' };
    const request = { method: 'POST', url: 'https://evil.example/orders', headers, body: order };
    const added = await signRequest(request, { keyId: 'partner', key: SECRET, alg: 'hmac-sha256' });
    const signed = await fetch(`http://127.0.0.1:${front.nginx.port}/orders`, {
      method: 'POST', headers: { ...headers, ...added, ...forwarded }, body: order, signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    assert.equal(signed.status, 401, 'a request signed for another authority does not verify by naming it in Forwarded');
  });

  test('directly to signwire, a spoofed X-Forwarded-For from an untrusted peer (127.0.0.2) → ignored', async (t) => {
    const server = await listen(t, signedApp(['127.0.0.1']));
    const res = await requestFrom(`http://127.0.0.1:${server.port}/who`, { localAddress: '127.0.0.2', headers: spoof });
    const body = JSON.parse(res.body) as ReturnType<typeof seen>;
    assert.match(body.ip ?? '', /^(::ffff:)?127\.0\.0\.2$/);
    assert.equal(body.authority, `127.0.0.1:${server.port}`);
  });
});

describe('keep-alive between nginx and signwire', () => {
  test('the docs\' order: nginx\'s upstream keepalive_timeout (60 s) is below signwire\'s keep-alive idle timeout (65 s)', () => {
    const nginxSeconds = Number(/keepalive_timeout (\d+)s;/.exec(deploymentSnippet())?.[1]);
    assert.equal(nginxSeconds, 60, "the block writes out nginx's default");
    assert.ok(nginxSeconds * 1000 < DEFAULT_LIMITS.keepAliveTimeoutMs, `${nginxSeconds} s must be below ${DEFAULT_LIMITS.keepAliveTimeoutMs} ms`);
  });

  test('bursts with idle pauses around nginx\'s keepalive_timeout (1 s, below signwire\'s 2 s) → no 502, and nginx closes idle connections first', async (t) => {
    const load = loadApp(2_000);
    const front = await behindNginx(t, load.app, { keepaliveTimeout: '1s' });
    if (front === undefined) return;
    const base = `http://127.0.0.1:${front.nginx.port}`;
    const statuses = new Map<string, number>();
    const bursts: Burst[] = [];
    const openDuringLastPause: number[] = [];
    for (const pauseMs of [0, 500, 950, 1_050, 2_500]) {
      if (pauseMs < 2_500) await sleep(pauseMs);
      else openDuringLastPause.push(...(await sampleOpen(front.server, [500, 1_500, 2_500])));
      load.ports = new Set();
      const started = performance.now();
      await burst(base, 240, 16, statuses);
      bursts.push({ pauseMs, ports: load.ports, perSecond: Math.round(240 / ((performance.now() - started) / 1000)) });
    }
    const perBurst = bursts.map((b) => `pause ${b.pauseMs} ms → ${b.ports.size} upstream connections, ${b.perSecond} req/s`).join('; ');
    t.diagnostic(`statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${perBurst}; open upstream connections 0.5 / 1.5 s into the 2.5 s pause: ${openDuringLastPause.slice(0, 2).join(' / ')}`);
    assert.equal(statuses.get('502') ?? 0, 0, front.nginx.errorLog());
    assert.deepEqual([...statuses.keys()], ['200'], front.nginx.errorLog());
    assertReuse(bursts);
    // 0.5 s idle: both sides keep the connections; 1.5 s: nginx (1 s) has closed them, signwire (2 s) would not have yet.
    assert.ok(openDuringLastPause[0]! > 0, 'connections are kept alive while idle below both timeouts');
    assert.equal(openDuringLastPause[1], 0, 'between the two timeouts nginx has closed every idle upstream connection');
  });

  test('a 2 s wrk load of GET and POST through nginx → every response 200, no socket error', async (t) => {
    if (!requireBinary(t, 'wrk')) return;
    const front = await behindNginx(t, loadApp(2_000).app, { keepaliveTimeout: '1s' });
    if (front === undefined) return;
    const script = join(tempDir(t), 'count.lua');
    writeFileSync(script, WRK_SCRIPT);
    const { stdout } = await run('wrk', ['-t1', '-c16', '-d2s', '--timeout', '3s', '-s', script, `http://127.0.0.1:${front.nginx.port}/`], { timeoutMs: 15_000 });
    const report = stdout.toString('utf8');
    const statuses = Object.fromEntries([...report.matchAll(/^status (\d+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    t.diagnostic(`wrk: ${JSON.stringify(statuses)}, ${/^Requests\/sec:.*$/m.exec(report)?.[0] ?? ''}`);
    assert.deepEqual(Object.keys(statuses), ['200'], report);
    assert.ok((statuses['200'] ?? 0) > 100, report);
    assert.match(report, /^errors 0 0 0 0 0$/m, report);
  });
});

/** A load app: GET /hello, POST /echo; records the upstream connections (peer ports) requests came on. */
function loadApp(keepAliveTimeoutMs: number): { app: App; ports: Set<number> } {
  const state = { app: quietApp({ trustProxy: ['127.0.0.1'], limits: { keepAliveTimeoutMs } }), ports: new Set<number>() };
  const record = (c: Context): void => void state.ports.add(c.req.raw.peer.remotePort ?? 0);
  state.app.get('/hello', (c) => (record(c), c.text('hello')));
  state.app.post('/echo', async (c) => (record(c), c.body(await c.req.body())));
  return state;
}

/**
 * `total` requests (GET and 1 KiB POST, alternating) with `concurrency` in
 * flight, for 20 s at most; counts statuses ("error" for a failed fetch,
 * "unsent" for one the deadline cut off).
 */
async function burst(base: string, total: number, concurrency: number, statuses: Map<string, number>): Promise<void> {
  let next = 0;
  const payload = 'x'.repeat(1024);
  const deadline = performance.now() + 20_000;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < total; i = next++) {
      if (performance.now() > deadline) {
        statuses.set('unsent', (statuses.get('unsent') ?? 0) + 1);
        continue;
      }
      const init: RequestInit = i % 2 === 0 ? {} : { method: 'POST', body: payload };
      const status = await fetch(`${base}${i % 2 === 0 ? '/hello' : '/echo'}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) }).then(
        async (res) => (await res.arrayBuffer(), String(res.status)),
        () => 'error',
      );
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Burst {
  readonly pauseMs: number;
  /** The upstream connections (peer ports at signwire) the burst's requests came on. */
  readonly ports: Set<number>;
  readonly perSecond: number;
}

/** Waits out a pause, sampling the server's open connections at each of `atMs` (the last is the pause's end). */
async function sampleOpen(server: Server, atMs: readonly number[]): Promise<number[]> {
  const started = performance.now();
  const open: number[] = [];
  for (const at of atMs) {
    await sleep(Math.max(0, at - (performance.now() - started)));
    open.push(server.connections);
  }
  return open;
}

/**
 * After a pause shorter than nginx's keepalive_timeout, nginx reuses
 * connections of the burst before; after a longer one it opens new ones.
 */
function assertReuse(bursts: readonly Burst[]): void {
  for (let i = 1; i < bursts.length; i++) {
    const { pauseMs, ports } = bursts[i]!;
    const reused = [...ports].filter((port) => bursts[i - 1]!.ports.has(port)).length;
    if (pauseMs <= 500) assert.ok(reused > 0, `after ${pauseMs} ms idle nginx should reuse a connection`);
    if (pauseMs >= 2_000) assert.equal(reused, 0, `after ${pauseMs} ms idle nginx should have opened new connections`);
  }
}

/** wrk: alternate GET /hello and POST /echo, count responses by status, print the counts and socket errors. */
const WRK_SCRIPT = `
counts = {}
local n = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function request()
  n = n + 1
  if n % 2 == 0 then return wrk.format("POST", "/echo", { ["Content-Type"] = "application/octet-stream" }, string.rep("x", 1024)) end
  return wrk.format("GET", "/hello")
end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do io.write(string.format("status %d %d\\n", status, count)) end
  end
  local e = summary.errors
  io.write(string.format("errors %d %d %d %d %d\\n", e.connect, e.read, e.write, e.status, e.timeout))
end
`;
