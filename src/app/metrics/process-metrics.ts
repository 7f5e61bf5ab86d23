/**
 * A few process metrics, read at scrape time from Node's own counters (no
 * dependency): CPU time, resident memory, start time, and event-loop lag.
 * The names are the ones Prometheus client libraries use, so existing
 * dashboards work.
 *
 * Event-loop lag comes from `perf_hooks.monitorEventLoopDelay`, whose timer
 * fires every 20 ms: the gauge is the 99th percentile of how late it fired
 * since the previous scrape. `stop()` turns the monitor off.
 *
 * @example
 * const stop = registerProcessMetrics(registry);
 * // … on shutdown
 * stop();
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Registry } from './registry.ts';

const LAG_RESOLUTION_MS = 20;
const NS_PER_S = 1e9;

/**
 * Registers `process_cpu_seconds_total`, `process_resident_memory_bytes`,
 * `process_start_time_seconds` and `nodejs_eventloop_lag_p99_seconds`;
 * returns a function that stops the event-loop monitor.
 *
 * @example
 * registerProcessMetrics(new Registry());
 */
export function registerProcessMetrics(registry: Registry): () => void {
  let cpuSeen = 0;
  registry.counter({
    name: 'process_cpu_seconds_total',
    help: 'User and system CPU time spent, in seconds.',
    collect: (counter) => {
      const usage = process.cpuUsage();
      const total = (usage.user + usage.system) / 1e6;
      counter.inc(Math.max(0, total - cpuSeen));
      cpuSeen = total;
    },
  });
  registry.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size, in bytes.', collect: (g) => g.set(process.memoryUsage.rss()) });
  const started = Math.round(Date.now() / 1000 - process.uptime());
  registry.gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch, in seconds.' }).set(started);
  return registerEventLoopLag(registry);
}

function registerEventLoopLag(registry: Registry): () => void {
  const delay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  delay.enable();
  registry.gauge({
    name: 'nodejs_eventloop_lag_p99_seconds',
    help: '99th percentile of event-loop lag since the previous scrape, in seconds.',
    collect: (gauge) => {
      const lateNs = delay.count === 0 ? 0 : delay.percentile(99) - LAG_RESOLUTION_MS * 1e6;
      gauge.set(Math.max(0, lateNs) / NS_PER_S);
      delay.reset();
    },
  });
  return () => delay.disable();
}
