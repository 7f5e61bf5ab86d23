/**
 * A histogram: observations (request durations, in seconds) counted into
 * fixed buckets by upper bound, with their sum and count. Buckets are fixed
 * when the histogram is made, so every series has the same bounds and
 * Prometheus can aggregate them (`histogram_quantile`).
 *
 * @example
 * const took = registry.histogram({ name: 'job_duration_seconds', help: 'Job run time.', buckets: [0.1, 1, 10] });
 * took.observe(0.42);
 */
import { SignwireError } from '../../errors.ts';
import { formatValue, type HistogramSeriesSnapshot as SeriesSnapshot, type MetricSnapshot } from './exposition.ts';
import { Metric, type MetricOptions } from './metric.ts';

/** Default buckets, in seconds: 1 ms to 10 s, for request latency. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** Options of a histogram. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, finite and strictly ascending (`+Inf` is implied); default `DEFAULT_BUCKETS`. */
  readonly buckets?: readonly number[];
}

/**
 * One series of a histogram (one set of label values).
 *
 * @example
 * const get = histogram.labels('GET');
 * get.observe(0.012);
 */
export class HistogramSeries {
  readonly #bounds: readonly number[];
  /** Per bucket, not cumulative; the last slot is above every bound. */
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /** Counts `value` into the first bucket whose bound is ≥ it; NaN throws ERR_INVALID_OPTION. */
  observe(value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new SignwireError('ERR_INVALID_OPTION', `a histogram cannot observe ${String(value)}`);
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#sum += value;
    this.#count++;
  }

  /** Its state now, for a scrape. */
  snapshot(labels: string): SeriesSnapshot {
    return { labels, counts: this.#counts.slice(), sum: this.#sum, count: this.#count };
  }
}

/**
 * A histogram metric; see the module comment.
 *
 * @example
 * const size = new Registry().histogram({ name: 'body_bytes', help: 'Request body sizes.', buckets: [1e3, 1e4, 1e5, 1e6] });
 * size.observe(2048);
 */
export class Histogram extends Metric<HistogramSeries> {
  readonly buckets: readonly number[];
  readonly #le: readonly string[];

  constructor(options: HistogramOptions) {
    const buckets = checkBuckets(options.buckets ?? DEFAULT_BUCKETS);
    super(options, () => new HistogramSeries(buckets), ['le']);
    this.buckets = buckets;
    this.#le = buckets.map(formatValue);
  }

  /** Observes a value on a histogram without labels. */
  observe(value: number): void {
    this.unlabeled.observe(value);
  }

  collect(): MetricSnapshot {
    const series: SeriesSnapshot[] = [];
    for (const [labels, one] of this.series.entries()) series.push(one.snapshot(labels));
    return { type: 'histogram', name: this.name, help: this.help, bounds: this.#le, series };
  }
}

function checkBuckets(buckets: readonly number[]): readonly number[] {
  const ok =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every((b, i) => typeof b === 'number' && Number.isFinite(b) && (i === 0 || b > buckets[i - 1]!));
  if (!ok) throw new SignwireError('ERR_INVALID_OPTION', 'histogram buckets must be finite numbers in strictly ascending order');
  return Object.freeze([...buckets]);
}
