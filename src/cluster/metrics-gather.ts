/**
 * The primary's side of the cluster scrape (messages.ts has the exchange):
 * when a worker asks, send "metrics-collect" to every worker that is
 * listening, and hand the reports back to the one that asked once all have
 * answered, or after `COLLECT_TIMEOUT_MS` with those that did. A worker
 * that exits stops being waited for. At most `MAX_GATHERS` gatherings run
 * at once; a worker asking past that gets no answer, and its scrape holds
 * its own metrics only.
 *
 * @example
 * const gatherer = new MetricsGatherer();
 * gatherer.start(asker, request, [[1, one], [2, two]]); // then report() as answers arrive
 */
import type { PrimaryMessage } from './messages.ts';

/** How long the primary waits for the workers' reports. */
export const COLLECT_TIMEOUT_MS = 1_000;

/** Gatherings in progress at most (scrapes are seconds apart; this bounds a misbehaving app). */
export const MAX_GATHERS = 16;

/** What the gatherer needs of a worker: its IPC. */
export interface GatherPeer {
  send(message: PrimaryMessage): unknown;
  isConnected(): boolean;
}

interface Gathering {
  readonly asker: GatherPeer;
  readonly request: number;
  /** The slots not heard from yet. */
  readonly pending: Set<number>;
  readonly reports: Array<{ worker: number; metrics: unknown[] }>;
  readonly timer: NodeJS.Timeout;
}

/**
 * The gatherings in progress; see the module comment.
 *
 * @example
 * worker.on('message', (m) => { if (isWorkerMessage(m) && m.signwire === 'metrics-report') gatherer.report(slot.id, m.gather, m.metrics); });
 */
export class MetricsGatherer {
  readonly #gatherings = new Map<number, Gathering>();
  readonly #timeoutMs: number;
  #next = 1;

  constructor(timeoutMs = COLLECT_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs;
  }

  /** Worker `asker` asked (its `request`): ask `workers` (slot number, peer), the asker among them. */
  start(asker: GatherPeer, request: number, workers: Iterable<readonly [number, GatherPeer]>): void {
    if (this.#gatherings.size >= MAX_GATHERS) return;
    const gather = this.#next++;
    const live = [...workers].filter(([, peer]) => peer.isConnected());
    const timer = setTimeout(() => this.#finish(gather), this.#timeoutMs);
    timer.unref();
    this.#gatherings.set(gather, { asker, request, pending: new Set(live.map(([slot]) => slot)), reports: [], timer });
    for (const [, peer] of live) send(peer, { signwire: 'metrics-collect', gather });
    if (live.length === 0) this.#finish(gather);
  }

  /** Slot `worker` answered gathering `gather` (`null`: it could not collect). */
  report(worker: number, gather: number, metrics: unknown[] | null): void {
    const gathering = this.#gatherings.get(gather);
    if (gathering === undefined || !gathering.pending.delete(worker)) return;
    if (metrics !== null) gathering.reports.push({ worker, metrics });
    if (gathering.pending.size === 0) this.#finish(gather);
  }

  /** Slot `worker`'s process exited: no gathering waits for it any more. */
  forget(worker: number): void {
    for (const [gather, gathering] of this.#gatherings) {
      if (gathering.pending.delete(worker) && gathering.pending.size === 0) this.#finish(gather);
    }
  }

  /** Gatherings in progress. */
  get size(): number {
    return this.#gatherings.size;
  }

  #finish(gather: number): void {
    const gathering = this.#gatherings.get(gather);
    if (gathering === undefined) return;
    this.#gatherings.delete(gather);
    clearTimeout(gathering.timer);
    if (gathering.asker.isConnected()) send(gathering.asker, { signwire: 'metrics-gathered', request: gathering.request, reports: gathering.reports });
  }
}

function send(peer: GatherPeer, message: PrimaryMessage): void {
  try {
    peer.send(message);
  } catch {
    // the worker is going away: it is forgotten when it exits
  }
}
