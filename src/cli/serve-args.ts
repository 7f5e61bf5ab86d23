/**
 * The command line of `signwire serve`, read and checked: a bad value is a
 * usage error (exit 2) with a one-line message.
 */
import { parseArgs } from 'node:util';
import { parseWorkers } from '../cluster/options.ts';
import { DEMO_KEYS_FILE } from '../demo/demo-keys.ts';
import { UsageError } from './usage-error.ts';

export const SERVE_HELP = `usage: signwire serve [MODULE] [--port 8000] [--host 127.0.0.1] [--workers N] [--keys FILE] [--redis URL]
                      [--tls-key FILE --tls-cert FILE]

  MODULE           a module whose default export is an App, or a function ({ nonces }) => App;
                   without it, the demo
  --port N         TCP port (default: $PORT or 8000; 0 picks a free one)
  --host ADDR      address to bind (default 127.0.0.1)
  --workers N      serve from N worker processes (node:cluster), restarted if they crash;
                   "auto" = one per core. Without it, one process
  --keys FILE      the demo's keys file (default ${DEMO_KEYS_FILE}, created on first run;
                   a FILE that exists must hold the demo's key "demo")
  --redis URL      keep nonces in Redis (shared by workers and hosts) instead of memory;
                   used by the demo and by a MODULE that exports a function
  --tls-key FILE   serve HTTPS with this PEM private key (in every worker); give --tls-cert too
  --tls-cert FILE  the PEM certificate (chain) that goes with --tls-key; SIGHUP reads both
                   files again (a renewed certificate, no restart)
  --quiet          no access log

exit codes: 0 stopped cleanly (SIGINT / SIGTERM), 1 could not start or workers kept failing, 2 usage error`;

/** The PEM files of `--tls-key` and `--tls-cert`. */
export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
}

/** What `signwire serve` was asked to do. */
export interface ServeOptions {
  readonly module: string | undefined;
  readonly port: number;
  readonly host: string;
  /** Worker processes; undefined: serve from this one process. */
  readonly workers: number | undefined;
  readonly keys: string | undefined;
  readonly redis: string | undefined;
  /** Serve HTTPS with these files; undefined: HTTP. */
  readonly tls: TlsFiles | undefined;
  readonly quiet: boolean;
}

/**
 * The options of `signwire serve ARGS…`, or undefined for `--help`; throws
 * `UsageError` (or `ERR_INVALID_OPTION` for `--workers`) on a bad value.
 *
 * @example
 * parseServeArgs(['app.js', '--workers', '2']); // { module: 'app.js', workers: 2, port: 8000, … }
 */
export function parseServeArgs(args: string[]): ServeOptions | undefined {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      workers: { type: 'string' },
      keys: { type: 'string' },
      redis: { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return undefined;
  const portText = values.port ?? process.env['PORT'] ?? '8000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`the port must be an integer from 0 to 65535, got "${portText}"`);
  if (positionals.length > 1) throw new UsageError('give at most one MODULE');
  const workers = values.workers === undefined ? undefined : parseWorkers(values.workers);
  const tls = tlsFiles(values['tls-key'], values['tls-cert']);
  return { module: positionals[0], port, host: values.host, workers, keys: values.keys, redis: values.redis, tls, quiet: values.quiet };
}

/** `--tls-key` and `--tls-cert` go together: both, or neither. */
function tlsFiles(key: string | undefined, cert: string | undefined): TlsFiles | undefined {
  if (key === undefined && cert === undefined) return undefined;
  if (key === undefined) throw new UsageError('--tls-cert needs --tls-key: give both, or neither');
  if (cert === undefined) throw new UsageError('--tls-key needs --tls-cert: give both, or neither');
  return { key, cert };
}
