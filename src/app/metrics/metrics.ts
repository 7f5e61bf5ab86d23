/**
 * `createMetrics()`: the metrics of a signwire app, ready to scrape. It
 * makes a registry with the request metrics, signature failures, nonce
 * store errors, open connections and a few process metrics, and gives the
 * middleware that records them and the handler that serves them.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `signwire_http_requests_total` | counter | `method`, `route`, `status` |
 * | `signwire_http_request_duration_seconds` | histogram | `method`, `route` |
 * | `signwire_signature_failures_total` | counter | `code` |
 * | `signwire_nonce_store_errors_total` | counter | |
 * | `signwire_open_connections` | gauge | |
 *
 * In a worker of a cluster, the handler answers for every worker (see
 * cluster-scrape.ts): each series labelled `worker="N"`.
 *
 * @example
 * const metrics = createMetrics();
 * app.use(metrics.middleware());
 * app.get('/metrics', metrics.handler());
 * const server = await app.listen({ port: 8000 });
 * metrics.observeServer(server);
 */
import { SignwireError } from '../../errors.ts';
import type { Server } from '../../wire/server.ts';
import type { Middleware } from '../compose.ts';
import type { Context } from '../context.ts';
import { clusterScrape, reportRegistry, scrapeCluster } from './cluster-scrape.ts';
import type { Counter } from './counter.ts';
import { EXPOSITION_CONTENT_TYPE, serializeMetrics } from './exposition.ts';
import type { Gauge } from './gauge.ts';
import { DEFAULT_BUCKETS, type Histogram } from './histogram.ts';
import { registerProcessMetrics } from './process-metrics.ts';
import { Registry } from './registry.ts';
import { requestMetrics, type RequestMetricSet } from './request-metrics.ts';
import { DEFAULT_MAX_SERIES } from './series.ts';

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** Prefix of the signwire metric names; default `'signwire_'`. Process metrics keep their standard names. */
  readonly prefix?: string;
  /** Where the metrics go; default a new registry. Pass one to add your own metrics to the same scrape. */
  readonly registry?: Registry;
  /** Latency buckets, in seconds; default 0.001 … 10 (`DEFAULT_BUCKETS`). */
  readonly buckets?: readonly number[];
  /** Series each metric keeps before the overflow series; default 1000. */
  readonly maxSeries?: number;
  /** The `route` label of requests no route matched; default `'<unmatched>'`. */
  readonly unmatchedRoute?: string;
  /** Register the process metrics (CPU, memory, start time, event-loop lag); default true. */
  readonly processMetrics?: boolean;
}

/** Options of `metrics.handler()`. */
export interface MetricsHandlerOptions {
  /**
   * In a cluster worker, `'cluster'` (the default) answers with every
   * worker's metrics, labelled `worker="N"`; `'process'` with this
   * worker's only, unlabelled. Outside a cluster both are this process's.
   */
  readonly scope?: 'cluster' | 'process';
}

/** A server whose open connections can be counted. */
export type ObservedServer = Pick<Server, 'connections'>;

/**
 * The app's metrics, as `createMetrics()` makes them; each metric is also a
 * property, e.g. to read a value in a test.
 *
 * @example
 * const metrics = new Metrics({ processMetrics: false });
 * metrics.requests.labels('GET', '/users/:id', '200').value;
 */
export class Metrics {
  readonly registry: Registry;
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly signatureFailures: Counter;
  readonly nonceStoreErrors: Counter;
  readonly openConnections: Gauge;
  readonly #servers = new Set<ObservedServer>();
  readonly #middleware: Middleware<Context>;
  readonly #stop: () => void;
  readonly #prefix: string;

  constructor(options: MetricsOptions = {}) {
    const { prefix = 'signwire_', buckets = DEFAULT_BUCKETS, maxSeries = DEFAULT_MAX_SERIES, unmatchedRoute = '<unmatched>' } = options;
    if (typeof prefix !== 'string') throw new SignwireError('ERR_INVALID_OPTION', 'metrics prefix must be a string');
    if (typeof unmatchedRoute !== 'string') throw new SignwireError('ERR_INVALID_OPTION', 'unmatchedRoute must be a string');
    this.#prefix = prefix;
    const registry = (this.registry = options.registry ?? new Registry());
    reportRegistry(registry);
    const set = defineRequestMetrics(registry, prefix, buckets, maxSeries);
    this.requests = set.requests;
    this.duration = set.duration;
    this.signatureFailures = set.signatureFailures;
    this.nonceStoreErrors = set.nonceStoreErrors;
    this.openConnections = registry.gauge({
      name: `${prefix}open_connections`,
      help: 'Client connections open now, on the observed servers.',
      collect: (gauge) => gauge.set(this.#connections()),
    });
    this.#stop = options.processMetrics === false ? () => {} : registerProcessMetrics(registry);
    this.#middleware = requestMetrics(this, unmatchedRoute);
  }

  /** The middleware that records every request; add it first (`app.use(metrics.middleware())`). */
  middleware(): Middleware<Context> {
    return this.#middleware;
  }

  /**
   * The handler that answers a scrape: `app.get('/metrics', metrics.handler())`.
   * In a cluster worker it answers for the whole cluster (see `MetricsHandlerOptions`).
   */
  handler(options: MetricsHandlerOptions = {}): Middleware<Context> {
    const scope = options.scope ?? 'cluster';
    if (scope !== 'cluster' && scope !== 'process') throw new SignwireError('ERR_INVALID_OPTION', `handler scope must be 'cluster' or 'process', got ${String(scope)}`);
    const headers = { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Cache-Control': 'no-store' };
    return async (c) => {
      const cluster = scope === 'cluster' ? clusterScrape() : undefined;
      const text = cluster === undefined ? this.registry.metrics() : serializeMetrics(await scrapeCluster(cluster, this.#prefix));
      c.text(text, 200, headers);
    };
  }

  /** Counts the open connections of `server` in `signwire_open_connections`, read at every scrape. */
  observeServer(server: ObservedServer): this {
    if (typeof server?.connections !== 'number') throw new SignwireError('ERR_INVALID_OPTION', 'observeServer() needs a server (from app.listen())');
    this.#servers.add(server);
    return this;
  }

  /** The exposition text of every metric in the registry: this process's, also in a cluster. */
  text(): string {
    return this.registry.metrics();
  }

  /** Stops the event-loop monitor of the process metrics. */
  close(): void {
    this.#stop();
  }

  #connections(): number {
    let open = 0;
    for (const server of this.#servers) open += server.connections;
    return open;
  }
}

/** The request metrics the middleware records into, named with `prefix`. */
function defineRequestMetrics(registry: Registry, prefix: string, buckets: readonly number[], maxSeries: number): RequestMetricSet {
  return {
    requests: registry.counter({
      name: `${prefix}http_requests_total`,
      help: 'Requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      maxSeries,
    }),
    duration: registry.histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'Time to answer a request, by method and route pattern, in seconds.',
      labelNames: ['method', 'route'],
      buckets,
      maxSeries,
    }),
    signatureFailures: registry.counter({
      name: `${prefix}signature_failures_total`,
      help: 'Requests refused by signature verification, by error code.',
      labelNames: ['code'],
      maxSeries,
    }),
    nonceStoreErrors: registry.counter({
      name: `${prefix}nonce_store_errors_total`,
      help: 'Signed requests refused because the nonce store could not answer (ERR_SIG_STORE_UNAVAILABLE).',
    }),
  };
}

/**
 * The metrics of an app: see `Metrics` for what is measured.
 *
 * @example
 * const metrics = createMetrics({ prefix: 'api_' });
 * app.use(metrics.middleware());
 * app.get('/metrics', metrics.handler());
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  return new Metrics(options);
}
