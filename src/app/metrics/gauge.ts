/**
 * A gauge: a value that goes up and down (open connections, memory in
 * use). Set it as things change, or give it a `collect` callback that reads
 * the current value at every scrape.
 *
 * @example
 * registry.gauge({ name: 'queue_depth', help: 'Jobs waiting.', collect: (g) => g.set(queue.length) });
 */
import { SignwireError } from '../../errors.ts';
import type { MetricSnapshot, Sample } from './exposition.ts';
import { Metric, type MetricOptions } from './metric.ts';

/** Options of a gauge. */
export interface GaugeOptions extends MetricOptions {
  /** Called at every scrape before the values are read: set the current value(s) here. */
  readonly collect?: (gauge: Gauge) => void;
}

/**
 * One series of a gauge (one set of label values).
 *
 * @example
 * const busy = gauge.labels('pool-a');
 * busy.inc(); // … busy.dec();
 */
export class GaugeSeries {
  #value = 0;

  /** Sets the value; NaN throws ERR_INVALID_OPTION. */
  set(value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) throw new SignwireError('ERR_INVALID_OPTION', `a gauge cannot be set to ${String(value)}`);
    this.#value = value;
  }

  inc(amount = 1): void {
    this.set(this.#value + amount);
  }

  dec(amount = 1): void {
    this.set(this.#value - amount);
  }

  get value(): number {
    return this.#value;
  }
}

/**
 * A gauge metric; see the module comment.
 *
 * @example
 * const temperature = new Registry().gauge({ name: 'room_celsius', help: 'Room temperature.' });
 * temperature.set(21.5);
 */
export class Gauge extends Metric<GaugeSeries> {
  readonly #collect: ((gauge: Gauge) => void) | undefined;

  constructor(options: GaugeOptions) {
    super(options, () => new GaugeSeries());
    this.#collect = options.collect;
  }

  /** Sets a gauge without labels. */
  set(value: number): void {
    this.unlabeled.set(value);
  }

  inc(amount = 1): void {
    this.unlabeled.inc(amount);
  }

  dec(amount = 1): void {
    this.unlabeled.dec(amount);
  }

  collect(): MetricSnapshot {
    this.#collect?.(this);
    const samples: Sample[] = [];
    for (const [labels, series] of this.series.entries()) samples.push({ labels, value: series.value });
    return { type: 'gauge', name: this.name, help: this.help, samples };
  }
}
