/**
 * A worker's life: join the cluster's scrape of metrics, build the App,
 * (for HTTPS) ask the primary for the TLS options, listen where the primary
 * said, tell it "listening" (or "failed", and why), then serve until SIGTERM
 * or SIGINT, drain (`server.close({ graceMs })`), run `onShutdown`, and exit 0.
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
import { isPrimaryMessage, type WorkerConfig, type WorkerMessage } from './messages.ts';
import { workerMetricsChannel } from './metrics-channel.ts';
import { decodeTls, type ClusterTlsOptions } from './tls-options.ts';

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
    const app = await hooks.build();
    server = await app.listen(listenOptions(config, config.tls === true ? await receiveTls() : undefined));
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

function listenOptions(config: WorkerConfig, tls: ClusterTlsOptions | undefined): Parameters<App['listen']>[0] {
  return {
    port: config.port,
    host: config.host,
    ...(config.balancing === 'reuse-port' && { reusePort: true }),
    ...(tls !== undefined && { tls }),
  };
}

/** The primary's TLS options, asked for over the IPC channel (see messages.ts); rejects if the channel closes first. */
function receiveTls(): Promise<ClusterTlsOptions> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!isPrimaryMessage(message) || message.signwire !== 'tls') return;
      settle();
      try {
        resolve(decodeTls(message.options));
      } catch (error) {
        reject(error);
      }
    };
    const onDisconnect = (): void => {
      settle();
      reject(new Error('the primary closed the channel before sending the TLS options'));
    };
    const settle = (): void => void process.off('message', onMessage).off('disconnect', onDisconnect);
    if (!process.connected) return onDisconnect();
    process.on('message', onMessage).on('disconnect', onDisconnect);
    void send({ signwire: 'tls-wanted' });
  });
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
