/**
 * The metrics of several workers as one scrape: snapshots survive the JSON
 * of the IPC channel (infinities and NaN included), malformed ones are
 * refused, and the merge labels every series with its worker under one
 * HELP and TYPE per family, leaving out a worker's metric whose type or
 * buckets differ. In a cluster worker, the `worker` label is reserved.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry, serializeMetrics, type MetricSnapshot } from '../../../src/index.ts';
import { reportRegistry } from '../../../src/app/metrics/cluster-scrape.ts';
import { decodeSnapshots, encodeSnapshots, mergeWorkerSnapshots } from '../../../src/app/metrics/worker-snapshots.ts';
import { WORKER_ENV } from '../../../src/cluster/messages.ts';
import { thrownCode } from '../../helpers/thrown-code.ts';
import { parseExposition, sampleValue } from '../../helpers/prometheus-text.ts';

/** A registry as one worker of an app would have it: requests by route, a gauge, a histogram. */
function workerRegistry(requests: Record<string, number>, open: number, durations: readonly number[]): Registry {
  const registry = new Registry();
  const counter = registry.counter({ name: 'requests_total', help: 'Requests.', labelNames: ['route'] });
  for (const [route, count] of Object.entries(requests)) counter.labels(route).inc(count);
  registry.gauge({ name: 'open_connections', help: 'Open.' }).set(open);
  const histogram = registry.histogram({ name: 'duration_seconds', help: 'Time.', buckets: [0.1, 1] });
  for (const d of durations) histogram.observe(d);
  return registry;
}

const throughJson = (snapshots: readonly MetricSnapshot[]): MetricSnapshot[] =>
  decodeSnapshots(JSON.parse(JSON.stringify(encodeSnapshots(snapshots))));

describe('snapshots across the IPC channel', () => {
  test('come back equal after JSON, with +Inf, -Inf and NaN values and an infinite histogram sum', () => {
    const registry = workerRegistry({ '/': 3 }, 2, [0.05, 5, Infinity]);
    registry.gauge({ name: 'up', help: 'U.' }).set(Infinity);
    registry.gauge({ name: 'down', help: 'D.' }).set(-Infinity);
    const snapshots = registry.collect();
    const nan: MetricSnapshot = { type: 'gauge', name: 'odd', help: 'O.', samples: [{ labels: '', value: NaN }] };
    assert.deepEqual(throughJson([...snapshots, nan]), [...snapshots, nan]);
    assert.equal(serializeMetrics(throughJson(snapshots)), registry.metrics());
  });

  test('anything else is a TypeError, not a scrape with holes', () => {
    const good = encodeSnapshots(workerRegistry({ '/': 1 }, 0, [0.2]).collect()) as Array<Record<string, unknown>>;
    const histogram = good.find((m) => m['type'] === 'histogram')!;
    const bad: unknown[] = [
      null,
      {},
      [{ type: 'summary', name: 'x', help: 'X.', samples: [] }],
      [{ type: 'counter', name: 1, help: 'X.', samples: [] }],
      [{ type: 'counter', name: 'x', help: 'X.', samples: [{ labels: '', value: null }] }],
      [{ type: 'counter', name: 'x', help: 'X.', samples: [{ labels: '', value: 'Infinity' }] }],
      [{ ...histogram, series: [{ labels: '', counts: [1, 0], sum: 0.2, count: 1 }] }],
      [{ ...histogram, series: [{ labels: '', counts: [1, 0, 0], sum: 0.2, count: '1' }] }],
    ];
    for (const data of bad) assert.throws(() => decodeSnapshots(data), TypeError, JSON.stringify(data));
  });
});

describe('mergeWorkerSnapshots', () => {
  const one = workerRegistry({ '/': 3, '/users/:id': 1 }, 2, [0.05]);
  const two = workerRegistry({ '/': 5 }, 7, [0.5, 2]);

  test('labels every series with its worker, one family per name, each worker\'s series together in worker order', () => {
    const text = serializeMetrics(mergeWorkerSnapshots([{ worker: 2, metrics: two.collect() }, { worker: 1, metrics: one.collect() }]));
    const families = parseExposition(text); // strict: one HELP and TYPE per family, contiguous samples
    assert.deepEqual([...families.keys()], ['requests_total', 'open_connections', 'duration_seconds']);
    assert.deepEqual(families.get('requests_total')!.samples.map((s) => [s.labels, s.value]), [
      [{ worker: '1', route: '/' }, 3],
      [{ worker: '1', route: '/users/:id' }, 1],
      [{ worker: '2', route: '/' }, 5],
    ]);
    assert.equal(sampleValue(families, 'open_connections', { worker: '2' }), 7);
    assert.equal(sampleValue(families, 'duration_seconds_count', { worker: '2' }), 2);
    assert.equal(sampleValue(families, 'duration_seconds_bucket', { worker: '2', le: '1' }), 1);
    assert.equal(sampleValue(families, 'duration_seconds_bucket', { worker: '1', le: '0.1' }), 1);
  });

  test('leaves out a worker\'s metric whose type or buckets differ from the first worker\'s', () => {
    const other = new Registry();
    other.gauge({ name: 'requests_total', help: 'Not a counter.' }).set(1);
    other.histogram({ name: 'duration_seconds', help: 'Time.', buckets: [0.5] }).observe(0.1);
    other.counter({ name: 'jobs_total', help: 'Jobs.' }).inc();
    const merged = mergeWorkerSnapshots([{ worker: 1, metrics: one.collect() }, { worker: 2, metrics: other.collect() }]);
    const families = parseExposition(serializeMetrics(merged));
    assert.deepEqual(new Set(families.get('requests_total')!.samples.map((s) => s.labels['worker'])), new Set(['1']));
    assert.equal(families.get('requests_total')!.type, 'counter');
    assert.equal(sampleValue(families, 'duration_seconds_count', { worker: '2' }), undefined);
    assert.equal(sampleValue(families, 'jobs_total', { worker: '2' }), 1);
  });

  test('no reports: no families', () => {
    assert.deepEqual(mergeWorkerSnapshots([]), []);
  });
});

describe('the worker label', () => {
  test('a reserved label refuses metrics that have it, registered before or after', () => {
    const registry = new Registry();
    registry.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue'] });
    registry.reserveLabel('worker');
    assert.equal(thrownCode(() => registry.counter({ name: 'tasks_total', help: 'Tasks.', labelNames: ['worker'] })), 'ERR_INVALID_OPTION');
    const early = new Registry();
    early.gauge({ name: 'busy', help: 'Busy.', labelNames: ['worker'] });
    assert.equal(thrownCode(() => early.reserveLabel('worker')), 'ERR_INVALID_OPTION');
  });

  test('is reserved by reportRegistry in a cluster worker only', () => {
    const outside = new Registry();
    reportRegistry(outside, {});
    outside.counter({ name: 'a_total', help: 'A.', labelNames: ['worker'] });
    const inside = new Registry();
    reportRegistry(inside, { [WORKER_ENV]: '{}' });
    assert.equal(thrownCode(() => inside.counter({ name: 'a_total', help: 'A.', labelNames: ['worker'] })), 'ERR_INVALID_OPTION');
  });
});
