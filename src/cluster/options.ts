/**
 * The options of `serveCluster()`, validated at the boundary, and the exit
 * codes a cluster ends with. `--workers` of `signwire serve` is read here
 * too, so the CLI and the API accept the same values. The `tls` option is
 * checked in tls-options.ts.
 */
import { availableParallelism } from 'node:os';
import { SignwireError } from '../errors.ts';
import type { Balancing } from './balancing.ts';
import type { RestartPolicy } from './slot.ts';
import type { ClusterTlsOptions } from './tls-options.ts';

/**
 * How a cluster (and `signwire serve --workers`) ends:
 * 0 every worker drained and exited cleanly; 1 it could not start (a module
 * that throws, a taken port, Redis unreachable, a TLS key or certificate
 * Node refuses), the workers kept failing to start, or a worker had to be
 * killed at shutdown; 2 a usage error (`signwire serve` only: a bad flag or
 * value).
 */
export const EXIT_CODES = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/** What the primary reports once every worker listens. */
export interface ClusterInfo {
  /** The port every worker listens on (port 0 resolved to the one picked). */
  readonly port: number;
  readonly host: string;
  readonly workers: number;
  readonly balancing: Balancing;
  /** Worker process ids, by slot. */
  readonly pids: readonly number[];
  /** Whether the workers serve HTTPS (the `tls` option). */
  readonly tls: boolean;
}

/** Options of `serveCluster()`. */
export interface ClusterOptions {
  /** Worker processes: a positive integer, or `'auto'` (the default) for `os.availableParallelism()`. */
  readonly workers?: number | 'auto';
  /** TCP port (default 0: a free port, picked once by the primary so restarted workers get the same one). */
  readonly port?: number;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** How long each worker lets in-flight requests finish at shutdown, in ms (default 10 000). */
  readonly graceMs?: number;
  /**
   * Serve HTTPS from every worker: `key` and `cert` (PEM, strings or Buffers) and other data options of
   * `tls.createServer` (`ca`, `passphrase`, `minVersion`, …; no functions). Checked before any worker is
   * forked; each worker receives them from the primary over IPC, never through its environment.
   */
  readonly tls?: ClusterTlsOptions;
  /**
   * A renewed certificate without a restart: called in the primary on SIGHUP, it gives the new TLS options
   * (re-read the PEM files). They are checked as `tls` is and sent to every worker, which serves new
   * connections with them; open connections keep theirs. Options that fail the check (or a function that
   * throws) are logged, and the workers keep the ones they have. One call at a time: a SIGHUP during one
   * makes one more call after it. Needs `tls`.
   */
  readonly reloadTls?: () => ClusterTlsOptions | Promise<ClusterTlsOptions>;
  /** How connections are spread (default `'auto'`); see balancing.ts. */
  readonly balancing?: Balancing | 'auto';
  /** Restart delays and bounds; see `DEFAULT_RESTART_POLICY`. */
  readonly restart?: Partial<RestartPolicy>;
  /** Aborting it shuts the cluster down as SIGTERM does. */
  readonly signal?: AbortSignal;
  /** Called in the primary once every worker listens. */
  readonly onReady?: (info: ClusterInfo) => void;
  /**
   * Called in each worker after its server has drained (close a Redis client, flush logs). Factory mode
   * only: with a module, the workers never run the calling script (clean up in the module instead).
   */
  readonly onShutdown?: () => unknown;
  /** The primary's lines (ready, worker exits, restarts, shutdown). Default: info to stdout, errors to stderr. */
  readonly log?: (line: string, level: 'info' | 'error') => void;
}

/** The largest `workers` accepted: more is a typo, not a machine. */
export const MAX_WORKERS = 256;

/**
 * `--workers` as typed: a positive integer or `auto`; anything else is an
 * `ERR_INVALID_OPTION` (a usage error for the CLI).
 *
 * @example
 * parseWorkers('4');    // 4
 * parseWorkers('auto'); // os.availableParallelism()
 */
export function parseWorkers(text: string): number {
  if (text === 'auto') return availableParallelism();
  if (!/^[1-9][0-9]*$/.test(text)) throw invalidWorkers(text);
  return resolveWorkers(Number(text));
}

/**
 * The worker count of an option value; throws `ERR_INVALID_OPTION` unless it
 * is `'auto'` or an integer from 1 to `MAX_WORKERS`.
 *
 * @example
 * resolveWorkers('auto'); // 2 on a two-core machine
 */
export function resolveWorkers(value: number | 'auto' = 'auto'): number {
  if (value === 'auto') return availableParallelism();
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_WORKERS) throw invalidWorkers(String(value));
  return value;
}

function invalidWorkers(text: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `workers must be a positive integer up to ${MAX_WORKERS}, or "auto", got "${text}"`);
}

/**
 * Port, host and grace period, checked; throws `ERR_INVALID_OPTION`.
 *
 * @example
 * checkListen({ port: 8000, host: '0.0.0.0', graceMs: 5000 });
 */
export function checkListen(options: { readonly port: number; readonly host: string; readonly graceMs: number }): void {
  const { port, host, graceMs } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SignwireError('ERR_INVALID_OPTION', `port must be an integer from 0 to 65535, got ${String(port)}`);
  if (typeof host !== 'string' || host === '') throw new SignwireError('ERR_INVALID_OPTION', 'host must be a non-empty string');
  if (!Number.isSafeInteger(graceMs) || graceMs < 0 || graceMs > 2 ** 31 - 1) {
    throw new SignwireError('ERR_INVALID_OPTION', `graceMs must be an integer from 0 to 2^31 - 1, got ${String(graceMs)}`);
  }
}
