/**
 * The App `signwire serve` runs, built the same way in a single process and
 * in each worker: the demo (with its local key file) or a MODULE, with the
 * nonce store of `--redis` when given. Also the demo's banner lines, which
 * only the process that prints (the single one, or the primary) prepares.
 */
import type { App } from '../app/app.ts';
import { consoleLogger } from '../app/logger.ts';
import { loadAppModule } from '../cluster/app-module.ts';
import { createDemoApp } from '../demo/app.ts';
import { DEMO_KEYS_FILE, ensureDemoKeys, type DemoKeys } from '../demo/demo-keys.ts';
import { SignwireError } from '../errors.ts';
import { loadKeys } from '../sign/keys/load-keys.ts';
import { RedisNonceStore } from '../sign/replay/redis.ts';
import { shellQuote } from './curl-command.ts';
import type { ServeOptions } from './serve-args.ts';
import { UsageError } from './usage-error.ts';

/** An App and what to close once its server has stopped. */
export interface ServedApp {
  readonly app: App;
  close(): Promise<void>;
}

/**
 * Builds the App of `options`; on failure, closes what it opened and throws.
 *
 * @example
 * const { app, close } = await buildServedApp(options);
 */
export async function buildServedApp(options: ServeOptions): Promise<ServedApp> {
  const nonces = options.redis === undefined ? undefined : await RedisNonceStore.fromUrl(options.redis);
  const close = async (): Promise<void> => await nonces?.close();
  try {
    const app = options.module === undefined ? await demoApp(options, nonces) : await moduleApp(options.module, nonces);
    return { app, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The lines printed under "Serving HTTP on …" (with `{base}` for the URL):
 * for the demo, its key (created on first run) and a signed request to try.
 *
 * @example
 * for (const line of await bannerLines(options)) console.log(line.replaceAll('{base}', base));
 */
export async function bannerLines(options: ServeOptions): Promise<string[]> {
  if (options.module !== undefined) return [];
  const demoKeys = await ensureKeysOf(options);
  return [
    `${demoKeys.created ? 'Created' : 'Using'} the demo key "${demoKeys.keyId}" in ${demoKeys.path}`,
    `Playground: {base}/`,
    `Try a signed request:`,
    `  ${trustServedCertificate(options)}npx signwire request {base}/api/whoami --key-id ${demoKeys.keyId} --keys ${shellQuote(demoKeys.path)}`,
  ];
}

/**
 * Over HTTPS, what makes the suggested request trust the served certificate
 * (a self-signed one, as a demo's usually is): Node's fetch takes no CA of
 * its own, but reads NODE_EXTRA_CA_CERTS at start. Nothing for plain HTTP,
 * or for a certificate read from stdin (no file to name).
 */
function trustServedCertificate(options: ServeOptions): string {
  if (options.tls === undefined || options.tls.cert === '-') return '';
  return `NODE_EXTRA_CA_CERTS=${shellQuote(options.tls.cert)} `;
}

async function demoApp(options: ServeOptions, nonces: RedisNonceStore | undefined): Promise<App> {
  const demoKeys = await ensureKeysOf(options);
  const logger = consoleLogger({ access: !options.quiet });
  const playground = { keyId: demoKeys.keyId, secret: demoKeys.secret };
  return createDemoApp({ keys: await loadKeys(demoKeys.path), logger, playground, ...(nonces !== undefined && { nonces }) });
}

/** The demo's key, from `--keys FILE` or the default file; a file that is not the demo's is a usage error. */
async function ensureKeysOf(options: ServeOptions): Promise<DemoKeys> {
  return ensureDemoKeys(options.keys ?? DEMO_KEYS_FILE).catch((error: unknown) => {
    throw error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION' ? new UsageError(error.message) : error;
  });
}

async function moduleApp(module: string, nonces: RedisNonceStore | undefined): Promise<App> {
  const { app, factory } = await loadAppModule(module, nonces === undefined ? {} : { nonces });
  if (nonces !== undefined && !factory) {
    console.error(`signwire serve: --redis is not used: ${module} exports an App; export a function ({ nonces }) => App to use it`);
  }
  return app;
}
