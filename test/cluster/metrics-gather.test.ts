/**
 * The cluster scrape's exchange, without processes: the primary's gatherer
 * asks every connected worker and answers the one that asked once all have
 * reported, or at its deadline with those that did, or as soon as the
 * missing ones exit; it runs a bounded number of gatherings. A worker's
 * channel answers the primary's requests with its metrics, and a scrape
 * falls back to its own metrics when the primary does not answer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from '../../src/index.ts';
import { reportRegistry } from '../../src/app/metrics/cluster-scrape.ts';
import { decodeSnapshots } from '../../src/app/metrics/worker-snapshots.ts';
import { isPrimaryMessage, isWorkerMessage, WORKER_ENV, type PrimaryMessage, type WorkerConfig, type WorkerMessage } from '../../src/cluster/messages.ts';
import { workerMetricsChannel, type WorkerPort } from '../../src/cluster/metrics-channel.ts';
import { MAX_GATHERS, MetricsGatherer, type GatherPeer } from '../../src/cluster/metrics-gather.ts';

/** A worker as the gatherer sees it: what it was sent, and whether it is connected. */
class FakePeer implements GatherPeer {
  readonly sent: PrimaryMessage[] = [];
  connected = true;
  send(message: PrimaryMessage): void {
    assert.ok(isPrimaryMessage(JSON.parse(JSON.stringify(message))), 'the primary sends what a worker accepts');
    this.sent.push(message);
  }
  isConnected(): boolean {
    return this.connected;
  }
  /** The gathering number of the last "metrics-collect" it got. */
  get lastGather(): number {
    const last = this.sent.filter((m) => m.signwire === 'metrics-collect').at(-1);
    assert.ok(last?.signwire === 'metrics-collect', 'asked to collect');
    return last.gather;
  }
  get gathered(): Extract<PrimaryMessage, { signwire: 'metrics-gathered' }>[] {
    return this.sent.filter((m) => m.signwire === 'metrics-gathered');
  }
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('MetricsGatherer (the primary)', () => {
  test('asks every connected worker, and hands all reports to the asker once the last arrives', () => {
    const [one, two, gone] = [new FakePeer(), new FakePeer(), new FakePeer()];
    gone.connected = false;
    const gatherer = new MetricsGatherer(60_000);
    gatherer.start(two, 41, [[1, one], [2, two], [3, gone]]);
    assert.equal(gone.sent.length, 0);
    const gather = one.lastGather;
    assert.equal(two.lastGather, gather);
    gatherer.report(2, gather, ['two']);
    assert.equal(two.gathered.length, 0, 'still waiting for worker 1');
    gatherer.report(1, gather, ['one']);
    assert.deepEqual(two.gathered, [{ signwire: 'metrics-gathered', request: 41, reports: [{ worker: 2, metrics: ['two'] }, { worker: 1, metrics: ['one'] }] }]);
    assert.equal(gatherer.size, 0);
    gatherer.report(1, gather, ['late']);
    assert.equal(two.gathered.length, 1, 'a late or repeated report changes nothing');
  });

  test('at the deadline, answers with the reports that came; a worker that could not collect is left out', async () => {
    const [one, two, three] = [new FakePeer(), new FakePeer(), new FakePeer()];
    const gatherer = new MetricsGatherer(30);
    gatherer.start(one, 7, [[1, one], [2, two], [3, three]]);
    gatherer.report(1, one.lastGather, ['one']);
    gatherer.report(2, two.lastGather, null);
    await wait(80);
    assert.deepEqual(one.gathered.map((m) => m.reports), [[{ worker: 1, metrics: ['one'] }]]);
    assert.equal(gatherer.size, 0);
  });

  test('stops waiting for a worker that exits', () => {
    const [one, two] = [new FakePeer(), new FakePeer()];
    const gatherer = new MetricsGatherer(60_000);
    gatherer.start(one, 1, [[1, one], [2, two]]);
    gatherer.report(1, one.lastGather, ['one']);
    gatherer.forget(2);
    assert.deepEqual(one.gathered.map((m) => m.reports.map((r) => r.worker)), [[1]]);
  });

  test('runs at most MAX_GATHERS gatherings at once; the next asker is not answered', () => {
    const asker = new FakePeer();
    const gatherer = new MetricsGatherer(60_000);
    for (let i = 0; i < MAX_GATHERS + 3; i++) gatherer.start(asker, i, [[1, asker]]);
    assert.equal(gatherer.size, MAX_GATHERS);
    assert.equal(asker.sent.length, MAX_GATHERS);
    for (const message of [...asker.sent]) if (message.signwire === 'metrics-collect') gatherer.report(1, message.gather, []);
    assert.deepEqual(asker.gathered.map((m) => m.request), Array.from({ length: MAX_GATHERS }, (_, i) => i));
  });

  test('no worker listening: the asker is answered at once with no reports', () => {
    const asker = new FakePeer();
    new MetricsGatherer(60_000).start(asker, 3, []);
    assert.deepEqual(asker.gathered, [{ signwire: 'metrics-gathered', request: 3, reports: [] }]);
  });
});

/** A worker's IPC channel, with the primary played by the test. */
class FakePort implements WorkerPort {
  readonly sent: WorkerMessage[] = [];
  connected = true;
  #listener: ((message: unknown) => void) | undefined;
  send(message: WorkerMessage): void {
    assert.ok(isWorkerMessage(JSON.parse(JSON.stringify(message))), 'a worker sends what the primary accepts');
    this.sent.push(message);
  }
  on(_event: 'message', listener: (message: unknown) => void): this {
    this.#listener = listener;
    return this;
  }
  deliver(message: unknown): void {
    this.#listener?.(JSON.parse(JSON.stringify(message)));
  }
}

describe('the worker\'s channel', () => {
  const config: WorkerConfig = { id: 2, port: 8000, host: '127.0.0.1', graceMs: 1000, balancing: 'round-robin', workers: 3 };
  const registry = new Registry();
  reportRegistry(registry, { [WORKER_ENV]: JSON.stringify(config) });
  registry.counter({ name: 'jobs_total', help: 'Jobs.' }).inc(4);

  test('answers the primary\'s collect with the snapshots of its reported registries', () => {
    const port = new FakePort();
    workerMetricsChannel(config, port);
    port.deliver({ signwire: 'metrics-collect', gather: 9 });
    port.deliver({ signwire: 'metrics-collect' }); // malformed: ignored
    port.deliver({ hello: 'from the app' }); // not ours: ignored
    assert.equal(port.sent.length, 1);
    const [report] = port.sent;
    assert.ok(report?.signwire === 'metrics-report' && report.gather === 9 && report.metrics !== null);
    assert.deepEqual(decodeSnapshots(report.metrics), registry.collect());
  });

  test('a scrape asks the primary and returns the reports it hands back, dropping one that does not decode', async () => {
    const port = new FakePort();
    const channel = workerMetricsChannel(config, port);
    assert.equal(channel.worker, 2);
    assert.equal(channel.workers, 3);
    const gathered = channel.gather();
    const ask = port.sent[0];
    assert.ok(ask?.signwire === 'metrics-gather');
    port.deliver({
      signwire: 'metrics-gathered',
      request: ask.request,
      reports: [{ worker: 1, metrics: [] }, { worker: 3, metrics: [{ type: 'nonsense' }] }],
    });
    assert.deepEqual(await gathered, [{ worker: 1, metrics: [] }]);
  });

  test('no answer from the primary in time, or no channel: the scrape holds this worker\'s metrics alone', async () => {
    const port = new FakePort();
    const channel = workerMetricsChannel(config, port, 30);
    assert.deepEqual(await channel.gather(), [{ worker: 2, metrics: registry.collect() }]);
    port.connected = false;
    assert.deepEqual(await channel.gather(), [{ worker: 2, metrics: registry.collect() }]);
    assert.equal(port.sent.length, 1, 'nothing sent on a closed channel');
  });
});
