/**
 * Property tests of `trustProxy` through `app.request`: random `Forwarded`,
 * `X-Forwarded-For`, `-Host` and `-Proto` fields (quoted and unquoted
 * nodes, ports, obfuscated names, garbage, empty members) with trust off,
 * on, by count and by address never fail the request, and `c.req.ip`,
 * `c.req.host` and `c.req.protocol` never take a malformed value: an IP
 * address, a Host-shaped authority, `http` or `https`. A chain of valid
 * addresses gives the one the hop count names. Under it, `ip-match` reads
 * every spelling of an IPv6 address to its bytes, and decides membership of
 * a CIDR range as `net.BlockList` does.
 */
import assert from 'node:assert/strict';
import { BlockList, isIP } from 'node:net';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { inAnyRange, parseIp, parseRange } from '../../src/app/ip-match.ts';
import { checkTrustProxy, readForwarded } from '../../src/app/proxy.ts';
import type { ProxyHeaders, TrustProxy } from '../../src/index.ts';
import { quietApp } from '../helpers/app.ts';

const TRUSTS: readonly TrustProxy[] = [false, true, 0, 1, 2, ['loopback'], ['10.0.0.0/8', '127.0.0.1'], ['::1']];
const PEERS = ['127.0.0.1', '10.1.2.3', '203.0.113.5', '::1', '::ffff:127.0.0.1'] as const;
/** RFC 9110 §7.2 Host = uri-host [ ":" port ], with a non-empty host. */
const HOST = /^(?:\[[0-9A-Fa-f:.vV]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::\d*)?$/;

const NODES = [
  '203.0.113.9', '10.0.0.5', '127.0.0.1', '::1', '[::1]:80', '192.0.2.1:8080', '[2001:db8::1]', '2001:db8::1', '::ffff:10.0.0.1',
  'unknown', '_hidden', '', ' ', 'not an ip', '1.2.3', '999.1.1.1', '01.2.3.4', '1.2.3.4:abc', '[2001:db8::1', '[::1]x', '[nope]:80',
  'fe80::1%eth0', '1.2.3.4 5.6.7.8', 'localhost', '"', '\\', '%31.2.3.4', '1.2.3.4:',
] as const;
const HOSTS = ['example.com', 'a.example:8080', '[::1]:443', '', 'a b', 'evil.com/path', '@evil', 'x"y', 'h:port', '\\', '%41', '[::1', ':80', 'a?b', 'a#b', 'é'] as const;
const PROTOS = ['http', 'https', 'HTTPS', 'ftp', '', 'h ttp', 'https:', 'javascript', '"https"', 'http\\s'] as const;

const list = <T extends string>(values: readonly T[]) =>
  fc.tuple(fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 4 }), fc.constantFrom(',', ', ', ' , ', ',,')).map(([parts, sep]) => parts.join(sep));

const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
const pair = fc.oneof(
  fc.tuple(fc.constantFrom('for', 'FOR', 'host', 'proto', 'by'), fc.constantFrom<string>(...NODES, ...HOSTS, ...PROTOS), fc.boolean()).map(
    ([name, value, quote]) => `${name}=${quote ? quoted(value) : value}`,
  ),
  fc.constantFrom('', 'x', '=', 'for', 'for="', 'for="1.2.3.4', 'host="a', 'for = 1.2.3.4', ' for=1.2.3.4 '),
);
const forwardedField = fc.array(fc.array(pair, { minLength: 1, maxLength: 3 }).map((pairs) => pairs.join(';')), { minLength: 1, maxLength: 4 }).map((elements) => elements.join(', '));

const headersArb = fc.record(
  { forwarded: forwardedField, xff: list(NODES), xfh: list(HOSTS), xfp: list(PROTOS) },
  { requiredKeys: [] },
);

/** One app per trustProxy value, for each kind of proxy headers. */
const apps = (proxyHeaders: ProxyHeaders) => new Map(TRUSTS.map((trustProxy) => {
  const one = quietApp({ trustProxy, proxyHeaders });
  one.get('/who', (c) => c.json({ ip: c.req.ip ?? null, host: c.req.host, protocol: c.req.protocol, url: c.req.url }));
  return [trustProxy, one] as const;
}));
const app = apps('x-forwarded');
const appByForwarded = apps('forwarded');

interface Who {
  readonly ip: string | null;
  readonly host: string;
  readonly protocol: string;
  readonly url: string;
}

describe('forwarded fields', () => {
  test('any Forwarded / X-Forwarded-* fields leave ip an address, host Host-shaped and protocol http or https', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TRUSTS), fc.constantFrom(...PEERS), headersArb, fc.boolean(), async (trust, peer, h, byForwarded) => {
        const headers: Record<string, string> = {};
        if (h.forwarded !== undefined) headers['Forwarded'] = h.forwarded.trim();
        if (h.xff !== undefined) headers['X-Forwarded-For'] = h.xff.trim();
        if (h.xfh !== undefined) headers['X-Forwarded-Host'] = h.xfh.trim();
        if (h.xfp !== undefined) headers['X-Forwarded-Proto'] = h.xfp.trim();
        const res = await (byForwarded ? appByForwarded : app).get(trust)!.request('/who', { headers, remoteAddress: peer });
        const label = JSON.stringify({ trust, peer, headers, byForwarded });
        assert.equal(res.status, 200, label);
        const who = await res.json<Who>();
        assert.ok(who.ip !== null && isIP(who.ip) !== 0, `ip ${JSON.stringify(who.ip)} for ${label}`);
        assert.match(who.host, HOST, label);
        assert.ok(who.protocol === 'http' || who.protocol === 'https', label);
        assert.equal(who.url, `${who.protocol}://${who.host}/who`, label);
        if (trust === false || trust === 0) assert.deepEqual([who.ip, who.host, who.protocol], [peer, 'localhost', 'http'], label);
      }),
      { numRuns: 2000 },
    );
  });

  test('a chain of valid addresses with trust by count gives the address the count names, in X-Forwarded-For and Forwarded', async () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(true, 1, 2), fc.array(address, { minLength: 1, maxLength: 5 }), fc.boolean(), async (trust, chain, useForwarded) => {
        const headers = useForwarded
          ? { Forwarded: chain.map((a) => `for=${isIP(a) === 6 ? `"[${a}]"` : a}`).join(', ') }
          : { 'X-Forwarded-For': chain.join(', ') };
        const res = await (useForwarded ? appByForwarded : app).get(trust)!.request('/who', { headers, remoteAddress: '127.0.0.1' });
        const who = await res.json<Who>();
        const hops = typeof trust === 'number' ? trust : Infinity;
        assert.equal(who.ip, chain[Math.max(0, chain.length - hops)], JSON.stringify(headers));
      }),
      { numRuns: 500 },
    );
  });
});

describe('malformed forwarded values, minimal cases', () => {
  async function who(trust: TrustProxy, headers: Record<string, string>): Promise<Who> {
    const apps = headers['Forwarded'] === undefined ? app : appByForwarded;
    return (await apps.get(trust)!.request('/who', { headers, remoteAddress: '127.0.0.1' })).json<Who>();
  }

  test('X-Forwarded-Host "a#b" from a trusted proxy is not a host: the Host field is used', async () => {
    assert.equal((await who(TRUSTS[5]!, { 'X-Forwarded-Host': 'a#b' })).host, 'localhost');
  });

  test('X-Forwarded-For "not an ip" with trustProxy true names no address: ip is the socket peer', async () => {
    assert.equal((await who(true, { 'X-Forwarded-For': 'not an ip' })).ip, '127.0.0.1');
  });

  test('Forwarded for="1.2.3.4 with an unclosed quote names no address: ip is the socket peer', async () => {
    assert.equal((await who(1, { Forwarded: 'for="1.2.3.4' })).ip, '127.0.0.1');
  });

  test('Forwarded for=unknown and an obfuscated for=_hidden name no address: ip is the socket peer', async () => {
    assert.equal((await who(1, { Forwarded: 'for=unknown' })).ip, '127.0.0.1');
    assert.equal((await who(1, { Forwarded: 'for=_hidden' })).ip, '127.0.0.1');
  });

  test('a proto that is not a URI scheme ("https:", "h ttp") is not reported', () => {
    const trust = checkTrustProxy(true);
    for (const proto of ['https:', 'h ttp', '"https"', '1http']) {
      assert.equal(readForwarded((name) => ({ 'x-forwarded-proto': proto } as Record<string, string>)[name], trust, '127.0.0.1').proto, undefined, proto);
    }
    const byForwarded = checkTrustProxy(true, 'forwarded');
    for (const forwarded of ['proto=https:', 'proto="h ttp"', 'proto=', 'proto="\\"https\\""']) {
      assert.equal(readForwarded((name) => ({ forwarded } as Record<string, string>)[name], byForwarded, '127.0.0.1').proto, undefined, forwarded);
    }
  });
});

describe('ip-match under trustProxy', () => {
  const ipv6Bytes = fc.oneof(
    fc.uint8Array({ minLength: 16, maxLength: 16 }),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v4) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4])),
    fc.tuple(fc.nat({ max: 15 }), fc.uint8Array({ minLength: 16, maxLength: 16 })).map(([zeros, b]) => b.map((x, i) => (i < zeros ? 0 : x))),
  );
  /** The address in full form (random case, padded or not), compressed as the URL parser writes it, or with a dotted tail. */
  function spell(bytes: Uint8Array, form: number, upper: boolean): string {
    const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
    const full = groups.map((g) => (form === 1 ? g.padStart(4, '0') : g)).join(':');
    const text = form === 2 ? new URL(`http://[${full}]/`).hostname.slice(1, -1) : form === 3 ? `${groups.slice(0, 6).join(':')}:${Array.from(bytes.subarray(12)).join('.')}` : full;
    return upper ? text.toUpperCase() : text;
  }

  test('parseIp reads every spelling of an IPv6 address to its 16 bytes (an IPv4-mapped one to its 4)', () => {
    fc.assert(
      fc.property(ipv6Bytes, fc.nat({ max: 3 }), fc.boolean(), (bytes, form, upper) => {
        const text = spell(bytes, form, upper);
        const mapped = bytes.subarray(0, 12).every((b, i) => b === (i >= 10 ? 0xff : 0));
        assert.deepEqual(parseIp(text), mapped ? bytes.subarray(12) : bytes, text);
      }),
      { numRuns: 1000 },
    );
  });

  test('an address lies in a CIDR range exactly when net.BlockList says so (IPv4 and IPv6)', () => {
    const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Array.from(b).join('.'));
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).filter((b) => b[0] !== 0).map((b) => spell(b, 0, false));
    const input = fc.oneof(
      fc.tuple(v4, v4, fc.nat({ max: 32 }), fc.constant('ipv4' as const)),
      fc.tuple(v6, v6, fc.nat({ max: 128 }), fc.constant('ipv6' as const)),
    );
    fc.assert(
      fc.property(input, fc.boolean(), ([address, network, prefix, family], near) => {
        // Half the time, the address shares the network's first bits.
        const probe = near ? network : address;
        const list = new BlockList();
        list.addSubnet(network, prefix, family);
        const range = parseRange(`${network}/${prefix}`);
        assert.ok(range !== undefined, `${network}/${prefix}`);
        assert.equal(inAnyRange(probe, [range]), list.check(probe, family), `${probe} in ${network}/${prefix}`);
        assert.equal(inAnyRange(address, [range]), list.check(address, family), `${address} in ${network}/${prefix}`);
      }),
      { numRuns: 1000 },
    );
  });

  test('parseIp and parseRange on any text made of address characters return undefined or bytes, never throw', () => {
    const text = fc.array(fc.constantFrom('1', '0', '255', '256', 'ffff', 'g', ':', '::', '.', '/', '%', 'eth0', '[', ']', ' ', '-', '32', '129'), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const ip = parseIp(t);
        assert.ok(ip === undefined || ip.length === 4 || ip.length === 16, t);
        const range = parseRange(t);
        assert.ok(range === undefined || range.prefix <= range.bytes.length * 8, t);
      }),
      { numRuns: 2000 },
    );
  });
});
