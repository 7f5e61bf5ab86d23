/**
 * What the primary and its workers tell each other. Down: the listen
 * settings, in one environment variable of the forked worker (set before
 * the worker's code runs, so a re-run script finds it at once). Up: two IPC
 * messages, "listening" (with the bound port) and "failed" (why it could
 * not start), tagged so that messages of the application are left alone.
 */
import type { Balancing } from './balancing.ts';

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
  /** The module whose default export is the App (module mode); absent when the worker re-runs the primary's script. */
  readonly module?: string;
}

/** A worker's message to the primary. */
export type WorkerMessage =
  | { readonly signwire: 'listening'; readonly port: number }
  | { readonly signwire: 'failed'; readonly message: string };

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
    && typeof value.graceMs === 'number' && (value.balancing === 'round-robin' || value.balancing === 'reuse-port');
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
  const { signwire, port, message: text } = message as Record<string, unknown>;
  return (signwire === 'listening' && typeof port === 'number') || (signwire === 'failed' && typeof text === 'string');
}
