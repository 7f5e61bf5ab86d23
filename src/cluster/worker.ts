/**
 * A worker's life: join the cluster's scrape of metrics, build the App,
 * listen where the primary said, tell it "listening" (or "failed", and why),
 * then serve until SIGTERM or SIGINT, drain (`server.close({ graceMs })`),
 * run `onShutdown`, and exit 0.
 *
 * Signals are caught from the start and any number of times: a terminal's
 * Ctrl-C reaches the primary and the workers alike, and the primary then
 * forwards it again; a second one must not kill a draining worker.
 */
import cluster from 'node:cluster';
import type { App } from '../app/app.ts';
import { joinClusterScrape } from '../app/metrics/cluster-scrape.ts';
import type { Server } from '../wire/server.ts';
import { EXIT_CODES } from './options.ts';
import type { WorkerConfig, WorkerMessage } from './messages.ts';
import { workerMetricsChannel } from './metrics-channel.ts';

/** How the worker builds its App and cleans up after it. */
export interface WorkerHooks {
  readonly build: () => Promise<App>;
  readonly onShutdown?: (() => unknown) | undefined;
}

/** After cleaning up, a worker whose event loop is still busy (a timer, a client) exits anyway after this long. */
const EXIT_GRACE_MS = 2_000;

/**
 * Runs this process as worker `config.id`; resolves with its exit code once
 * it has stopped and let go of the primary (the process then exits).
 *
 * @example
 * const config = workerConfig();
 * if (config !== undefined) await runWorker(config, { build: async () => app });
 */
export async function runWorker(config: WorkerConfig, hooks: WorkerHooks): Promise<number> {
  const stop = stopSignal();
  joinClusterScrape(workerMetricsChannel(config));
  let server: Server;
  try {
    server = await (await hooks.build()).listen(listenOptions(config));
  } catch (error) {
    await send({ signwire: 'failed', message: describe(error, config) });
    await cleanUp(hooks);
    return leave(EXIT_CODES.failure);
  }
  await send({ signwire: 'listening', port: server.port });
  await stop;
  await server.close({ graceMs: config.graceMs });
  await cleanUp(hooks);
  return leave(EXIT_CODES.ok);
}

function listenOptions(config: WorkerConfig): { port: number; host: string; reusePort?: boolean } {
  const options = { port: config.port, host: config.host };
  return config.balancing === 'reuse-port' ? { ...options, reusePort: true } : options;
}

/** Resolves at the first SIGTERM or SIGINT; later ones are ignored (the drain is under way). */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.on('SIGTERM', () => resolve());
    process.on('SIGINT', () => resolve());
  });
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function cleanUp(hooks: WorkerHooks): Promise<void> {
  try {
    await hooks.onShutdown?.();
  } catch (error) {
    console.error(error);
  }
}

/** Lets go of the primary's channel, and makes sure the process ends even if something keeps it alive. */
function leave(code: number): number {
  process.exitCode = code;
  if (cluster.worker !== undefined && process.connected) cluster.worker.disconnect();
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
}

/** One line saying why the worker could not start; a taken port says which. */
function describe(error: unknown, config: WorkerConfig): string {
  if ((error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE') {
    return `port ${config.port} on ${config.host} is already in use; try --port ${config.port + 1} (or PORT=${config.port + 1})`;
  }
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
