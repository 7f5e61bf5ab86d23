/**
 * The Prometheus text exposition format, version 0.0.4: what a scrape of
 * `/metrics` returns. A pure function of metric snapshots.
 *
 *     # HELP <name> <escaped help>
 *     # TYPE <name> counter|gauge|histogram
 *     <name>{<label>="<escaped value>",…} <value>
 *
 * A histogram prints, per series, one `<name>_bucket` sample per upper
 * bound with the cumulative count (`le="+Inf"` last, equal to the count),
 * then `<name>_sum` and `<name>_count`. Values are Go-style floats: `+Inf`,
 * `-Inf`, `NaN`. Every line ends with a line feed.
 *
 * @example
 * serializeMetrics([{ type: 'counter', name: 'jobs_total', help: 'Jobs run.', samples: [{ labels: '', value: 3 }] }]);
 * // '# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 3\n'
 */
import { escapeHelp } from './labels.ts';

/** The media type of the text format, for the `Content-Type` of a scrape. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample: its label text (between the braces, "" for none) and its value. */
export interface Sample {
  readonly labels: string;
  readonly value: number;
}

/** One histogram series: counts per bucket (not cumulative; the last is above every bound), sum and count. */
export interface HistogramSeriesSnapshot {
  readonly labels: string;
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** A metric as a scrape sees it. */
export type MetricSnapshot =
  | { readonly type: 'counter' | 'gauge'; readonly name: string; readonly help: string; readonly samples: readonly Sample[] }
  | {
      readonly type: 'histogram';
      readonly name: string;
      readonly help: string;
      /** Upper bounds, ascending, without `+Inf`; each already formatted as its `le` value. */
      readonly bounds: readonly string[];
      readonly series: readonly HistogramSeriesSnapshot[];
    };

/**
 * The exposition text of `snapshots`, in order.
 *
 * @example
 * const text = serializeMetrics(registry.collect());
 */
export function serializeMetrics(snapshots: readonly MetricSnapshot[]): string {
  let text = '';
  for (const metric of snapshots) {
    text += `# HELP ${metric.name} ${escapeHelp(metric.help)}\n# TYPE ${metric.name} ${metric.type}\n`;
    if (metric.type === 'histogram') {
      for (const series of metric.series) text += histogramLines(metric.name, metric.bounds, series);
    } else {
      for (const sample of metric.samples) text += sampleLine(metric.name, sample.labels, sample.value);
    }
  }
  return text;
}

function histogramLines(name: string, bounds: readonly string[], series: HistogramSeriesSnapshot): string {
  const comma = series.labels === '' ? '' : ',';
  let text = '';
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    cumulative += series.counts[i] ?? 0;
    text += sampleLine(`${name}_bucket`, `${series.labels}${comma}le="${bounds[i]}"`, cumulative);
  }
  text += sampleLine(`${name}_bucket`, `${series.labels}${comma}le="+Inf"`, series.count);
  return text + sampleLine(`${name}_sum`, series.labels, series.sum) + sampleLine(`${name}_count`, series.labels, series.count);
}

function sampleLine(name: string, labels: string, value: number): string {
  return labels === '' ? `${name} ${formatValue(value)}\n` : `${name}{${labels}} ${formatValue(value)}\n`;
}

/**
 * A value as the format writes it: `+Inf`, `-Inf`, `NaN`, or the shortest
 * decimal that reads back as the same double.
 *
 * @example
 * formatValue(Infinity); // '+Inf'
 * formatValue(0.25);     // '0.25'
 */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}
