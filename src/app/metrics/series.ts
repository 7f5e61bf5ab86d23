/**
 * The series of one metric, by label values, with a cap on how many there
 * may be. A label set seen for the first time once the cap is reached does
 * not add a series: it is recorded in one overflow series, every label of
 * which is `"__overflow__"`. Totals stay right (summing over the series
 * still counts every request) while memory and scrape size stay bounded.
 *
 * @example
 * const series = new SeriesMap(['route'], 2, () => ({ n: 0 }));
 * series.get(['/a']).n++; series.get(['/b']).n++;
 * series.get(['/c']).n++; // the overflow series: route="__overflow__"
 */
import { SignwireError } from '../../errors.ts';
import { formatLabels } from './labels.ts';

/** The label value of the series that takes every label set past the cap. */
export const OVERFLOW_LABEL = '__overflow__';

/** Distinct label sets a metric holds by default, before the overflow series. */
export const DEFAULT_MAX_SERIES = 1000;

/**
 * Series by label values, capped; see the module comment.
 *
 * @example
 * new SeriesMap(['code'], 100, () => new CounterSeries()).get(['ERR_SIG_MISSING']).inc();
 */
export class SeriesMap<T> {
  readonly labelNames: readonly string[];
  readonly maxSeries: number;
  /** By the formatted label text, which is also what a scrape prints. */
  readonly #series = new Map<string, T>();
  readonly #create: () => T;
  #overflow: T | undefined;

  constructor(labelNames: readonly string[], maxSeries: number, create: () => T) {
    if (!Number.isSafeInteger(maxSeries) || maxSeries < 1) {
      throw new SignwireError('ERR_INVALID_OPTION', `maxSeries must be a positive integer, got ${String(maxSeries)}`);
    }
    this.labelNames = labelNames;
    this.maxSeries = maxSeries;
    this.#create = create;
  }

  /** The series for these label values (one per label name, in order), created on first use. */
  get(values: readonly string[]): T {
    if (values.length !== this.labelNames.length || values.some((v) => typeof v !== 'string')) {
      throw new SignwireError('ERR_INVALID_OPTION', `expected ${this.labelNames.length} string label value(s) (${this.labelNames.join(', ')})`);
    }
    const key = formatLabels(this.labelNames, values);
    const found = this.#series.get(key);
    if (found !== undefined) return found;
    if (this.#series.size >= this.maxSeries) return (this.#overflow ??= this.#create());
    const created = this.#create();
    this.#series.set(key, created);
    return created;
  }

  /** Every series with its label text, in creation order; the overflow series last. */
  *entries(): IterableIterator<[labels: string, series: T]> {
    yield* this.#series;
    if (this.#overflow !== undefined) yield [formatLabels(this.labelNames, this.labelNames.map(() => OVERFLOW_LABEL)), this.#overflow];
  }

  /** How many series exist, the overflow series included. */
  get size(): number {
    return this.#series.size + (this.#overflow === undefined ? 0 : 1);
  }
}
