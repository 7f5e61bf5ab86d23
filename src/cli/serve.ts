/**
 * `signwire serve [MODULE]`: runs an App until SIGINT / SIGTERM, then shuts
 * down gracefully. MODULE's default export is the App (or a function
 * building it); without one, the demo runs (a local key file is created on
 * first use) and the command prints the playground URL and a ready-to-paste
 * signed request.
 *
 * With `--workers N` the App is served by N worker processes under a
 * supervising primary (`serveCluster()`): this same command runs again in
 * each worker, where it builds the App instead of forking.
 *
 * Exit codes: 0 stopped cleanly, 1 could not start (or the workers kept
 * failing), 2 usage error.
 */
import cluster from 'node:cluster';
import { EXIT_CODES, type ClusterInfo } from '../cluster/options.ts';
import { serveCluster } from '../cluster/serve-cluster.ts';
import type { Server } from '../wire/server.ts';
import { bannerLines, buildServedApp, type ServedApp } from './serve-app.ts';
import { parseServeArgs, SERVE_HELP, type ServeOptions } from './serve-args.ts';

/** How long in-flight requests may run after SIGINT / SIGTERM. */
const GRACE_MS = 5_000;

/**
 * Runs `signwire serve`; resolves with the exit code once the server has stopped.
 *
 * @example
 * process.exitCode = await serve(['app.js', '--port', '8000', '--workers', 'auto']);
 */
export async function serve(args: string[]): Promise<number> {
  const options = parseServeArgs(args);
  if (options === undefined) {
    console.log(SERVE_HELP);
    return EXIT_CODES.ok;
  }
  return options.workers === undefined ? serveOneProcess(options) : serveWorkers(options, options.workers);
}

async function serveOneProcess(options: ServeOptions): Promise<number> {
  const banner = await bannerLines(options);
  const served = await buildServedApp(options);
  let server: Server;
  try {
    server = await served.app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await served.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`signwire serve: port ${options.port} on ${options.host} is already in use; try --port ${options.port + 1} (or PORT=${options.port + 1})`);
    return EXIT_CODES.failure;
  }
  printBanner(options.host, server.port, banner);
  await waitForSignal();
  console.log('Shutting down ...');
  await server.close({ graceMs: GRACE_MS });
  await served.close();
  return EXIT_CODES.ok;
}

async function serveWorkers(options: ServeOptions, workers: number): Promise<number> {
  const banner = cluster.isPrimary ? await bannerLines(options) : [];
  let served: ServedApp | undefined;
  return serveCluster(async () => (served = await buildServedApp(options)).app, {
    workers,
    port: options.port,
    host: options.host,
    graceMs: GRACE_MS,
    onShutdown: () => served?.close(),
    onReady: (info) => printBanner(options.host, info.port, banner, info),
    log: (line, level) => (level === 'error' ? console.error(`signwire serve: ${line}`) : console.log(line)),
  });
}

function printBanner(host: string, port: number, banner: readonly string[], cluster?: ClusterInfo): void {
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  console.log(`Serving HTTP on ${base} ...`);
  if (cluster !== undefined) console.log(workersLine(cluster));
  for (const line of banner) console.log(line.replaceAll('{base}', base));
}

/** "2 workers (pids 41, 42), connections handed out round-robin by the primary (pid 40)" */
function workersLine({ workers, pids, balancing }: ClusterInfo): string {
  const spread = balancing === 'reuse-port'
    ? 'each listening with SO_REUSEPORT, connections spread by the kernel'
    : `connections handed out round-robin by the primary (pid ${process.pid})`;
  return `${workers} worker${workers === 1 ? '' : 's'} (pids ${pids.join(', ')}), ${spread}`;
}

function waitForSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}
