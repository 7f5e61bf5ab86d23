/**
 * What counters, gauges and histograms share: a checked name and help
 * text, label names, and their series by label values, bounded by
 * `maxSeries` (see `SeriesMap`). A metric without labels has its one series
 * from the start, so a scrape shows it at zero before anything happened.
 *
 * @example
 * const requests = registry.counter({ name: 'jobs_total', help: 'Jobs run.', labelNames: ['queue'] });
 * const mail = requests.labels('mail'); // keep the child: later calls are a field update
 * mail.inc();
 */
import { SignwireError } from '../../errors.ts';
import type { MetricSnapshot } from './exposition.ts';
import { checkLabelNames, checkMetricName } from './labels.ts';
import { DEFAULT_MAX_SERIES, SeriesMap } from './series.ts';

/** Options every metric takes. */
export interface MetricOptions {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`; counters end in `_total` by convention. */
  readonly name: string;
  /** One line saying what is measured, and in which unit. */
  readonly help: string;
  /** Label names, in the order `labels(...)` takes their values. Default none. */
  readonly labelNames?: readonly string[];
  /** Distinct label sets kept before the overflow series takes the rest; default 1000. */
  readonly maxSeries?: number;
}

const NO_VALUES: readonly string[] = Object.freeze([]);

/**
 * The base of `Counter`, `Gauge` and `Histogram`; `Registry.register()` takes any subclass.
 *
 * @example
 * registry.register(new Counter({ name: 'jobs_total', help: 'Jobs run.' }));
 */
export abstract class Metric<S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly series: SeriesMap<S>;
  readonly #unlabeled: S | undefined;

  constructor(options: MetricOptions, create: () => S, reservedLabels: readonly string[] = []) {
    if (typeof options !== 'object' || options === null) throw new SignwireError('ERR_INVALID_OPTION', 'metric options must be an object');
    this.name = checkMetricName(options.name);
    if (typeof options.help !== 'string' || options.help === '') throw new SignwireError('ERR_INVALID_OPTION', `metric ${this.name} needs help text`);
    this.help = options.help;
    this.labelNames = checkLabelNames(options.labelNames ?? NO_VALUES, reservedLabels);
    this.series = new SeriesMap(this.labelNames, options.maxSeries ?? DEFAULT_MAX_SERIES, create);
    this.#unlabeled = this.labelNames.length === 0 ? this.series.get(NO_VALUES) : undefined;
  }

  /** The series for these label values, one per label name in order; created on first use. */
  labels(...values: string[]): S {
    return this.series.get(values);
  }

  /** The series of a metric without labels. */
  protected get unlabeled(): S {
    if (this.#unlabeled !== undefined) return this.#unlabeled;
    throw new SignwireError('ERR_INVALID_OPTION', `metric ${this.name} has labels (${this.labelNames.join(', ')}): use labels(...)`);
  }

  /** The metric as a scrape sees it now. */
  abstract collect(): MetricSnapshot;
}
