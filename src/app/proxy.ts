/**
 * What trusted reverse proxies tell us about the original request: the
 * client address, host and scheme, from `Forwarded` (RFC 7239) or the
 * de-facto `X-Forwarded-For / -Host / -Proto`. Used only when the app is
 * created with `trustProxy`; otherwise anyone could claim any address.
 *
 * Each proxy appends the address it received the request from, so the chain
 * reads client-first and nearest-proxy-last, and only its right end is
 * known to come from proxies. How far to believe it:
 *
 * - `true` trusts every proxy in front: the client is the first address.
 * - a number N trusts the N nearest proxies, whatever their address: the
 *   client is the N-th address from the right.
 * - a list of addresses, CIDR ranges and names (`loopback`, `linklocal`,
 *   `uniquelocal`) trusts the proxies at those addresses: nothing forwarded
 *   counts unless the socket's peer is one of them, and the client is the
 *   first address, walking the chain from the right, that is not.
 *
 * Only the headers the proxies write are read (`proxyHeaders`):
 * `X-Forwarded-*` by default (nginx, HAProxy, most load balancers), or
 * `Forwarded`. A proxy passes the other family on as the client sent it, so
 * believing it would let any client name its own address and host.
 *
 * Host and scheme come from the same hop as the client: `X-Forwarded-Host /
 * -Proto` are aligned with the chain from the right (a proxy that sets one
 * value instead of appending gives the nearest), `Forwarded` from the
 * element that names the client.
 *
 * A reported value that is malformed counts as not reported: a `for` that
 * is not an IP address (`unknown`, an obfuscated `_name`, garbage; the
 * client is then the socket's peer), a host that would not pass as a Host
 * field (RFC 9110 §7.2, as the wire checks it), a proto that is not a URI
 * scheme (RFC 3986 §3.1).
 */
import { isIP } from 'node:net';
import { SignwireError } from '../errors.ts';
import { NAMED_RANGES, inAnyRange, parseRange, type IpRange } from './ip-match.ts';

/** The `trustProxy` option: off, every proxy, the N nearest, or the proxies at these addresses. */
export type TrustProxy = boolean | number | readonly string[];

/** The `proxyHeaders` option: which headers the trusted proxies write. */
export type ProxyHeaders = 'x-forwarded' | 'forwarded';

/** The `trustProxy` and `proxyHeaders` options, checked and compiled. */
export interface ProxyTrust {
  /** False when nothing forwarded is ever believed (`false`, `0`, `[]`). */
  readonly enabled: boolean;
  /** The headers read: `X-Forwarded-For / -Host / -Proto`, or `Forwarded`. */
  readonly headers: ProxyHeaders;
  /**
   * How many hops of `chain` (the forwarded addresses, nearest proxy last) to
   * believe, given the socket's peer: the client is `chain[length - hops]`,
   * the first entry at most; 0 believes none.
   */
  hops(peer: string | undefined, chain: ReadonlyArray<string | undefined>): number;
}

export interface Forwarded {
  readonly for: string | undefined;
  readonly host: string | undefined;
  readonly proto: string | undefined;
}

/** Host = uri-host [ ":" port ]: an IP-literal in brackets, or a reg-name or IPv4 address (RFC 3986 §3.2.2). */
const HOST = /^(?:\[[0-9A-Fa-f:.vV]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]*)?$/;
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), lower-cased. */
const SCHEME = /^[a-z][a-z0-9+.-]*$/;
const EXPECTED = "true, false, a number of hops, or a list of trusted proxy addresses such as ['loopback', '10.0.0.0/8']";

/**
 * Validates and compiles the `trustProxy` and `proxyHeaders` options; a bad
 * value throws `ERR_INVALID_OPTION` naming what was wrong.
 *
 * @example
 * checkTrustProxy(['127.0.0.1', '10.0.0.0/8', '::1']).hops('10.0.0.5', ['203.0.113.9']); // 1
 * checkTrustProxy(['loopback']).hops('198.51.100.7', ['203.0.113.9']);                 // 0: peer untrusted
 * checkTrustProxy(1, 'forwarded').headers;                                              // 'forwarded'
 */
export function checkTrustProxy(value: unknown, headers: unknown = 'x-forwarded'): ProxyTrust {
  if (headers !== 'x-forwarded' && headers !== 'forwarded') {
    throw new SignwireError('ERR_INVALID_OPTION', `proxyHeaders must be 'x-forwarded' or 'forwarded', got ${describe(headers)}`);
  }
  if (typeof value === 'boolean') return fixedHops(value ? Infinity : 0, headers);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return fixedHops(value, headers);
  if (Array.isArray(value)) return trustedAddresses((value as unknown[]).flatMap(rangesOf), headers);
  throw new SignwireError('ERR_INVALID_OPTION', `trustProxy must be ${EXPECTED}, got ${describe(value)}`);
}

/**
 * The original request as reported by trusted proxies, from the request's
 * `header` lookup and the socket's peer address.
 *
 * @example
 * const trust = checkTrustProxy(['loopback']);
 * readForwarded((name) => headers.get(name) ?? undefined, trust, '127.0.0.1').for; // the client
 */
export function readForwarded(header: (name: string) => string | undefined, trust: ProxyTrust, peer: string | undefined): Forwarded {
  if (trust.headers === 'forwarded') {
    const forwarded = header('forwarded');
    const elements = forwarded === undefined ? [] : forwarded.split(',').map(parseForwardedElement);
    const chain = elements.map((element) => addressOf(element.get('for')));
    const chosen = pickHop(elements, trust.hops(peer, chain));
    return { for: addressOf(chosen?.get('for')), host: hostOf(chosen?.get('host')), proto: schemeOf(chosen?.get('proto')) };
  }
  const chain = list(header('x-forwarded-for')).map(addressOf);
  const hops = trust.hops(peer, chain);
  return {
    for: pickHop(chain, hops),
    host: hostOf(pickHop(list(header('x-forwarded-host')), hops)),
    proto: schemeOf(pickHop(list(header('x-forwarded-proto')), hops)),
  };
}

function fixedHops(hops: number, headers: ProxyHeaders): ProxyTrust {
  return { enabled: hops > 0, headers, hops: () => hops };
}

/** Trust by address: the peer must be trusted, then the chain is walked from the right. */
function trustedAddresses(ranges: readonly IpRange[], headers: ProxyHeaders): ProxyTrust {
  const trusted = (address: string | undefined): boolean => address !== undefined && inAnyRange(address, ranges);
  const hops = (peer: string | undefined, chain: ReadonlyArray<string | undefined>): number => {
    if (!trusted(peer)) return 0;
    for (let i = chain.length - 1, hop = 1; i > 0; i--, hop++) if (!trusted(chain[i])) return hop;
    return Math.max(1, chain.length);
  };
  return { enabled: ranges.length > 0, headers, hops };
}

/** One `trustProxy` list entry as ranges: a name, an address or a CIDR range. */
function rangesOf(entry: unknown): IpRange[] {
  const named = typeof entry === 'string' ? NAMED_RANGES[entry] : undefined;
  const texts = named ?? [entry];
  return texts.map((text) => {
    const range = typeof text === 'string' ? parseRange(text) : undefined;
    if (range !== undefined) return range;
    const names = Object.keys(NAMED_RANGES).join(', ');
    throw new SignwireError('ERR_INVALID_OPTION', `trustProxy entry ${describe(entry)} is not an IP address, a CIDR range or one of ${names}`);
  });
}

function pickHop<T>(hops: readonly T[], count: number): T | undefined {
  if (hops.length === 0 || count === 0) return undefined;
  return hops[Math.max(0, hops.length - count)];
}

/** RFC 7239 §4: forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] ). */
function parseForwardedElement(element: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const pair of element.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    pairs.set(pair.slice(0, eq).trim().toLowerCase(), value);
  }
  return pairs;
}

/** A node as an address: `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:80` → `192.0.2.1`; undefined when it names none. */
function addressOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const close = value.indexOf(']');
  const colon = value.indexOf(':');
  let address = value;
  if (value.startsWith('[') && close !== -1) address = value.slice(1, close);
  else if (colon !== -1 && value.indexOf(':', colon + 1) === -1 && /^\d+\.\d+\.\d+\.\d+:/.test(value)) address = value.slice(0, colon);
  return isIP(address) === 0 ? undefined : address;
}

/** A reported host, when it is one a Host field could carry. */
function hostOf(value: string | undefined): string | undefined {
  return value !== undefined && HOST.test(value) ? value : undefined;
}

/** A reported scheme, lower-cased, when it is one. */
function schemeOf(value: string | undefined): string | undefined {
  const scheme = value?.toLowerCase();
  return scheme !== undefined && SCHEME.test(scheme) ? scheme : undefined;
}

/** A comma-separated header as a list, one entry per proxy hop. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** A value for an error message: strings quoted, objects by kind. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
