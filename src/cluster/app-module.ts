/**
 * An app module: a file whose default export is an App, or a function that
 * builds one. The function form is called with a `ServeContext` (what
 * `signwire serve` opened for it, such as the shared Redis nonce store of
 * `--redis`), once per process: each worker builds its own App.
 *
 * ```ts
 * // app.ts: export default app;   or:
 * export default ({ nonces }: ServeContext) => {
 *   const app = new App();
 *   app.post('/orders', verifySignature({ keys, ...(nonces && { nonces }) }), …);
 *   return app;
 * };
 * ```
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { App } from '../app/app.ts';
import type { NonceStore } from '../sign/replay/nonce-store.ts';

/** What `signwire serve` hands an app factory. */
export interface ServeContext {
  /** The store of `--redis URL`, shared by every worker and host; absent without `--redis`. */
  readonly nonces?: NonceStore;
}

/** A default export that builds the App. */
export type AppFactory = (context: ServeContext) => App | Promise<App>;

/** The App of a module, and whether its default export was a factory (which saw the context). */
export interface LoadedApp {
  readonly app: App;
  readonly factory: boolean;
}

/**
 * Imports `module` (a path, relative to the working directory, or a URL) and
 * returns its App, calling a factory default export with `context`.
 *
 * @example
 * const { app } = await loadAppModule('./app.js');
 * await app.listen({ port: 8000 });
 */
export async function loadAppModule(module: string | URL, context: ServeContext = {}): Promise<LoadedApp> {
  const exported = ((await import(appModuleUrl(module))) as { default?: unknown }).default;
  const factory = typeof exported === 'function';
  const app = factory ? await (exported as AppFactory)(context) : exported;
  if (!isApp(app)) {
    throw new Error(`${String(module)} must export an App as its default export (export default app), or a function returning one`);
  }
  return { app, factory };
}

/**
 * The `file:` URL of a module named on the command line or in code: a path
 * is resolved against the working directory.
 *
 * @example
 * appModuleUrl('./app.js'); // 'file:///srv/api/app.js'
 */
export function appModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^file:/.test(module) ? module : pathToFileURL(resolve(module)).href;
}

/** A shape check, not instanceof: the module may import its own copy of signwire. */
function isApp(value: unknown): value is App {
  const app = value as Partial<App> | null | undefined;
  return typeof app?.listen === 'function' && typeof app.handler === 'function';
}
