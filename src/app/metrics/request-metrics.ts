/**
 * The middleware that measures requests: one count per request by method,
 * route pattern and status, its duration in a histogram by method and
 * route, and signature failures by code (as `verifySignature` leaves them
 * in `c.get('signatureError')`), with nonce store outages counted apart.
 *
 * Labels stay bounded: the route is the matched *pattern* (`/users/:id`,
 * from `c.req.routePath`), never the raw path; every request no route
 * matched (404, 405, automatic OPTIONS) shares one route label. The series
 * for a route, method and status are looked up in nested maps, so after
 * the first request of a kind, recording builds no strings.
 *
 * The status is the one the app sends: recording happens in a send hook
 * (`onSend`), after the app's 404 and the answer to a thrown error, a custom
 * `notFound` or `onError` included. The duration runs from this middleware
 * to that moment: add it first, and note that a streamed body's sending
 * time is not included.
 *
 * @example
 * app.use(requestMetrics({ requests, duration, signatureFailures, nonceStoreErrors }, '<unmatched>'));
 */
import type { Middleware } from '../compose.ts';
import type { Context } from '../context.ts';
import { onSend } from '../send-hooks.ts';
import type { Counter, CounterSeries } from './counter.ts';
import type { Histogram, HistogramSeries } from './histogram.ts';

/** The metrics the middleware records into; label names as `createMetrics` makes them. */
export interface RequestMetricSet {
  /** Labels: method, route, status. */
  readonly requests: Counter;
  /** Labels: method, route. In seconds. */
  readonly duration: Histogram;
  /** Labels: code. */
  readonly signatureFailures: Counter;
  /** No labels. */
  readonly nonceStoreErrors: Counter;
}

const STORE_UNAVAILABLE = 'ERR_SIG_STORE_UNAVAILABLE';

/**
 * Middleware recording every request that reaches it into `metrics`.
 *
 * @example
 * app.use(requestMetrics(set, '<unmatched>'));
 */
export function requestMetrics(metrics: RequestMetricSet, unmatchedRoute: string): Middleware<Context> {
  const cache = new SeriesCache(metrics);
  const record = (c: Context, started: number): void => {
    const route = cache.route(c.req.routePath ?? unmatchedRoute, c.req.method);
    route.duration.observe((performance.now() - started) / 1000);
    cache.status(route, c.res.statusCode).inc();
    const code = c.get('signatureError');
    if (typeof code === 'string') cache.failure(code).inc();
    if (code === STORE_UNAVAILABLE) metrics.nonceStoreErrors.inc();
  };
  return (c, next) => {
    const started = performance.now();
    onSend(c, (c) => record(c, started));
    return next();
  };
}

/** The series of one route pattern and method. */
interface RouteSeries {
  readonly method: string;
  readonly route: string;
  readonly duration: HistogramSeries;
  readonly byStatus: Map<number, CounterSeries>;
}

/**
 * Series handles by route, method, status and code. It holds at most one
 * entry per label set the metrics themselves hold (route patterns, known
 * methods, statuses the app sets, codes the signing layer has), which the
 * metrics' own cap bounds in the output.
 */
class SeriesCache {
  readonly #metrics: RequestMetricSet;
  readonly #routes = new Map<string, Map<string, RouteSeries>>();
  readonly #failures = new Map<string, CounterSeries>();

  constructor(metrics: RequestMetricSet) {
    this.#metrics = metrics;
  }

  route(route: string, method: string): RouteSeries {
    let byMethod = this.#routes.get(route);
    if (byMethod === undefined) this.#routes.set(route, (byMethod = new Map()));
    let series = byMethod.get(method);
    if (series === undefined) {
      series = { method, route, duration: this.#metrics.duration.labels(method, route), byStatus: new Map() };
      byMethod.set(method, series);
    }
    return series;
  }

  status(route: RouteSeries, status: number): CounterSeries {
    let series = route.byStatus.get(status);
    if (series === undefined) route.byStatus.set(status, (series = this.#metrics.requests.labels(route.method, route.route, String(status))));
    return series;
  }

  failure(code: string): CounterSeries {
    let series = this.#failures.get(code);
    if (series === undefined) this.#failures.set(code, (series = this.#metrics.signatureFailures.labels(code)));
    return series;
  }
}
