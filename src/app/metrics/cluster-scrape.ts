/**
 * A scrape of a whole cluster. In a worker of `serveCluster()` (or
 * `signwire serve --workers N`), every `createMetrics()` reports its
 * registry here (`reportRegistry`), and the worker joins the cluster's
 * scrape before it builds the App (`joinClusterScrape`); from then on
 * `metrics.handler()` answers with every worker's metrics, each series
 * labelled `worker="N"`, gathered through the primary. Outside a cluster
 * nothing is kept or joined, and a scrape shows the one process it reaches.
 * A metric with a label named `worker` of its own cannot be told apart in
 * a cluster scrape: in a worker, registering one throws ERR_INVALID_OPTION.
 *
 * Two gauges say how complete a cluster scrape is:
 * `<prefix>cluster_workers` (the workers the cluster runs) and
 * `<prefix>cluster_workers_scraped` (those whose metrics this scrape holds:
 * fewer while a worker restarts or when one did not answer in time).
 *
 * @example
 * // in a worker, before the App is built (serveCluster does this):
 * joinClusterScrape(channel);
 */
import { WORKER_ENV } from '../../cluster/messages.ts';
import type { MetricSnapshot } from './exposition.ts';
import type { Registry } from './registry.ts';
import { mergeWorkerSnapshots, WORKER_LABEL, type WorkerSnapshots } from './worker-snapshots.ts';

/** What a cluster worker offers the metrics of its process. */
export interface ClusterScrape {
  /** This worker's slot number, from 1. */
  readonly worker: number;
  /** How many workers the cluster runs. */
  readonly workers: number;
  /** Every worker's snapshots, this one's included; at worst (no answer from the primary) only this one's. */
  gather(): Promise<readonly WorkerSnapshots[]>;
}

let joined: ClusterScrape | undefined;
/** The registries of this worker's metrics; kept only in a cluster worker. */
const reported = new Set<Registry>();

/**
 * In a cluster worker, adds `registry` to what this worker reports when any
 * worker is scraped, and keeps the `worker` label for the scrape.
 *
 * @example
 * reportRegistry(metrics.registry); // createMetrics() does this
 */
export function reportRegistry(registry: Registry, env: NodeJS.ProcessEnv = process.env): void {
  if (env[WORKER_ENV] === undefined) return;
  registry.reserveLabel(WORKER_LABEL);
  reported.add(registry);
}

/**
 * The snapshots of every registry reported in this process.
 *
 * @example
 * encodeSnapshots(reportedSnapshots()); // what a worker sends the primary
 */
export function reportedSnapshots(): MetricSnapshot[] {
  return [...reported].flatMap((registry) => registry.collect());
}

/**
 * Makes this process a worker of a cluster scrape (`undefined`: not any more).
 *
 * @example
 * joinClusterScrape(workerMetricsChannel(config));
 */
export function joinClusterScrape(scrape: ClusterScrape | undefined): void {
  joined = scrape;
}

/**
 * The cluster scrape this process joined, if any.
 *
 * @example
 * clusterScrape()?.worker; // 2 in the second worker, undefined outside a cluster
 */
export function clusterScrape(): ClusterScrape | undefined {
  return joined;
}

/**
 * The snapshots of a cluster scrape: every worker's, labelled, then the two
 * gauges of the module comment (unless the workers have metrics of those
 * names themselves).
 *
 * @example
 * serializeMetrics(await scrapeCluster(scrape, 'signwire_'));
 */
export async function scrapeCluster(scrape: ClusterScrape, prefix: string): Promise<MetricSnapshot[]> {
  const reports = await scrape.gather();
  const merged = mergeWorkerSnapshots(reports);
  const taken = new Set(merged.map((metric) => metric.name));
  const gauges: MetricSnapshot[] = [
    { type: 'gauge', name: `${prefix}cluster_workers`, help: 'Worker processes the cluster runs.', samples: [{ labels: '', value: scrape.workers }] },
    {
      type: 'gauge',
      name: `${prefix}cluster_workers_scraped`,
      help: `Workers whose metrics this scrape holds, each series labelled ${WORKER_LABEL}="N".`,
      samples: [{ labels: '', value: new Set(reports.map((r) => r.worker)).size }],
    },
  ];
  return [...merged, ...gauges.filter((gauge) => !taken.has(gauge.name))];
}
