/**
 * IP addresses and CIDR ranges as bytes, to decide whether an address lies
 * in a range: the check behind `trustProxy: ['10.0.0.0/8', 'loopback']`.
 * Pure functions of strings; no sockets, no DNS.
 *
 * An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a dual-stack socket
 * reports for an IPv4 peer) is read as the IPv4 address it carries, and an
 * IPv4-mapped range (`::ffff:10.0.0.0/104`) as the IPv4 range (`10.0.0.0/8`),
 * so either spelling matches either. Otherwise IPv4 ranges hold IPv4
 * addresses and IPv6 ranges IPv6 addresses.
 *
 *   IPv4-mapped IPv6 address = 80 zero bits, 16 one bits, then the IPv4 address  (RFC 4291 §2.5.5.2)
 *   CIDR range               = address "/" prefix-length                        (RFC 4632 §3.1)
 */
import { isIP } from 'node:net';

/** A CIDR range: the network's bytes (4 for IPv4, 16 for IPv6), host bits cleared, and its prefix length. */
export interface IpRange {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/**
 * The names `trustProxy` accepts for well-known ranges, as CIDR ranges.
 *
 * @example
 * NAMED_RANGES.loopback; // ['127.0.0.0/8', '::1/128']
 */
export const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  loopback: Object.freeze(['127.0.0.0/8', '::1/128']),
  linklocal: Object.freeze(['169.254.0.0/16', 'fe80::/10']),
  uniquelocal: Object.freeze(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']),
});

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] as const;

/**
 * An IP address as bytes: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6;
 * undefined when `text` is not an address. An IPv6 zone (`%eth0`) is ignored.
 *
 * @example
 * parseIp('::ffff:127.0.0.1'); // Uint8Array [127, 0, 0, 1]
 * parseIp('example.com');      // undefined
 */
export function parseIp(text: string): Uint8Array | undefined {
  const version = isIP(text);
  if (version === 4) return Uint8Array.from(text.split('.'), Number);
  if (version !== 6) return undefined;
  const bytes = ipv6Bytes(text.split('%')[0]!);
  return isMapped(bytes) ? bytes.subarray(12) : bytes;
}

/**
 * A CIDR range (`10.0.0.0/8`, `fd00::/8`) or a single address (a full-length
 * prefix); undefined when `text` is neither. Host bits are cleared.
 *
 * @example
 * parseRange('10.1.2.3/8');  // { bytes: [10, 0, 0, 0], prefix: 8 }
 * parseRange('10.0.0.0/33'); // undefined
 */
export function parseRange(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  if (address.includes('%')) return undefined;
  const mapped = isIP(address) === 6 && isMapped(ipv6Bytes(address));
  const bytes = parseIp(address);
  if (bytes === undefined) return undefined;
  const bits = mapped ? 128 : bytes.length * 8;
  const prefix = slash === -1 ? bits : parsePrefix(text.slice(slash + 1), bits);
  if (prefix === undefined) return undefined;
  if (mapped && prefix < 96) return undefined; // wider than the mapped block: not one IPv4 range
  const length = mapped ? prefix - 96 : prefix;
  return { bytes: masked(bytes, length), prefix: length };
}

/**
 * Whether `address` (bytes from `parseIp`) lies in `range`.
 *
 * @example
 * inRange(parseIp('10.9.8.7')!, parseRange('10.0.0.0/8')!); // true
 */
export function inRange(address: Uint8Array, range: IpRange): boolean {
  if (address.length !== range.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[whole]! & mask) === range.bytes[whole]);
}

/**
 * Whether the address `text` lies in any of `ranges`; false when it is not an address.
 *
 * @example
 * inAnyRange('::ffff:127.0.0.1', [parseRange('127.0.0.0/8')!]); // true
 */
export function inAnyRange(text: string, ranges: readonly IpRange[]): boolean {
  const address = parseIp(text);
  return address !== undefined && ranges.some((range) => inRange(address, range));
}

/** A prefix length: 0 to `bits`, digits only, no leading zero. */
function parsePrefix(text: string, bits: number): number | undefined {
  if (!/^(0|[1-9]\d{0,2})$/.test(text)) return undefined;
  const prefix = Number(text);
  return prefix <= bits ? prefix : undefined;
}

/** The 16 bytes of an IPv6 address that `isIP` accepted (no zone): "::" expanded, an IPv4 tail read. */
function ipv6Bytes(text: string): Uint8Array {
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** "2001:db8" → [0x2001, 0xdb8]; a dotted IPv4 last part counts as two groups. */
function groups(text: string): number[] {
  if (text === '') return [];
  return text.split(':').flatMap((part) => {
    if (!part.includes('.')) return [parseInt(part, 16)];
    const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  });
}

function isMapped(bytes: Uint8Array): boolean {
  return MAPPED_PREFIX.every((value, i) => bytes[i] === value);
}

/** `bytes` with every bit after the first `prefix` cleared. */
function masked(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.min(8, Math.max(0, prefix - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}
