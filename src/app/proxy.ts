/**
 * What a trusted reverse proxy tells us about the original request: the
 * client address, host and scheme, from `Forwarded` (RFC 7239) or the
 * de-facto `X-Forwarded-For / -Host / -Proto`. Used only when the app is
 * created with `trustProxy`; otherwise anyone could claim any address.
 *
 * `trustProxy: true` trusts every proxy in front (the client is the first
 * address in the chain); a number N trusts the N nearest proxies (the client
 * is the N-th address from the right).
 */
import { SignwireError } from '../errors.ts';

export type TrustProxy = boolean | number;

/** Validates the `trustProxy` option: a boolean or a non-negative integer number of hops. */
export function checkTrustProxy(value: unknown): TrustProxy {
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return value;
  throw new SignwireError('ERR_INVALID_OPTION', `trustProxy must be a boolean or a number of hops, got ${String(value)}`);
}

export interface Forwarded {
  readonly for: string | undefined;
  readonly host: string | undefined;
  readonly proto: string | undefined;
}

/** The original request as reported by trusted proxies, from the request's `header` lookup. */
export function readForwarded(header: (name: string) => string | undefined, trust: TrustProxy): Forwarded {
  const forwarded = header('forwarded');
  if (forwarded !== undefined) {
    const elements = forwarded.split(',').map(parseForwardedElement);
    const chosen = pickHop(elements, trust);
    const client = chosen?.get('for');
    return { for: client === undefined ? undefined : stripNodePort(client), host: chosen?.get('host'), proto: chosen?.get('proto')?.toLowerCase() };
  }
  return {
    for: pickHop(list(header('x-forwarded-for')), trust),
    host: pickHop(list(header('x-forwarded-host')), trust),
    proto: pickHop(list(header('x-forwarded-proto')), trust)?.toLowerCase(),
  };
}

function pickHop<T>(hops: T[], trust: TrustProxy): T | undefined {
  if (hops.length === 0 || trust === false) return undefined;
  if (trust === true) return hops[0];
  return hops[Math.max(0, hops.length - trust)];
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

/** `for="[2001:db8::1]:4711"` → `2001:db8::1`; `for=192.0.2.1:80` → `192.0.2.1`. */
function stripNodePort(value: string): string {
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']'));
  const colon = value.indexOf(':');
  return colon !== -1 && value.indexOf(':', colon + 1) === -1 && /^\d+\.\d+\.\d+\.\d+:/.test(value) ? value.slice(0, colon) : value;
}

/** A comma-separated header as a list, one entry per proxy hop. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
}
