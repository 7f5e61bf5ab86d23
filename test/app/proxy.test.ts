/**
 * `trustProxy` (src/app/proxy.ts): the option checked at the boundary; how
 * many forwarded hops each form believes (`true`, N, a list of trusted
 * addresses); client, host and scheme read from the same hop of
 * `X-Forwarded-*` and `Forwarded`; and through the app, in process and on a
 * real socket, that a spoofed `X-Forwarded-For` from an untrusted peer is
 * ignored while a trusted proxy's report feeds `@authority` / `@scheme`.
 *
 * The older forms (`true`, N, 0) keep their tests in request.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signRequest } from '../../src/client/index.ts';
import { App, SignwireError, verifySignature, type AppOptions, type Context, type InProcessInit } from '../../src/index.ts';
import { checkTrustProxy, readForwarded, type ProxyTrust } from '../../src/app/proxy.ts';
import { codeOf, listen, recordingLogger } from '../helpers/app.ts';
import { requestFrom } from '../helpers/request-from.ts';

const who = (c: Context) => ({ ip: c.req.ip, host: c.req.host, protocol: c.req.protocol });

function probe(options: AppOptions): App {
  const app = new App({ logger: recordingLogger().logger, ...options });
  app.get('/who', (c) => c.json(who(c)));
  return app;
}

async function ask(app: App, init: InProcessInit): Promise<unknown> {
  const res = await app.request('/who', init);
  assert.equal(res.status, 200, res.body.toString());
  return res.json();
}

/** `readForwarded` over a plain header object. */
function read(trust: ProxyTrust, peer: string | undefined, headers: Record<string, string>) {
  return readForwarded((name) => headers[name], trust, peer);
}

describe('checkTrustProxy: the option at the boundary', () => {
  test('booleans, hop counts, and lists of addresses, ranges and names → accepted', () => {
    const lists = [[], ['loopback', 'linklocal', 'uniquelocal'], ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32', '::ffff:10.0.0.0/104']];
    for (const value of [true, false, 0, 1, 3, ...lists]) assert.doesNotThrow(() => checkTrustProxy(value), JSON.stringify(value));
  });

  test('a string, a negative, fractional or infinite number, null or an object → ERR_INVALID_OPTION', () => {
    for (const value of ['loopback', '1', -1, 1.5, NaN, Infinity, null, {}]) {
      assert.throws(() => checkTrustProxy(value), { code: 'ERR_INVALID_OPTION' }, String(value));
    }
  });

  test('a list entry that is no address, range or name → ERR_INVALID_OPTION naming the entry', () => {
    for (const entry of ['10.0.0.0/33', 'localhost', '', ' 127.0.0.1', '10.0.0.0/8 ', 'fe80::1%eth0', 42, null]) {
      assert.throws(() => checkTrustProxy(['127.0.0.1', entry]), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ERR_INVALID_OPTION');
        assert.ok(error.message.includes(JSON.stringify(entry) ?? String(entry)), error.message);
        return true;
      });
    }
  });

  test('new App({ trustProxy }) with a bad value → ERR_INVALID_OPTION at construction', () => {
    assert.throws(() => new App({ trustProxy: ['10.0.0.300'] }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => new App({ trustProxy: 'loopback' as unknown as boolean }), { code: 'ERR_INVALID_OPTION' });
  });

  test('false, 0 and [] → disabled; true, N and a non-empty list → enabled', () => {
    for (const value of [false, 0, []]) assert.equal(checkTrustProxy(value).enabled, false);
    for (const value of [true, 2, ['loopback']]) assert.equal(checkTrustProxy(value).enabled, true);
  });
});

describe('hops: how much of the chain is believed', () => {
  const trust = checkTrustProxy(['127.0.0.1', '10.0.0.0/8', '::1']);

  test('an untrusted peer → 0, whatever the chain says', () => {
    assert.equal(trust.hops('203.0.113.7', ['10.0.0.1', '127.0.0.1']), 0);
    assert.equal(trust.hops(undefined, ['203.0.113.9']), 0);
  });

  test('a trusted peer → the chain walked from the right up to the first untrusted address', () => {
    assert.equal(trust.hops('10.0.0.1', ['203.0.113.9']), 1);
    assert.equal(trust.hops('10.0.0.1', ['198.51.100.1', '203.0.113.9']), 1);
    assert.equal(trust.hops('10.0.0.1', ['198.51.100.1', '203.0.113.9', '10.0.0.2']), 2);
    assert.equal(trust.hops('10.0.0.1', ['not-an-ip', '10.0.0.2']), 2);
  });

  test('every address trusted → the whole chain (the first address is the client); no chain → 1', () => {
    assert.equal(trust.hops('10.0.0.1', ['10.0.0.3', '10.0.0.2']), 2);
    assert.equal(trust.hops('10.0.0.1', []), 1);
  });

  test('an IPv4-mapped peer matches its IPv4 entry; ::1 matches ::1', () => {
    assert.equal(trust.hops('::ffff:127.0.0.1', ['203.0.113.9']), 1);
    assert.equal(trust.hops('::1', ['203.0.113.9']), 1);
    assert.equal(trust.hops('::ffff:127.0.0.2', ['203.0.113.9']), 0);
  });

  test('true → every hop; N → N hops, whatever the peer', () => {
    assert.equal(checkTrustProxy(true).hops('203.0.113.7', ['a', 'b']), Infinity);
    assert.equal(checkTrustProxy(2).hops('203.0.113.7', ['a', 'b', 'c']), 2);
  });
});

describe('readForwarded: client, host and scheme from the same hop', () => {
  const trust = checkTrustProxy(['10.0.0.0/8']);

  test('X-Forwarded-For from an untrusted peer → nothing forwarded', () => {
    const headers = { 'x-forwarded-for': '198.51.100.1', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    assert.deepEqual(read(trust, '203.0.113.7', headers), { for: undefined, host: undefined, proto: undefined });
  });

  test('one trusted proxy that appends → the rightmost client, host and scheme', () => {
    const headers = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9', 'x-forwarded-host': 'evil.example, api.example', 'x-forwarded-proto': 'http, https' };
    assert.deepEqual(read(trust, '10.0.0.1', headers), { for: '203.0.113.9', host: 'api.example', proto: 'https' });
  });

  test('two trusted proxies → the second address from the right, and the host and scheme at that hop', () => {
    const headers = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.0.0.2', 'x-forwarded-host': 'evil.example, api.example, edge.internal', 'x-forwarded-proto': 'http, HTTPS, http' };
    assert.deepEqual(read(trust, '10.0.0.1', headers), { for: '203.0.113.9', host: 'api.example', proto: 'https' });
  });

  test('a host and scheme set once (not appended) by the nearest proxy → those values', () => {
    const headers = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9', 'x-forwarded-host': 'api.example:8443', 'x-forwarded-proto': 'https' };
    assert.deepEqual(read(trust, '10.0.0.1', headers), { for: '203.0.113.9', host: 'api.example:8443', proto: 'https' });
  });

  test('Forwarded (proxyHeaders: forwarded) → the element that names the client, with its host and proto', () => {
    const forwarded = 'for=198.51.100.1;host=evil.example, for=203.0.113.9;host=api.example;proto=https, for=10.0.0.2;host=edge;proto=http';
    assert.deepEqual(read(checkTrustProxy(['10.0.0.0/8'], 'forwarded'), '10.0.0.1', { forwarded }), { for: '203.0.113.9', host: 'api.example', proto: 'https' });
  });

  test('Forwarded with bracketed IPv6 nodes and ports → the bare address, matched against IPv6 ranges', () => {
    const v6 = checkTrustProxy(['2001:db8:1::/48'], 'forwarded');
    const forwarded = 'for="[2001:db8::9]:4711";proto=https, for="[2001:db8:1::7]:80"';
    assert.deepEqual(read(v6, '2001:db8:1::5', { forwarded }), { for: '2001:db8::9', host: undefined, proto: 'https' });
  });

  test('only the headers the proxies write are read: the other kind is the client\'s own, passed on', () => {
    const spoof = { forwarded: 'for=6.6.6.6;host=evil.example;proto=https' };
    const sent = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'api.example', 'x-forwarded-proto': 'http' };
    assert.deepEqual(read(trust, '10.0.0.1', { ...spoof, ...sent }), { for: '203.0.113.9', host: 'api.example', proto: 'http' });
    assert.deepEqual(read(trust, '10.0.0.1', spoof), { for: undefined, host: undefined, proto: undefined });
    const byForwarded = checkTrustProxy(['10.0.0.0/8'], 'forwarded');
    const forwarded = 'for=203.0.113.9;host=api.example;proto=http';
    const spoofed = { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    assert.deepEqual(read(byForwarded, '10.0.0.1', { forwarded, ...spoofed }), { for: '203.0.113.9', host: 'api.example', proto: 'http' });
    assert.deepEqual(read(byForwarded, '10.0.0.1', spoofed), { for: undefined, host: undefined, proto: undefined });
  });

  test('proxyHeaders other than x-forwarded or forwarded → ERR_INVALID_OPTION', () => {
    for (const bad of ['X-Forwarded', 'both', '', 1, null]) {
      assert.throws(() => checkTrustProxy(true, bad), (e: unknown) => e instanceof SignwireError && e.code === 'ERR_INVALID_OPTION', String(bad));
    }
  });

  test('an X-Forwarded-For entry with a port → the address without it', () => {
    assert.equal(read(trust, '10.0.0.1', { 'x-forwarded-for': '203.0.113.9:5555' }).for, '203.0.113.9');
  });
});

describe('through the app', () => {
  const spoof = { host: 'internal:8080', 'x-forwarded-for': '198.51.100.66', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

  test('trustProxy list, untrusted peer → the spoofed X-Forwarded-* are ignored', async () => {
    const app = probe({ trustProxy: ['10.0.0.0/8'] });
    assert.deepEqual(await ask(app, { remoteAddress: '203.0.113.7', headers: spoof }), { ip: '203.0.113.7', host: 'internal:8080', protocol: 'http' });
  });

  test('trustProxy list, trusted peer → the proxy\'s report', async () => {
    const app = probe({ trustProxy: ['10.0.0.0/8'] });
    assert.deepEqual(await ask(app, { remoteAddress: '10.1.2.3', headers: spoof }), { ip: '198.51.100.66', host: 'evil.example', protocol: 'https' });
  });

  test('trustProxy: [] → like false', async () => {
    const app = probe({ trustProxy: [] });
    assert.deepEqual(await ask(app, { remoteAddress: '10.1.2.3', headers: spoof }), { ip: '10.1.2.3', host: 'internal:8080', protocol: 'http' });
  });

  test('trustProxy: 1 → the peer is not checked (a hop count trusts position, not address)', async () => {
    const app = probe({ trustProxy: 1 });
    assert.equal(((await ask(app, { remoteAddress: '203.0.113.7', headers: spoof })) as { ip: string }).ip, '198.51.100.66');
  });

  test('a real socket: a spoofed X-Forwarded-For from 127.0.0.2 is ignored when only 127.0.0.1 is trusted', async (t) => {
    const server = await listen(t, probe({ trustProxy: ['127.0.0.1'] }));
    const url = `http://127.0.0.1:${server.port}/who`;
    const headers = { 'x-forwarded-for': '198.51.100.66', 'x-forwarded-host': 'evil.example' };
    const spoofed = JSON.parse((await requestFrom(url, { localAddress: '127.0.0.2', headers })).body) as { ip: string; host: string };
    assert.match(spoofed.ip, /^(::ffff:)?127\.0\.0\.2$/);
    assert.equal(spoofed.host, `127.0.0.1:${server.port}`);
    const trusted = JSON.parse((await requestFrom(url, { localAddress: '127.0.0.1', headers })).body) as { ip: string; host: string };
    assert.deepEqual(trusted, { ip: '198.51.100.66', host: 'evil.example', protocol: 'http' });
  });
});

describe('@authority and @scheme behind a proxy that rewrites Host', () => {
  const SECRET = 'proxy-test-secret-5a1c';
  const keys = { partner: { alg: 'hmac-sha256' as const, secret: SECRET } };

  async function signedThroughProxy(remoteAddress: string) {
    const app = new App({ logger: recordingLogger().logger, trustProxy: ['10.0.0.0/8'] });
    app.post('/orders', verifySignature({ keys }), (c) => c.json({ ok: true }));
    const body = '{"sku":"tea"}';
    const headers = { 'content-type': 'application/json' };
    const added = await signRequest({ method: 'POST', url: 'https://api.example.com/orders', headers, body }, { keyId: 'partner', key: SECRET, alg: 'hmac-sha256' });
    const forwarded = { host: 'upstream:8080', 'x-forwarded-host': 'api.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
    return app.request('/orders', { method: 'POST', remoteAddress, headers: { ...headers, ...added, ...forwarded }, body });
  }

  test('forwarded by a trusted proxy → the signature for the public authority verifies', async () => {
    const res = await signedThroughProxy('10.0.0.1');
    assert.equal(res.status, 200, res.body.toString());
  });

  test('the same headers from an untrusted peer → 401 ERR_SIG_INVALID (the rewritten Host is what is checked)', async () => {
    const res = await signedThroughProxy('203.0.113.7');
    assert.equal(res.status, 401);
    assert.equal(codeOf(res), 'ERR_SIG_INVALID');
  });
});
