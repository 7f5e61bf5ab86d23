/**
 * Observability: Prometheus metrics (a registry of counters, gauges and
 * histograms, the request middleware, the text exposition format) and a
 * health endpoint.
 */
export { createMetrics, Metrics, type MetricsHandlerOptions, type MetricsOptions, type ObservedServer } from './metrics.ts';
export { health, type HealthCheck, type HealthOptions, type HealthReport, type CheckResult } from './health.ts';
export { Registry } from './registry.ts';
export { Metric, type MetricOptions } from './metric.ts';
export { Counter, CounterSeries, type CounterOptions } from './counter.ts';
export { Gauge, GaugeSeries, type GaugeOptions } from './gauge.ts';
export { Histogram, HistogramSeries, DEFAULT_BUCKETS, type HistogramOptions } from './histogram.ts';
export { DEFAULT_MAX_SERIES, OVERFLOW_LABEL } from './series.ts';
export { requestMetrics, type RequestMetricSet } from './request-metrics.ts';
export { registerProcessMetrics } from './process-metrics.ts';
export {
  EXPOSITION_CONTENT_TYPE,
  serializeMetrics,
  formatValue,
  type MetricSnapshot,
  type Sample,
  type HistogramSeriesSnapshot,
} from './exposition.ts';
export { escapeLabelValue, escapeHelp } from './labels.ts';
