/**
 * The metrics of several worker processes as one scrape. Each worker's
 * snapshots travel to the worker that answers the scrape over the cluster's
 * IPC channel, which carries JSON: `encodeSnapshots` keeps `Infinity`,
 * `-Infinity` and `NaN` (which JSON would turn into `null`) as the strings
 * the exposition format writes, and `decodeSnapshots` checks the shape of
 * what arrives.
 *
 * `mergeWorkerSnapshots` labels every series with the worker it came from
 * (`worker="2"`) rather than summing: nothing is lost, a worker that
 * restarts resets only its own counters (which `rate()` handles), and sums
 * are one `sum without (worker)` away. Families keep the order of their
 * first appearance, with each worker's series together, in worker order.
 *
 * @example
 * mergeWorkerSnapshots([{ worker: 1, metrics: one.collect() }, { worker: 2, metrics: two.collect() }]);
 * // jobs_total{worker="1"} 3, jobs_total{worker="2"} 5, under one # HELP and # TYPE
 */
import { formatValue, type HistogramSeriesSnapshot, type MetricSnapshot, type Sample } from './exposition.ts';

/** The label every series of a cluster scrape carries: the slot number of its worker, from 1. */
export const WORKER_LABEL = 'worker';

/** One worker's metrics. */
export interface WorkerSnapshots {
  /** The worker's slot number, from 1. */
  readonly worker: number;
  readonly metrics: readonly MetricSnapshot[];
}

/** A value as it crosses JSON: a finite number, or `'+Inf'`, `'-Inf'`, `'NaN'`. */
type WireValue = number | string;

/**
 * `snapshots` as plain JSON data.
 *
 * @example
 * JSON.stringify(encodeSnapshots(registry.collect()));
 */
export function encodeSnapshots(snapshots: readonly MetricSnapshot[]): unknown[] {
  return snapshots.map((metric) =>
    metric.type === 'histogram'
      ? { ...metric, series: metric.series.map((s) => ({ ...s, sum: encodeValue(s.sum) })) }
      : { ...metric, samples: metric.samples.map((s) => ({ labels: s.labels, value: encodeValue(s.value) })) });
}

/**
 * The snapshots `encodeSnapshots` made, after JSON; throws `TypeError` on
 * anything else (a worker running other code, a message of the application).
 *
 * @example
 * decodeSnapshots(JSON.parse(JSON.stringify(encodeSnapshots(snapshots)))); // deep-equals snapshots
 */
export function decodeSnapshots(data: unknown): MetricSnapshot[] {
  if (!Array.isArray(data)) throw new TypeError('metric snapshots must be an array');
  return data.map((item: unknown): MetricSnapshot => {
    const metric = record(item, 'a metric');
    const name = text(metric['name'], 'name');
    const help = text(metric['help'], 'help');
    const type = metric['type'];
    if (type === 'histogram') {
      const bounds = list(metric['bounds'], 'bounds').map((b) => text(b, 'bound'));
      const series = list(metric['series'], 'series').map((s) => histogramSeries(s, bounds.length));
      return { type, name, help, bounds, series };
    }
    if (type !== 'counter' && type !== 'gauge') throw new TypeError(`metric ${name} has an unknown type`);
    const samples = list(metric['samples'], 'samples').map((s): Sample => {
      const sample = record(s, 'a sample');
      return { labels: text(sample['labels'], 'labels'), value: decodeValue(sample['value']) };
    });
    return { type, name, help, samples };
  });
}

/**
 * One family per metric name, every series labelled with its worker. A
 * worker's metric whose type (or histogram bounds) differs from the first
 * worker's that has it cannot share the family and is left out.
 *
 * @example
 * serializeMetrics(mergeWorkerSnapshots(reports));
 */
export function mergeWorkerSnapshots(reports: readonly WorkerSnapshots[]): MetricSnapshot[] {
  const families = new Map<string, MetricSnapshot>();
  for (const { worker, metrics } of [...reports].sort((a, b) => a.worker - b.worker)) {
    const label = `${WORKER_LABEL}="${worker}"`;
    for (const metric of metrics) {
      const family = families.get(metric.name);
      if (family !== undefined && !sameShape(family, metric)) continue;
      families.set(metric.name, appendLabelled(family, metric, label));
    }
  }
  return [...families.values()];
}

function appendLabelled(family: MetricSnapshot | undefined, metric: MetricSnapshot, label: string): MetricSnapshot {
  const withWorker = (labels: string): string => (labels === '' ? label : `${label},${labels}`);
  if (metric.type === 'histogram') {
    const series = metric.series.map((s) => ({ ...s, labels: withWorker(s.labels) }));
    return { ...metric, series: family?.type === 'histogram' ? [...family.series, ...series] : series };
  }
  const samples = metric.samples.map((s) => ({ labels: withWorker(s.labels), value: s.value }));
  return { ...metric, samples: family !== undefined && family.type !== 'histogram' ? [...family.samples, ...samples] : samples };
}

function sameShape(a: MetricSnapshot, b: MetricSnapshot): boolean {
  if (a.type !== b.type) return false;
  if (a.type !== 'histogram' || b.type !== 'histogram') return true;
  return a.bounds.length === b.bounds.length && a.bounds.every((bound, i) => bound === b.bounds[i]);
}

function histogramSeries(item: unknown, bounds: number): HistogramSeriesSnapshot {
  const series = record(item, 'a histogram series');
  const counts = list(series['counts'], 'counts').map((c) => finite(c, 'count'));
  if (counts.length !== bounds + 1) throw new TypeError('a histogram series needs one count per bound and one above');
  return { labels: text(series['labels'], 'labels'), counts, sum: decodeValue(series['sum']), count: finite(series['count'], 'count') };
}

function encodeValue(value: number): WireValue {
  return Number.isFinite(value) ? value : formatValue(value);
}

function decodeValue(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  if (value === 'NaN') return NaN;
  throw new TypeError('a metric value must be a finite number, "+Inf", "-Inf" or "NaN"');
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`expected ${what}`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${what} must be a finite number`);
  return value;
}
