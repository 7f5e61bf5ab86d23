/**
 * The demo: what `npm start` serves. A playground page at `/`, a plain
 * `/hello`, and a small signed API under `/api` (orders, whoami) that
 * answers only RFC 9421-signed requests, with `debug` on so a mismatch
 * shows the server's signature base. `/metrics` (Prometheus) and
 * `/healthz` show how a service is watched.
 */
import { App } from '../app/app.ts';
import type { Logger } from '../app/logger.ts';
import { createMetrics, health, type Metrics } from '../app/metrics/index.ts';
import type { KeySource } from '../sign/keys/key-config.ts';
import { verifySignature } from '../sign/middleware.ts';
import type { NonceStore } from '../sign/replay/nonce-store.ts';
import { nonceStoreCheck } from '../sign/replay/store-check.ts';
import { orderRoutes } from './orders.ts';
import { playgroundRoutes, type PlaygroundDefaults } from './playground.ts';

export interface DemoOptions {
  readonly keys: KeySource;
  readonly nonces?: NonceStore;
  readonly logger?: Logger;
  /** Prefilled in the playground when it is served to this machine. */
  readonly playground?: PlaygroundDefaults;
  /** Served at /metrics; pass one to call `metrics.observeServer(server)` once listening. Default: a new one. */
  readonly metrics?: Metrics;
}

/** The demo app. */
export function createDemoApp(options: DemoOptions): App {
  const app = new App(options.logger === undefined ? {} : { logger: options.logger });
  const metrics = options.metrics ?? createMetrics();
  app.use(metrics.middleware());
  app.onListen((server) => metrics.observeServer(server));
  app.get('/metrics', metrics.handler());
  app.get('/healthz', health(options.nonces === undefined ? {} : { checks: { nonces: nonceStoreCheck(options.nonces) } }));
  app.get('/hello', (c) => c.text('Hello, World!'));
  app.use('/api', verifySignature({ keys: options.keys, debug: true, ...(options.nonces !== undefined && { nonces: options.nonces }) }));
  app.get('/api/whoami', (c) => c.json({ keyId: c.get('signature')?.keyId, signature: c.get('signature') }));
  orderRoutes(app);
  playgroundRoutes(app, options.playground);
  return app;
}
