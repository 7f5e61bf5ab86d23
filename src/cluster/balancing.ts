/**
 * How connections reach the workers:
 *
 * - `'round-robin'`: the primary holds the one listening socket, accepts
 *   every connection and hands it to the next worker in turn
 *   (`cluster.SCHED_RR`). Works on every Node and platform; costs the
 *   primary one accept and one handle transfer per new connection (nothing
 *   per request on a keep-alive connection).
 * - `'reuse-port'`: every worker binds its own socket with `SO_REUSEPORT`
 *   and the kernel spreads new connections among them. No hop through the
 *   primary. Needs net's `reusePort` listen option (Node 22.12+ on the 22
 *   line, 23.1+) and an OS that has it (Linux 3.9+, FreeBSD 12+).
 *
 * `'auto'` picks `'reuse-port'` where the running Node and OS have it, else
 * `'round-robin'`.
 */
import { SignwireError } from '../errors.ts';

export type Balancing = 'round-robin' | 'reuse-port';

/** Platforms where Node's `reusePort` is documented to work (process.platform names). */
const REUSE_PORT_PLATFORMS: ReadonlySet<string> = new Set(['linux', 'freebsd']);

/**
 * Whether net's `reusePort` listen option exists in this Node version:
 * 22.12+ on the 22 line, 23.1+ and every later major.
 *
 * @example
 * hasReusePort('20.20.2'); // false
 * hasReusePort('22.12.0'); // true
 */
export function hasReusePort(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 22) return minor >= 12;
  if (major === 23) return minor >= 1;
  return major > 23;
}

/**
 * The balancing to use for `wanted` on this Node and OS; asking for
 * `'reuse-port'` where it does not exist is an `ERR_INVALID_OPTION`.
 *
 * @example
 * resolveBalancing('auto', '20.20.2', 'linux'); // 'round-robin'
 * resolveBalancing('auto', '22.12.0', 'linux'); // 'reuse-port'
 */
export function resolveBalancing(
  wanted: Balancing | 'auto' = 'auto',
  version: string = process.versions.node,
  platform: string = process.platform,
): Balancing {
  const available = hasReusePort(version) && REUSE_PORT_PLATFORMS.has(platform);
  if (wanted === 'auto') return available ? 'reuse-port' : 'round-robin';
  if (wanted === 'round-robin' || (wanted === 'reuse-port' && available)) return wanted;
  if (wanted === 'reuse-port') {
    throw new SignwireError('ERR_INVALID_OPTION', `balancing 'reuse-port' needs Node 22.12+ or 23.1+ on Linux or FreeBSD; this is Node ${version} on ${platform}`);
  }
  throw new SignwireError('ERR_INVALID_OPTION', `balancing must be 'auto', 'round-robin' or 'reuse-port', got ${String(wanted)}`);
}
