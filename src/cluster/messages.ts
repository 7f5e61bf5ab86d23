/**
 * What the primary and its workers tell each other. Down: the listen
 * settings, in one environment variable of the forked worker (set before
 * the worker's code runs, so a re-run script finds it at once). Up: two IPC
 * messages, "listening" (with the bound port) and "failed" (why it could
 * not start). For HTTPS, a worker asks for the TLS options ("tls-wanted")
 * and the primary answers ("tls"): a private key travels over the channel,
 * never in the environment (see tls-options.ts); asking, rather than being
 * sent them at fork, means no message can arrive before the worker listens
 * for it. Both ways, a cluster scrape of metrics: a worker asks the
 * primary to gather ("metrics-gather"), the primary asks every worker
 * ("metrics-collect"), each answers ("metrics-report", `null` when it could
 * not collect), and the primary hands the reports to the worker that asked
 * ("metrics-gathered"). Every message is tagged, so that messages of the
 * application are left alone.
 */
import type { Balancing } from './balancing.ts';
import type { EncodedTls } from './tls-options.ts';

/** The environment variable carrying a worker's `WorkerConfig`, as JSON. */
export const WORKER_ENV = 'SIGNWIRE_CLUSTER_WORKER';

/** A worker's settings, chosen by the primary. */
export interface WorkerConfig {
  /** The slot number, from 1. */
  readonly id: number;
  readonly port: number;
  readonly host: string;
  readonly graceMs: number;
  readonly balancing: Balancing;
  /** How many workers the cluster runs. */
  readonly workers: number;
  /** The module whose default export is the App (module mode); absent when the worker re-runs the primary's script. */
  readonly module?: string;
  /** True: serve HTTPS, with the TLS options the worker asks the primary for. */
  readonly tls?: boolean;
}

/** A worker's message to the primary. */
export type WorkerMessage =
  | { readonly signwire: 'listening'; readonly port: number }
  | { readonly signwire: 'failed'; readonly message: string }
  | { readonly signwire: 'tls-wanted' }
  | { readonly signwire: 'metrics-gather'; readonly request: number }
  | { readonly signwire: 'metrics-report'; readonly gather: number; readonly metrics: unknown[] | null };

/** The primary's message to a worker. */
export type PrimaryMessage =
  | { readonly signwire: 'tls'; readonly options: EncodedTls }
  | { readonly signwire: 'metrics-collect'; readonly gather: number }
  | { readonly signwire: 'metrics-gathered'; readonly request: number; readonly reports: ReadonlyArray<{ readonly worker: number; readonly metrics: unknown[] }> };

/**
 * The config the primary gave this worker, or undefined outside a worker it forked.
 *
 * @example
 * const config = workerConfig(); // in a worker: { id: 1, port: 8000, … }
 */
export function workerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig | undefined {
  const text = env[WORKER_ENV];
  if (text === undefined) return undefined;
  const value = JSON.parse(text) as Partial<WorkerConfig>;
  const fine = typeof value.id === 'number' && typeof value.port === 'number' && typeof value.host === 'string'
    && typeof value.graceMs === 'number' && typeof value.workers === 'number' && (value.balancing === 'round-robin' || value.balancing === 'reuse-port')
    && (value.tls === undefined || typeof value.tls === 'boolean');
  if (!fine) throw new Error(`${WORKER_ENV} is not a worker config: ${text}`);
  return value as WorkerConfig;
}

/**
 * Whether an IPC message is one of signwire's, and which.
 *
 * @example
 * worker.on('message', (m) => { if (isWorkerMessage(m) && m.signwire === 'listening') … });
 */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { signwire, port, message: text, request, gather, metrics } = message as Record<string, unknown>;
  switch (signwire) {
    case 'listening':
      return typeof port === 'number';
    case 'failed':
      return typeof text === 'string';
    case 'tls-wanted':
      return true;
    case 'metrics-gather':
      return Number.isSafeInteger(request);
    case 'metrics-report':
      return Number.isSafeInteger(gather) && (metrics === null || Array.isArray(metrics));
    default:
      return false;
  }
}

/**
 * Whether an IPC message is one the primary sends, and which.
 *
 * @example
 * process.on('message', (m) => { if (isPrimaryMessage(m) && m.signwire === 'metrics-collect') … });
 */
export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  if (typeof message !== 'object' || message === null) return false;
  const { signwire, gather, request, reports, options } = message as Record<string, unknown>;
  if (signwire === 'tls') return typeof options === 'object' && options !== null;
  if (signwire === 'metrics-collect') return Number.isSafeInteger(gather);
  return signwire === 'metrics-gathered' && Number.isSafeInteger(request) && Array.isArray(reports)
    && reports.every((r: unknown) => typeof r === 'object' && r !== null && Number.isSafeInteger((r as { worker?: unknown }).worker)
      && Array.isArray((r as { metrics?: unknown }).metrics));
}
