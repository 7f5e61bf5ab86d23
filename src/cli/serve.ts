/**
 * `signwire serve [MODULE]`: runs an App until SIGINT / SIGTERM, then shuts
 * down gracefully. MODULE's default export is the App; without one, the
 * demo runs (a local key file is created on first use) and the command
 * prints the playground URL and a ready-to-paste signed request.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { App } from '../app/app.ts';
import { consoleLogger } from '../app/logger.ts';
import { createDemoApp } from '../demo/app.ts';
import { DEMO_KEYS_FILE, ensureDemoKeys } from '../demo/demo-keys.ts';
import { loadKeys } from '../sign/keys/load-keys.ts';
import type { KeySource } from '../sign/keys/key-config.ts';
import { RedisNonceStore } from '../sign/replay/redis.ts';
import type { Server } from '../wire/server.ts';

const HELP = `usage: signwire serve [MODULE] [--port 8000] [--host 127.0.0.1] [--keys FILE] [--redis URL]

  MODULE       a module whose default export is an App; without it, the demo
  --port N     TCP port (default: $PORT or 8000; 0 picks a free one)
  --host ADDR  address to bind (default 127.0.0.1)
  --keys FILE  the demo's keys file (default ${DEMO_KEYS_FILE}, created on first run)
  --redis URL  keep nonces in Redis (shared by several processes) instead of memory
  --quiet      no access log`;

interface ServeOptions {
  readonly module: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly keys: string | undefined;
  readonly redis: string | undefined;
  readonly quiet: boolean;
}

/** Runs `signwire serve`; resolves with the exit code once the server has stopped. */
export async function serve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      keys: { type: 'string' },
      redis: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const port = Number(values.port ?? process.env['PORT'] ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`signwire serve: the port must be an integer from 0 to 65535, got "${values.port ?? process.env['PORT']}"`);
    return 2;
  }
  if (positionals.length > 1) {
    console.error('signwire serve: give at most one MODULE');
    return 2;
  }
  return run({ module: positionals[0], port, host: values.host, keys: values.keys, redis: values.redis, quiet: values.quiet });
}

async function run(options: ServeOptions): Promise<number> {
  const logger = consoleLogger({ access: !options.quiet });
  const nonces = options.redis === undefined ? undefined : await RedisNonceStore.fromUrl(options.redis);
  const { app, banner } = options.module === undefined ? await demo(options, logger, nonces) : { app: await loadApp(options.module), banner: [] };
  let server: Server;
  try {
    server = await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await nonces?.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`signwire serve: port ${options.port} on ${options.host} is already in use; try --port ${options.port + 1} (or PORT=${options.port + 1})`);
      return 1;
    }
    throw error;
  }
  const base = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${server.port}`;
  console.log(`Serving HTTP on ${base} ...`);
  for (const line of banner) console.log(line.replaceAll('{base}', base));
  await waitForSignal();
  console.log('Shutting down ...');
  await server.close({ graceMs: 5_000 });
  await nonces?.close();
  return 0;
}

async function demo(options: ServeOptions, logger: ReturnType<typeof consoleLogger>, nonces: RedisNonceStore | undefined) {
  const demoKeys = await ensureDemoKeys(options.keys ?? DEMO_KEYS_FILE);
  const keys: KeySource = await loadKeys(demoKeys.path);
  const app = createDemoApp({ keys, logger, playground: { keyId: demoKeys.keyId, secret: demoKeys.secret }, ...(nonces !== undefined && { nonces }) });
  const banner = [
    `${demoKeys.created ? 'Created' : 'Using'} the demo key "${demoKeys.keyId}" in ${demoKeys.path}`,
    `Playground: {base}/`,
    `Try a signed request:`,
    `  npx signwire request {base}/api/whoami --key-id ${demoKeys.keyId} --keys ${demoKeys.path}`,
  ];
  return { app, banner };
}

async function loadApp(module: string): Promise<App> {
  const loaded = (await import(pathToFileURL(resolve(module)).href)) as { default?: unknown };
  const app = loaded.default as App | undefined;
  // A shape check, not instanceof: the module may import its own copy of signwire.
  if (typeof app?.listen !== 'function' || typeof app.handler !== 'function') {
    throw new Error(`${module} must export an App as its default export (export default app)`);
  }
  return app;
}

function waitForSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}
