/**
 * IP addresses and CIDR ranges (src/app/ip-match.ts): what parses and what
 * does not, range boundaries for IPv4 and IPv6, IPv4-mapped IPv6 on either
 * side, and, for random addresses and ranges, the same answers as Node's own
 * `net.BlockList`, used here as an independent oracle.
 */
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { NAMED_RANGES, inAnyRange, inRange, parseIp, parseRange } from '../../src/app/ip-match.ts';

const bytes = (text: string): number[] | undefined => {
  const parsed = parseIp(text);
  return parsed === undefined ? undefined : [...parsed];
};
const range = (text: string): { bytes: number[]; prefix: number } | undefined => {
  const parsed = parseRange(text);
  return parsed === undefined ? undefined : { bytes: [...parsed.bytes], prefix: parsed.prefix };
};
const within = (address: string, cidr: string): boolean => inAnyRange(address, [parseRange(cidr)!]);

describe('parseIp', () => {
  test('a dotted IPv4 address → its 4 bytes', () => {
    assert.deepEqual(bytes('192.0.2.1'), [192, 0, 2, 1]);
    assert.deepEqual(bytes('0.0.0.0'), [0, 0, 0, 0]);
    assert.deepEqual(bytes('255.255.255.255'), [255, 255, 255, 255]);
  });

  test('IPv6 in full, compressed and IPv4-tail forms → the same 16 bytes', () => {
    const expected = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    assert.deepEqual(bytes('2001:db8::1'), expected);
    assert.deepEqual(bytes('2001:0DB8:0000:0000:0000:0000:0000:0001'), expected);
    assert.deepEqual(bytes('::'), new Array(16).fill(0));
    assert.deepEqual(bytes('::1'), [...new Array(15).fill(0), 1]);
    assert.deepEqual(bytes('64:ff9b::192.0.2.1'), [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1]);
  });

  test('an IPv4-mapped IPv6 address → the IPv4 address it carries', () => {
    assert.deepEqual(bytes('::ffff:127.0.0.1'), [127, 0, 0, 1]);
    assert.deepEqual(bytes('::FFFF:7f00:1'), [127, 0, 0, 1]);
  });

  test('an IPv6 zone is ignored', () => {
    assert.deepEqual(bytes('fe80::1%eth0'), bytes('fe80::1'));
  });

  test('host names, short, padded, out-of-range and bracketed forms → undefined', () => {
    for (const text of ['', 'localhost', 'unknown', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '[::1]', '1::2::3', 'gggg::1', ' 1.2.3.4']) {
      assert.equal(parseIp(text), undefined, text);
    }
  });
});

describe('parseRange', () => {
  test('an address with a prefix → the network with host bits cleared', () => {
    assert.deepEqual(range('10.1.2.3/8'), { bytes: [10, 0, 0, 0], prefix: 8 });
    assert.deepEqual(range('172.31.255.255/12'), { bytes: [172, 16, 0, 0], prefix: 12 });
    assert.deepEqual(range('fe80::1/10')?.bytes.slice(0, 2), [0xfe, 0x80]);
  });

  test('an address without a prefix → a range of that one address', () => {
    assert.deepEqual(range('127.0.0.1'), { bytes: [127, 0, 0, 1], prefix: 32 });
    assert.equal(range('::1')?.prefix, 128);
  });

  test('an IPv4-mapped range of prefix ≥ 96 → the IPv4 range', () => {
    assert.deepEqual(range('::ffff:10.0.0.0/104'), { bytes: [10, 0, 0, 0], prefix: 8 });
    assert.deepEqual(range('::ffff:192.0.2.1'), { bytes: [192, 0, 2, 1], prefix: 32 });
  });

  test('bad prefixes, zones, wider-than-mapped and non-addresses → undefined', () => {
    const bad = ['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/08', '10.0.0.0/', '10.0.0.0/1.5', '10.0.0.0/8/8', 'a/8', 'fe80::1%eth0/64', '::ffff:0:0/95', 'loopback'];
    for (const text of bad) assert.equal(parseRange(text), undefined, text);
  });
});

describe('inRange', () => {
  test('IPv4 boundaries: first and last address in, neighbours out', () => {
    assert.equal(within('10.0.0.0', '10.0.0.0/8'), true);
    assert.equal(within('10.255.255.255', '10.0.0.0/8'), true);
    assert.equal(within('11.0.0.0', '10.0.0.0/8'), false);
    assert.equal(within('172.31.0.1', '172.16.0.0/12'), true);
    assert.equal(within('172.32.0.1', '172.16.0.0/12'), false);
    assert.equal(within('172.15.255.255', '172.16.0.0/12'), false);
  });

  test('IPv6 boundaries: fe80::/10 holds febf:: but not fec0::', () => {
    assert.equal(within('fe80::1', 'fe80::/10'), true);
    assert.equal(within('febf:ffff::1', 'fe80::/10'), true);
    assert.equal(within('fec0::1', 'fe80::/10'), false);
  });

  test('/0 holds every address of its family and none of the other', () => {
    assert.equal(within('203.0.113.9', '0.0.0.0/0'), true);
    assert.equal(within('2001:db8::9', '0.0.0.0/0'), false);
    assert.equal(within('2001:db8::9', '::/0'), true);
    assert.equal(within('203.0.113.9', '::/0'), false);
  });

  test('an IPv4-mapped address matches an IPv4 range, and an IPv4 address a mapped range', () => {
    assert.equal(within('::ffff:127.0.0.1', '127.0.0.0/8'), true);
    assert.equal(within('::ffff:10.9.8.7', '10.0.0.0/8'), true);
    assert.equal(within('10.9.8.7', '::ffff:10.0.0.0/104'), true);
    assert.equal(within('::ffff:11.0.0.1', '::ffff:10.0.0.0/104'), false);
  });

  test('a non-address is in no range', () => {
    assert.equal(inAnyRange('unknown', [parseRange('0.0.0.0/0')!, parseRange('::/0')!]), false);
  });

  test('the named ranges all parse, and loopback holds 127.0.0.0/8 and ::1', () => {
    for (const [name, cidrs] of Object.entries(NAMED_RANGES)) for (const cidr of cidrs) assert.ok(parseRange(cidr), `${name}: ${cidr}`);
    const loopback = NAMED_RANGES['loopback']!.map((cidr) => parseRange(cidr)!);
    assert.equal(inAnyRange('127.8.9.10', loopback), true);
    assert.equal(inAnyRange('::1', loopback), true);
    assert.equal(inAnyRange('::2', loopback), false);
    assert.equal(inAnyRange('128.0.0.1', loopback), false);
  });
});

describe('against net.BlockList', () => {
  const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((b) => b.join('.'));
  const group = fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16));
  const ipv6Full = fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.join(':'));
  const ipv6 = fc.tuple(ipv6Full, fc.boolean()).map(([full, compress]) => (compress ? new URL(`http://[${full}]/`).hostname.slice(1, -1) : full));

  function agree(address: string, network: string, prefix: number, family: 'ipv4' | 'ipv6'): void {
    const oracle = new BlockList();
    oracle.addSubnet(network, prefix, family);
    assert.equal(within(address, `${network}/${prefix}`), oracle.check(address, family), `${address} in ${network}/${prefix}`);
  }

  test('random IPv4 addresses in random IPv4 ranges: the same answer', () => {
    const near = fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).chain(([network, prefix]) =>
      fc.tuple(fc.constant(network), fc.constant(prefix), fc.oneof(ipv4, fc.constant(network))),
    );
    fc.assert(fc.property(near, ([network, prefix, address]) => agree(address, network, prefix, 'ipv4')), { numRuns: 1000 });
  });

  test('random IPv6 addresses in random IPv6 ranges: the same answer', () => {
    const near = fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).chain(([network, prefix]) =>
      fc.tuple(fc.constant(network), fc.constant(prefix), fc.oneof(ipv6, fc.constant(network))),
    );
    fc.assert(fc.property(near, ([network, prefix, address]) => agree(address, network, prefix, 'ipv6')), { numRuns: 1000 });
  });
});
