/**
 * A worker's side of the cluster scrape (see `src/app/metrics/cluster-scrape.ts`
 * for what a scrape shows, messages.ts for the exchange): it answers the
 * primary's "metrics-collect" with the snapshots of the registries the
 * worker's metrics reported, and when this worker is scraped it asks the
 * primary to gather every worker's.
 *
 * A scrape never fails for want of the others: if the primary has not
 * answered within `timeoutMs` (it waits at most `COLLECT_TIMEOUT_MS` for
 * the workers), or the channel is closed, the scrape holds this worker's
 * metrics alone, and `cluster_workers_scraped` says 1.
 *
 * @example
 * joinClusterScrape(workerMetricsChannel(config));
 */
import { reportedSnapshots, type ClusterScrape } from '../app/metrics/cluster-scrape.ts';
import type { MetricSnapshot } from '../app/metrics/exposition.ts';
import { decodeSnapshots, encodeSnapshots, type WorkerSnapshots } from '../app/metrics/worker-snapshots.ts';
import { COLLECT_TIMEOUT_MS } from './metrics-gather.ts';
import { isPrimaryMessage, type PrimaryMessage, type WorkerConfig, type WorkerMessage } from './messages.ts';

/** How long a scraped worker waits for the primary's gathering: the primary's own wait, and a margin. */
export const GATHER_TIMEOUT_MS = COLLECT_TIMEOUT_MS + 1_000;

/** The IPC a worker has: `process` in a forked worker; a stand-in in tests. */
export interface WorkerPort {
  send(message: WorkerMessage): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  readonly connected: boolean;
}

/**
 * The cluster scrape of worker `config.id`, listening on `port` (default the process's channel).
 *
 * @example
 * joinClusterScrape(workerMetricsChannel(config));
 */
export function workerMetricsChannel(config: WorkerConfig, port: WorkerPort = processPort(), timeoutMs = GATHER_TIMEOUT_MS): ClusterScrape {
  return new WorkerMetricsChannel(config, port, timeoutMs);
}

class WorkerMetricsChannel implements ClusterScrape {
  readonly worker: number;
  readonly workers: number;
  readonly #port: WorkerPort;
  readonly #timeoutMs: number;
  readonly #waiting = new Map<number, (reports: readonly WorkerSnapshots[] | undefined) => void>();
  #nextRequest = 1;

  constructor(config: WorkerConfig, port: WorkerPort, timeoutMs: number) {
    this.worker = config.id;
    this.workers = config.workers;
    this.#port = port;
    this.#timeoutMs = timeoutMs;
    port.on('message', (message) => {
      if (isPrimaryMessage(message)) this.#receive(message);
    });
  }

  async gather(): Promise<readonly WorkerSnapshots[]> {
    const own = (): WorkerSnapshots[] => [{ worker: this.worker, metrics: this.#collect() }];
    if (!this.#port.connected) return own();
    const request = this.#nextRequest++;
    const reports = await new Promise<readonly WorkerSnapshots[] | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), this.#timeoutMs);
      const settle = (value: readonly WorkerSnapshots[] | undefined): void => {
        clearTimeout(timer);
        this.#waiting.delete(request);
        resolve(value);
      };
      this.#waiting.set(request, settle);
      this.#send({ signwire: 'metrics-gather', request });
    });
    return reports ?? own();
  }

  #receive(message: PrimaryMessage): void {
    if (message.signwire === 'metrics-collect') {
      let metrics: unknown[] | null;
      try {
        metrics = encodeSnapshots(this.#collect());
      } catch {
        metrics = null; // a collect callback threw: the primary leaves this worker out
      }
      this.#send({ signwire: 'metrics-report', gather: message.gather, metrics });
      return;
    }
    if (message.signwire === 'metrics-gathered') this.#waiting.get(message.request)?.(decodeReports(message.reports));
  }

  #collect(): MetricSnapshot[] {
    return reportedSnapshots();
  }

  #send(message: WorkerMessage): void {
    try {
      if (this.#port.connected) this.#port.send(message);
    } catch {
      // the channel closed under us: the scrape falls back to this worker's metrics
    }
  }
}

/** The reports that decode; one that does not (a worker running other code) is left out. */
function decodeReports(reports: ReadonlyArray<{ readonly worker: number; readonly metrics: unknown[] }>): WorkerSnapshots[] {
  const decoded: WorkerSnapshots[] = [];
  for (const { worker, metrics } of reports) {
    try {
      decoded.push({ worker, metrics: decodeSnapshots(metrics) });
    } catch {
      // left out: cluster_workers_scraped counts one fewer
    }
  }
  return decoded;
}

function processPort(): WorkerPort {
  return {
    send: (message) => process.send?.(message),
    on: (event, listener) => process.on(event, listener),
    get connected() {
      return process.connected;
    },
  };
}
