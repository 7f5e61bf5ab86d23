/**
 * A counter: a value that only goes up (requests served, failures seen),
 * from zero when the process starts. Rates come from Prometheus
 * (`rate(x_total[5m])`), not from here.
 *
 * @example
 * const jobs = registry.counter({ name: 'jobs_total', help: 'Jobs run, by queue.', labelNames: ['queue'] });
 * jobs.labels('mail').inc();
 */
import { SignwireError } from '../../errors.ts';
import type { MetricSnapshot, Sample } from './exposition.ts';
import { Metric, type MetricOptions } from './metric.ts';

/** Options of a counter. */
export interface CounterOptions extends MetricOptions {
  /** Called at every scrape before the values are read, e.g. to add what an outside source counted. */
  readonly collect?: (counter: Counter) => void;
}

/**
 * One series of a counter (one set of label values).
 *
 * @example
 * const failures = counter.labels('ERR_SIG_MISSING');
 * failures.inc();
 */
export class CounterSeries {
  #value = 0;

  /** Adds `amount` (default 1); a negative or non-finite amount throws ERR_INVALID_OPTION. */
  inc(amount = 1): void {
    if (!(amount >= 0 && amount < Infinity)) throw new SignwireError('ERR_INVALID_OPTION', `a counter cannot add ${String(amount)}`);
    this.#value += amount;
  }

  get value(): number {
    return this.#value;
  }
}

/**
 * A counter metric; see the module comment.
 *
 * @example
 * const restarts = new Registry().counter({ name: 'restarts_total', help: 'Worker restarts.' });
 * restarts.inc();
 */
export class Counter extends Metric<CounterSeries> {
  readonly #collect: ((counter: Counter) => void) | undefined;

  constructor(options: CounterOptions) {
    super(options, () => new CounterSeries());
    this.#collect = options.collect;
  }

  /** Adds `amount` (default 1) to a counter without labels. */
  inc(amount = 1): void {
    this.unlabeled.inc(amount);
  }

  collect(): MetricSnapshot {
    this.#collect?.(this);
    const samples: Sample[] = [];
    for (const [labels, series] of this.series.entries()) samples.push({ labels, value: series.value });
    return { type: 'counter', name: this.name, help: this.help, samples };
  }
}
