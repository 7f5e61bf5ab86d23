/**
 * `serveCluster()`: one App served by several worker processes
 * (`node:cluster`), so a server uses every core. The same call runs in the
 * primary (which forks, supervises and shuts down) and in each worker (which
 * builds the App and serves it); see primary.ts and worker.ts.
 *
 * The App is given as a module or as a factory, never as an instance: each
 * worker is a separate process and must build its own.
 *
 * - a module path (or URL) whose default export is an App (or a function
 *   returning one): the workers run signwire's worker entry, which imports it;
 * - a factory `() => App`: the workers re-run the script that called
 *   `serveCluster()` (Node's usual cluster pattern), and there the call builds
 *   the App with the factory instead of forking. Keep what only the primary
 *   should do (create files, print banners) out of the factory.
 *
 * With `tls`, every worker serves HTTPS with the primary's options: they are
 * checked here, before any fork (a key or certificate Node refuses ends the
 * cluster with one line and exit 1), and each worker receives them over IPC
 * (tls-options.ts). In factory mode the worker's own `tls` is not used.
 * With `reloadTls` too, SIGHUP to the primary renews the certificate on
 * every worker without a restart (primary.ts).
 */
import cluster from 'node:cluster';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { App } from '../app/app.ts';
import { SignwireError } from '../errors.ts';
import { appModuleUrl, loadAppModule } from './app-module.ts';
import { resolveBalancing } from './balancing.ts';
import { workerConfig } from './messages.ts';
import { checkListen, EXIT_CODES, resolveWorkers, type ClusterOptions } from './options.ts';
import { runPrimary } from './primary.ts';
import { DEFAULT_RESTART_POLICY } from './slot.ts';
import { checkTlsOptions, encodeTls, tlsRefusal, type ClusterTlsOptions, type EncodedTls } from './tls-options.ts';
import { runWorker } from './worker.ts';

/** The App to serve: a module (path or URL) whose default export is an App or builds one, or a factory. */
export type ClusterSource = string | URL | (() => App | Promise<App>);

/** The grace period of a shutdown when none is given, as for `server.close()`. */
const DEFAULT_GRACE_MS = 10_000;

const WORKER_ENTRY = fileURLToPath(new URL(`./worker-entry${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/**
 * Serves an App on `workers` processes until SIGTERM / SIGINT (or
 * `options.signal`); resolves with the exit code (`EXIT_CODES`): in the
 * primary once every worker has exited, in a worker once it has drained.
 *
 * @example
 * // server.js: node server.js
 * import { serveCluster } from 'signwire';
 * process.exitCode = await serveCluster('./app.js', { workers: 'auto', port: 8000, host: '0.0.0.0' });
 *
 * @example
 * // or with a factory: this same file runs again in each worker
 * process.exitCode = await serveCluster(() => createApp(), { workers: 4, port: 8000 });
 *
 * @example
 * // HTTPS on every worker
 * const tls = { key: readFileSync('key.pem'), cert: readFileSync('cert.pem') };
 * process.exitCode = await serveCluster('./app.js', { workers: 'auto', port: 8443, host: '0.0.0.0', tls });
 */
export async function serveCluster(source: ClusterSource, options: ClusterOptions = {}): Promise<number> {
  checkSource(source);
  if (cluster.isWorker) return serveInWorker(source, options);
  const { port = 0, host = '127.0.0.1', graceMs = DEFAULT_GRACE_MS } = options;
  checkListen({ port, host, graceMs });
  const workers = resolveWorkers(options.workers);
  const balancing = resolveBalancing(options.balancing);
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
  const module = typeof source === 'function' ? undefined : { path: appModuleUrl(source), exec: WORKER_ENTRY };
  const tls = options.tls === undefined ? undefined : checkTlsOptions(options.tls);
  const log = options.log ?? ((line, level) => (level === 'error' ? console.error(line) : console.log(line)));
  const reloadTls = tlsReloader(options, tls);
  const refused = tls === undefined ? undefined : tlsRefusal(tls);
  if (refused !== undefined) {
    log(refused, 'error');
    return EXIT_CODES.failure;
  }
  return runPrimary({
    workers,
    port: port === 0 ? await pickPort(host) : port,
    host,
    graceMs,
    balancing,
    policy,
    ...(module !== undefined && { module }),
    tls: tls === undefined ? undefined : encodeTls(tls),
    reloadTls,
    signal: options.signal,
    onReady: options.onReady,
    log,
  });
}

/** `reloadTls`, checked, as the primary calls it: new options checked as `tls` is and encoded, or an Error saying why not. */
function tlsReloader(options: ClusterOptions, tls: ClusterTlsOptions | undefined): (() => Promise<EncodedTls>) | undefined {
  const { reloadTls } = options;
  if (reloadTls === undefined) return undefined;
  if (typeof reloadTls !== 'function') throw new SignwireError('ERR_INVALID_OPTION', 'reloadTls must be a function returning the new tls options');
  if (tls === undefined) throw new SignwireError('ERR_INVALID_OPTION', 'reloadTls needs tls: there is no certificate to renew');
  return async () => {
    const renewed = checkTlsOptions(await reloadTls());
    const refused = tlsRefusal(renewed);
    if (refused !== undefined) throw new Error(refused);
    return encodeTls(renewed);
  };
}

function serveInWorker(source: ClusterSource, options: ClusterOptions): Promise<number> {
  const config = workerConfig();
  if (config === undefined) throw new SignwireError('ERR_INVALID_OPTION', 'serveCluster() ran in a cluster worker that serveCluster() did not fork');
  const build = typeof source === 'function' ? async () => source() : async () => (await loadAppModule(source)).app;
  return runWorker(config, { build, onShutdown: options.onShutdown });
}

function checkSource(source: ClusterSource): void {
  const fine = typeof source === 'function' || source instanceof URL || (typeof source === 'string' && source !== '');
  if (!fine) throw new SignwireError('ERR_INVALID_OPTION', 'serveCluster() takes a module path or URL, or a function returning an App');
}

/**
 * Port 0 becomes one free port, picked here once: every worker, and every
 * restarted worker, then listens on the same port.
 */
function pickPort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const probe = net.createServer();
    probe.once('error', fail);
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => done(port));
    });
  });
}
