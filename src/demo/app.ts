/**
 * The demo: what `npm start` serves. A playground page at `/`, a plain
 * `/hello`, and a small signed API under `/api` (orders, whoami) that
 * answers only RFC 9421-signed requests, with `debug` on so a mismatch
 * shows the server's signature base.
 */
import { App } from '../app/app.ts';
import type { Logger } from '../app/logger.ts';
import type { KeySource } from '../sign/keys/key-config.ts';
import { verifySignature } from '../sign/middleware.ts';
import type { NonceStore } from '../sign/replay/nonce-store.ts';
import { orderRoutes } from './orders.ts';
import { playgroundRoutes, type PlaygroundDefaults } from './playground.ts';

export interface DemoOptions {
  readonly keys: KeySource;
  readonly nonces?: NonceStore;
  readonly logger?: Logger;
  /** Prefilled in the playground when it is served to this machine. */
  readonly playground?: PlaygroundDefaults;
}

/** The demo app. */
export function createDemoApp(options: DemoOptions): App {
  const app = new App(options.logger === undefined ? {} : { logger: options.logger });
  app.get('/hello', (c) => c.text('Hello, World!'));
  app.use('/api', verifySignature({ keys: options.keys, debug: true, ...(options.nonces !== undefined && { nonces: options.nonces }) }));
  app.get('/api/whoami', (c) => c.json({ keyId: c.get('signature')?.keyId, signature: c.get('signature') }));
  orderRoutes(app);
  playgroundRoutes(app, options.playground);
  return app;
}
