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
 * With `--tls-key FILE --tls-cert FILE` it serves HTTPS: the files are read
 * and checked once (by the primary), before anything listens; an unreadable
 * file is a usage error, a key or certificate Node refuses exit 1. SIGHUP
 * reads them again and serves new connections with them (a renewed
 * certificate, no restart); files that cannot serve are reported on stderr,
 * and the certificate being served stays.
 *
 * Exit codes: 0 stopped cleanly, 1 could not start (or the workers kept
 * failing), 2 usage error.
 */
import cluster from 'node:cluster';
import { coalesced } from '../coalesced.ts';
import { EXIT_CODES, type ClusterInfo } from '../cluster/options.ts';
import { serveCluster } from '../cluster/serve-cluster.ts';
import { tlsRefusal, type ClusterTlsOptions } from '../cluster/tls-options.ts';
import type { Server } from '../wire/server.ts';
import { bannerLines, buildServedApp, type ServedApp } from './serve-app.ts';
import { parseServeArgs, SERVE_HELP, type ServeOptions, type TlsFiles } from './serve-args.ts';
import { readInput } from './usage-error.ts';

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
  const tls = await readTls(options.tls);
  const banner = await bannerLines(options);
  const served = await buildServedApp(options);
  let server: Server;
  try {
    server = await served.app.listen({ port: options.port, host: options.host, ...(tls !== undefined && { tls }) });
  } catch (error) {
    await served.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`signwire serve: port ${options.port} on ${options.host} is already in use; try --port ${options.port + 1} (or PORT=${options.port + 1})`);
    return EXIT_CODES.failure;
  }
  printBanner(options, server.port, banner);
  const stopReloading = options.tls === undefined ? undefined : reloadOnHangUp(options.tls, (renewed) => server.setSecureContext(renewed));
  await waitForSignal();
  stopReloading?.();
  console.log('Shutting down ...');
  await server.close({ graceMs: GRACE_MS });
  await served.close();
  return EXIT_CODES.ok;
}

async function serveWorkers(options: ServeOptions, workers: number): Promise<number> {
  // The workers receive the TLS options from the primary: only it reads the files.
  const files = options.tls;
  const tls = cluster.isPrimary ? await readTls(files) : undefined;
  const banner = cluster.isPrimary ? await bannerLines(options) : [];
  let served: ServedApp | undefined;
  return serveCluster(async () => (served = await buildServedApp(options)).app, {
    workers,
    port: options.port,
    host: options.host,
    graceMs: GRACE_MS,
    ...(tls !== undefined && files !== undefined && { tls, reloadTls: () => readTlsFiles(files) }),
    onShutdown: () => served?.close(),
    onReady: (info) => printBanner(options, info.port, banner, info),
    log: (line, level) => (level === 'error' ? console.error(`signwire serve: ${line}`) : console.log(line)),
  });
}

/**
 * The key and certificate of `--tls-key` / `--tls-cert`, read (an unreadable
 * file is a usage error) and accepted by Node (else an error, exit 1, naming
 * the file at fault); undefined without them.
 */
async function readTls(files: TlsFiles | undefined): Promise<ClusterTlsOptions | undefined> {
  return files === undefined ? undefined : readTlsFiles(files);
}

async function readTlsFiles(files: TlsFiles): Promise<ClusterTlsOptions> {
  const tls = { key: await readInput(files.key), cert: await readInput(files.cert) };
  const [key, cert] = [`--tls-key ${files.key}`, `--tls-cert ${files.cert}`];
  const refused = tlsRefusal(tls, { key, cert, both: `${key} with ${cert}` });
  if (refused !== undefined) throw new Error(refused);
  return tls;
}

/** SIGHUP: the files read again and given to `apply`, one reload at a time (see coalesced.ts); returns what stops it. */
function reloadOnHangUp(files: TlsFiles, apply: (tls: ClusterTlsOptions) => void): () => void {
  const onHangUp = coalesced(async () => {
    try {
      apply(await readTlsFiles(files));
      console.log('TLS reloaded: new connections get the renewed certificate');
    } catch (error) {
      console.error(`signwire serve: TLS reload failed, still serving the previous certificate: ${(error as Error).message}`);
    }
  });
  process.on('SIGHUP', onHangUp);
  return () => process.off('SIGHUP', onHangUp);
}

function printBanner(options: ServeOptions, port: number, banner: readonly string[], cluster?: ClusterInfo): void {
  const scheme = options.tls === undefined ? 'http' : 'https';
  const base = `${scheme}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  console.log(`Serving ${scheme.toUpperCase()} on ${base} ...`);
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
