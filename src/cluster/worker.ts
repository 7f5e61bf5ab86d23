/**
 * A worker's life: join the cluster's scrape of metrics, build the App,
 * (for HTTPS) ask the primary for the TLS options, listen where the primary
 * said, tell it "listening" (or "failed", and why), then serve until SIGTERM
 * or SIGINT, drain (`server.close({ graceMs })`), run `onShutdown`, and exit 0.
 * Over HTTPS it keeps listening to the primary: TLS options sent later (a
 * renewed certificate, on SIGHUP) serve its new connections from then on.
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
  let tls: TlsFromPrimary | undefined;
  let server: Server;
  try {
    const app = await hooks.build();
    if (config.tls === true) tls = new TlsFromPrimary(config.id);
    server = await app.listen(listenOptions(config, await tls?.first));
  } catch (error) {
    tls?.stop();
    await send({ signwire: 'failed', message: describe(error, config) });
    await cleanUp(hooks);
    return leave(EXIT_CODES.failure);
  }
  tls?.serve(server);
  await send({ signwire: 'listening', port: server.port });
  await stop;
  tls?.stop();
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

/**
 * The primary's TLS options, over the IPC channel (see messages.ts): asked
 * for once, at start (`first`, which rejects if the channel closes before
 * they come), then followed. Options that arrive later (a reload) go to the
 * server given to `serve()`, for its new connections; any that arrive before
 * it listens are not lost, the latest is applied then.
 */
class TlsFromPrimary {
  readonly first: Promise<ClusterTlsOptions>;
  readonly #worker: number;
  #latest: ClusterTlsOptions | undefined;
  #served: ClusterTlsOptions | undefined;
  #server: Server | undefined;
  #resolve: (options: ClusterTlsOptions) => void = () => {};
  #reject: (error: Error) => void = () => {};
  readonly #onMessage = (message: unknown): void => this.#received(message);
  readonly #onDisconnect = (): void => this.#reject(new Error('the primary closed the channel before sending the TLS options'));

  constructor(worker: number) {
    this.#worker = worker;
    this.first = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (!process.connected) {
      this.#onDisconnect();
      return;
    }
    process.on('message', this.#onMessage).on('disconnect', this.#onDisconnect);
    void send({ signwire: 'tls-wanted' });
  }

  /** The server now listens with `first`'s options; later ones are its to serve. */
  serve(server: Server): void {
    this.#server = server;
    if (this.#latest !== undefined && this.#latest !== this.#served) this.#apply(server, this.#latest);
  }

  stop(): void {
    process.off('message', this.#onMessage).off('disconnect', this.#onDisconnect);
  }

  #received(message: unknown): void {
    if (!isPrimaryMessage(message) || message.signwire !== 'tls') return;
    let options: ClusterTlsOptions;
    try {
      options = decodeTls(message.options);
    } catch (error) {
      if (this.#latest === undefined) return this.#reject(error as Error);
      return this.#report(error);
    }
    const first = this.#latest === undefined;
    this.#latest = options;
    if (first) {
      this.#served = options;
      this.#resolve(options);
    } else if (this.#server !== undefined) {
      this.#apply(this.#server, options);
    }
  }

  #apply(server: Server, options: ClusterTlsOptions): void {
    try {
      server.setSecureContext(options);
      this.#served = options;
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    console.error(`worker ${this.#worker}: the renewed TLS options were not applied: ${error instanceof Error ? error.message : String(error)}`);
  }
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
