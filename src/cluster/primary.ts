/**
 * The primary: forks one worker per slot, hands each the TLS options when it
 * asks (HTTPS; see tls-options.ts), restarts a worker that dies (after
 * the slot's backoff, with a log line naming the worker and its exit code or
 * signal), gives up when a worker cannot start, and shuts down on SIGTERM,
 * SIGINT or an aborted `signal`: it forwards the signal to every worker,
 * waits for them to drain, kills what is left after `graceMs` plus a margin,
 * and resolves with the exit code (see `EXIT_CODES`).
 *
 * With `reloadTls` (HTTPS), SIGHUP renews the certificate: the primary asks
 * for the new options and sends them to every worker (a "tls" message, as at
 * start), and a worker forked later receives them too. A reload that fails
 * is logged, and the workers keep the options they have. A SIGHUP during a
 * reload makes one more reload after it (see coalesced.ts).
 *
 * Repeated signals are ignored, not escalated: `npm start` and a terminal's
 * Ctrl-C can each deliver one, and the hard deadline bounds the wait anyway.
 */
import cluster, { type Worker } from 'node:cluster';
import { coalesced } from '../coalesced.ts';
import type { Balancing } from './balancing.ts';
import { isWorkerMessage, WORKER_ENV, type PrimaryMessage, type WorkerConfig } from './messages.ts';
import { MetricsGatherer, type GatherPeer } from './metrics-gather.ts';
import { EXIT_CODES, type ClusterInfo } from './options.ts';
import { WorkerSlot, type RestartPolicy } from './slot.ts';
import type { EncodedTls } from './tls-options.ts';

/** Everything the primary needs, resolved and validated by `serveCluster()`. */
export interface PrimarySettings {
  readonly workers: number;
  readonly port: number;
  readonly host: string;
  readonly graceMs: number;
  readonly balancing: Balancing;
  readonly policy: RestartPolicy;
  /** Module mode: the App module, and the worker entry script that loads it. */
  readonly module?: { readonly path: string; readonly exec: string };
  /** HTTPS: the checked TLS options, encoded for the IPC channel; sent to each worker that asks. */
  readonly tls?: EncodedTls | undefined;
  /** HTTPS: the new options on SIGHUP, checked and encoded; rejects (with the reason) when they cannot serve. */
  readonly reloadTls?: (() => Promise<EncodedTls>) | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onReady?: ((info: ClusterInfo) => void) | undefined;
  readonly log: (line: string, level: 'info' | 'error') => void;
}

/** Beyond `graceMs`, how long workers get to exit before they are killed. */
const EXIT_MARGIN_MS = 2_000;

/**
 * Runs the cluster until it is shut down; resolves with the exit code.
 *
 * @example
 * const code = await runPrimary({ workers: 2, port: 8000, host: '127.0.0.1', graceMs: 5000,
 *   balancing: 'round-robin', policy: DEFAULT_RESTART_POLICY, log: console.log });
 */
export function runPrimary(settings: PrimarySettings): Promise<number> {
  return new Primary(settings).run();
}

class Primary {
  readonly #settings: PrimarySettings;
  readonly #slots: WorkerSlot[];
  readonly #workers = new Map<WorkerSlot, Worker>();
  readonly #restarts = new Map<WorkerSlot, NodeJS.Timeout>();
  readonly #gatherer = new MetricsGatherer();
  /** The TLS options workers are given: the settings' own until a reload replaces them. */
  #tls: EncodedTls | undefined;
  #ready = false;
  #stopping = false;
  #exitCode: number = EXIT_CODES.ok;
  #deadline: NodeJS.Timeout | undefined;
  #finish: (code: number) => void = () => {};

  constructor(settings: PrimarySettings) {
    this.#settings = settings;
    this.#tls = settings.tls;
    this.#slots = Array.from({ length: settings.workers }, (_, i) => new WorkerSlot(i + 1, settings.policy));
  }

  run(): Promise<number> {
    const done = new Promise<number>((resolve) => (this.#finish = resolve));
    cluster.schedulingPolicy = cluster.SCHED_RR;
    if (this.#settings.module !== undefined) cluster.setupPrimary({ exec: this.#settings.module.exec, args: [] });
    const stop = (signal: NodeJS.Signals) => () => this.#stop(signal);
    const [onTerm, onInt, onAbort] = [stop('SIGTERM'), stop('SIGINT'), stop('SIGTERM')];
    const onHup = coalesced(() => this.#reloadTls());
    process.on('SIGTERM', onTerm).on('SIGINT', onInt);
    if (this.#settings.reloadTls !== undefined) process.on('SIGHUP', onHup);
    this.#settings.signal?.addEventListener('abort', onAbort, { once: true });
    for (const slot of this.#slots) this.#fork(slot);
    if (this.#settings.signal?.aborted === true) this.#stop('SIGTERM');
    return done.finally(() => {
      process.off('SIGTERM', onTerm).off('SIGINT', onInt).off('SIGHUP', onHup);
      this.#settings.signal?.removeEventListener('abort', onAbort);
    });
  }

  #fork(slot: WorkerSlot): void {
    const { port, host, graceMs, balancing, workers, module } = this.#settings;
    const config: WorkerConfig = {
      id: slot.id, port, host, graceMs, balancing, workers,
      ...(module !== undefined && { module: module.path }),
      ...(this.#tls !== undefined && { tls: true }),
    };
    const worker = cluster.fork({ [WORKER_ENV]: JSON.stringify(config) });
    slot.started(Date.now());
    this.#workers.set(slot, worker);
    this.#watch(slot, worker);
  }

  /** Follows one worker from its fork: listening (or not in time), its failure message, its exit. */
  #watch(slot: WorkerSlot, worker: Worker): void {
    const { startupTimeoutMs } = this.#settings.policy;
    let failure: string | undefined;
    const startup = setTimeout(() => {
      this.#settings.log(`worker ${slot.id} (pid ${worker.process.pid}) did not listen within ${startupTimeoutMs} ms; killing it`, 'error');
      worker.process.kill('SIGKILL');
    }, startupTimeoutMs);
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.signwire === 'metrics-gather') return this.#gatherer.start(peer(worker), message.request, this.#listeningPeers());
      if (message.signwire === 'metrics-report') return this.#gatherer.report(slot.id, message.gather, message.metrics);
      if (message.signwire === 'tls-wanted') return this.#sendTls(worker);
      if (message.signwire === 'failed') failure = message.message;
      if (message.signwire !== 'listening') return;
      clearTimeout(startup);
      slot.listened(Date.now());
      this.#checkReady();
    });
    worker.on('error', (error: Error) => this.#settings.log(`worker ${slot.id}: ${error.message}`, 'error'));
    worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(startup);
      this.#workers.delete(slot);
      this.#gatherer.forget(slot.id);
      this.#exited(slot, worker, { code, signal, failure });
    });
  }

  #exited(slot: WorkerSlot, worker: Worker, exit: { code: number | null; signal: NodeJS.Signals | null; failure: string | undefined }): void {
    const how = `worker ${slot.id} (pid ${worker.process.pid}) ${exit.signal === null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`}`;
    const why = exit.failure === undefined ? '' : `: ${exit.failure}`;
    if (this.#stopping) {
      // A worker that never listened had nothing in flight: only one that served can stop badly.
      if (exit.code !== 0 && slot.listening) this.#fail(`${how} during shutdown${why}`);
      return this.#checkAllExited();
    }
    const decision = slot.exited(Date.now(), this.#ready);
    if (decision.action === 'give-up') {
      this.#fail(`${how}${why}; giving up: ${decision.reason}`);
      return this.#stop('SIGTERM', false);
    }
    this.#settings.log(`${how}${why}; restarting it in ${decision.delayMs} ms`, 'error');
    this.#restarts.set(slot, setTimeout(() => {
      this.#restarts.delete(slot);
      this.#fork(slot);
    }, decision.delayMs));
  }

  #sendTls(worker: Worker): void {
    const tls = this.#tls;
    if (tls !== undefined && worker.isConnected()) worker.send({ signwire: 'tls', options: tls } satisfies PrimaryMessage);
  }

  /** SIGHUP: new TLS options for every worker (one reload at a time: `run` makes it `coalesced`). */
  async #reloadTls(): Promise<void> {
    const { reloadTls, log } = this.#settings;
    if (reloadTls === undefined || this.#stopping) return;
    try {
      this.#tls = await reloadTls();
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
      log(`TLS reload failed, the workers keep their certificate: ${reason}`, 'error');
      return;
    }
    for (const worker of this.#workers.values()) this.#sendTls(worker);
    log(`TLS reloaded: new connections get the renewed certificate (${this.#workers.size} worker${this.#workers.size === 1 ? '' : 's'})`, 'info');
  }

  /** The workers that are listening, by slot number: those a cluster scrape asks. */
  #listeningPeers(): Array<[number, GatherPeer]> {
    return [...this.#workers].filter(([slot]) => slot.listening).map(([slot, worker]) => [slot.id, peer(worker)]);
  }

  #checkReady(): void {
    if (this.#ready || this.#stopping || !this.#slots.every((slot) => slot.everListened)) return;
    this.#ready = true;
    const { port, host, workers, balancing, onReady } = this.#settings;
    const pids = this.#slots.map((slot) => this.#workers.get(slot)?.process.pid ?? 0);
    onReady?.({ port, host, workers, balancing, pids, tls: this.#tls !== undefined });
  }

  #stop(signal: NodeJS.Signals, asked = true): void {
    if (this.#stopping) return;
    this.#stopping = true;
    if (asked) this.#settings.log('Shutting down ...', 'info');
    for (const timer of this.#restarts.values()) clearTimeout(timer);
    this.#restarts.clear();
    for (const worker of this.#workers.values()) worker.process.kill(signal);
    const limit = this.#settings.graceMs + EXIT_MARGIN_MS;
    this.#deadline = setTimeout(() => {
      for (const [slot, worker] of this.#workers) {
        this.#fail(`worker ${slot.id} (pid ${worker.process.pid}) did not stop within ${limit} ms; killing it`);
        worker.process.kill('SIGKILL');
      }
    }, limit);
    this.#checkAllExited();
  }

  #checkAllExited(): void {
    if (!this.#stopping || this.#workers.size > 0) return;
    clearTimeout(this.#deadline);
    this.#finish(this.#exitCode);
  }

  #fail(line: string): void {
    this.#exitCode = EXIT_CODES.failure;
    this.#settings.log(line, 'error');
  }
}

function peer(worker: Worker): GatherPeer {
  return { send: (message) => worker.send(message), isConnected: () => worker.isConnected() };
}
