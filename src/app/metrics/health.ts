/**
 * `health()`: the handler of a health endpoint (`GET /healthz`) for load
 * balancers and orchestrators.
 *
 * - 200 `{ "status": "ok" }`, plus `"checks": { name: "ok" }` when there are checks;
 * - 503 `{ "status": "unavailable", "checks": { name: "ok" | "failed" | "timeout" } }`
 *   when a check throws, rejects, resolves `false` or takes longer than `timeoutMs`;
 * - 503 `{ "status": "unavailable", "draining": true }` while `draining()` says so.
 *
 * Checks run in parallel, bounded by `timeoutMs`; probes that arrive while
 * a round is running share its result, so a burst of probes costs one round.
 * What a check threw is never shown: the body says only which check failed.
 *
 * @example
 * app.get('/healthz', health({ checks: { nonces: nonceStoreCheck(nonces) }, timeoutMs: 500 }));
 */
import { SignwireError } from '../../errors.ts';
import type { Middleware } from '../compose.ts';
import type { Context } from '../context.ts';

/** A check: healthy when it returns or resolves anything but `false`. */
export type HealthCheck = () => unknown;

/** What one check came to. */
export type CheckResult = 'ok' | 'failed' | 'timeout';

/** Options of `health()`. */
export interface HealthOptions {
  /** Checks by name; the names appear in the body. Default none. */
  readonly checks?: Readonly<Record<string, HealthCheck>>;
  /** How long a round of checks may take, in ms; a check still running then is a `timeout`. Default 1000. */
  readonly timeoutMs?: number;
  /** True while the server is shutting down, e.g. `() => server.draining`: the endpoint answers 503. */
  readonly draining?: () => boolean;
}

/** The body of a health answer. */
export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks?: Readonly<Record<string, CheckResult>>;
  readonly draining?: true;
}

const DEFAULT_TIMEOUT_MS = 1000;
const NO_STORE = Object.freeze({ 'Cache-Control': 'no-store' });
const DRAINING: HealthReport = Object.freeze({ status: 'unavailable', draining: true });

/**
 * A handler answering the health of the service.
 *
 * @example
 * app.get('/healthz', health());
 */
export function health(options: HealthOptions = {}): Middleware<Context> {
  const checks = Object.entries(options.checks ?? {});
  const timeoutMs = checkOptions(options, checks);
  let round: Promise<HealthReport> | undefined;
  return async (c) => {
    if (options.draining?.() === true) return c.json(DRAINING, 503, NO_STORE);
    round ??= runChecks(checks, timeoutMs).finally(() => (round = undefined));
    const report = await round;
    c.json(report, report.status === 'ok' ? 200 : 503, NO_STORE);
  };
}

/**
 * Runs every check at once; resolves within about `timeoutMs`.
 *
 * @example
 * await runChecks([['redis', () => redis.ping()]], 500); // { status: 'ok', checks: { redis: 'ok' } }
 */
export async function runChecks(checks: ReadonlyArray<readonly [string, HealthCheck]>, timeoutMs: number): Promise<HealthReport> {
  if (checks.length === 0) return { status: 'ok' };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const results = await Promise.all(checks.map(([, check]) => Promise.race([runOne(check), late])));
    const named = Object.fromEntries(checks.map(([name], i) => [name, results[i]!]));
    return { status: results.every((r) => r === 'ok') ? 'ok' : 'unavailable', checks: named };
  } finally {
    clearTimeout(timer);
  }
}

async function runOne(check: HealthCheck): Promise<CheckResult> {
  try {
    return (await check()) === false ? 'failed' : 'ok';
  } catch {
    return 'failed';
  }
}

function checkOptions(options: HealthOptions, checks: ReadonlyArray<readonly [string, unknown]>): number {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw new SignwireError('ERR_INVALID_OPTION', `health timeoutMs must be a positive integer below 2^31, got ${String(timeoutMs)}`);
  }
  const bad = checks.find(([, check]) => typeof check !== 'function');
  if (bad !== undefined) throw new SignwireError('ERR_INVALID_OPTION', `health check "${bad[0]}" must be a function`);
  if (options.draining !== undefined && typeof options.draining !== 'function') {
    throw new SignwireError('ERR_INVALID_OPTION', 'health draining must be a function');
  }
  return timeoutMs;
}
