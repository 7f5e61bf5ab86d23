/**
 * A registry: the metrics one scrape returns, in the order they were made.
 * Names are unique, counting the sample names a histogram adds
 * (`_bucket`, `_sum`, `_count`), so no two metrics can print the same line.
 *
 * @example
 * const registry = new Registry();
 * const jobs = registry.counter({ name: 'jobs_total', help: 'Jobs run.' });
 * jobs.inc();
 * registry.metrics(); // '# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 1\n'
 */
import { SignwireError } from '../../errors.ts';
import { Counter, type CounterOptions } from './counter.ts';
import { serializeMetrics, type MetricSnapshot } from './exposition.ts';
import { Gauge, type GaugeOptions } from './gauge.ts';
import { Histogram, type HistogramOptions } from './histogram.ts';
import type { Metric } from './metric.ts';

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * A set of metrics scraped together; see the module comment.
 *
 * @example
 * const registry = new Registry();
 * app.get('/metrics', (c) => c.text(registry.metrics(), 200, { 'Content-Type': EXPOSITION_CONTENT_TYPE }));
 */
export class Registry {
  readonly #metrics: Array<Metric<unknown>> = [];
  /** Every sample name in use. */
  readonly #taken = new Set<string>();
  /** Label names no metric may use (see `reserveLabel`). */
  readonly #reservedLabels = new Set<string>();

  /** Makes and registers a counter. */
  counter(options: CounterOptions): Counter {
    return this.register(new Counter(options));
  }

  /** Makes and registers a gauge. */
  gauge(options: GaugeOptions): Gauge {
    return this.register(new Gauge(options));
  }

  /** Makes and registers a histogram. */
  histogram(options: HistogramOptions): Histogram {
    return this.register(new Histogram(options));
  }

  /** Registers a metric made elsewhere; a name already in use throws ERR_INVALID_OPTION. */
  register<M extends Metric<unknown>>(metric: M): M {
    const names = sampleNames(metric);
    const clash = names.find((name) => this.#taken.has(name));
    if (clash !== undefined) throw new SignwireError('ERR_INVALID_OPTION', `metric name ${clash} is already registered`);
    checkUnreserved(metric, this.#reservedLabels);
    for (const name of names) this.#taken.add(name);
    this.#metrics.push(metric);
    return metric;
  }

  /**
   * Keeps `label` for whoever collects this registry (a cluster scrape adds
   * `worker` to every series): a metric registered with it, before or after,
   * throws ERR_INVALID_OPTION.
   */
  reserveLabel(label: string): void {
    for (const metric of this.#metrics) checkUnreserved(metric, new Set([label]));
    this.#reservedLabels.add(label);
  }

  /** Every metric as a scrape sees it now (collect callbacks run first). */
  collect(): MetricSnapshot[] {
    return this.#metrics.map((metric) => metric.collect());
  }

  /** The exposition text of every metric (Prometheus text format 0.0.4). */
  metrics(): string {
    return serializeMetrics(this.collect());
  }
}

function checkUnreserved(metric: Metric<unknown>, reserved: ReadonlySet<string>): void {
  const label = metric.labelNames.find((name) => reserved.has(name));
  if (label === undefined) return;
  throw new SignwireError('ERR_INVALID_OPTION', `metric ${metric.name} has the label ${label}, which the cluster's scrape adds to every series: rename it`);
}

/** The names a metric's samples use: its own, and for a histogram the three suffixed ones. */
function sampleNames(metric: Metric<unknown>): string[] {
  const own = [metric.name, ...HISTOGRAM_SUFFIXES.map((suffix) => metric.name + suffix)];
  return metric instanceof Histogram ? own : [metric.name];
}
