/**
 * The registry and its metrics: counters only go up, gauges read at scrape
 * time, histogram buckets by upper bound (a value equal to a bound falls in
 * that bucket), names and labels checked against the exposition grammar,
 * unique names, and the cap on distinct series with its overflow series.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OVERFLOW_LABEL, Registry } from '../../../src/index.ts';
import { thrownCode } from '../../helpers/thrown-code.ts';
import { parseExposition, sampleValue } from '../../helpers/prometheus-text.ts';

describe('metric types', () => {
  test('a counter adds; a negative or infinite amount is ERR_INVALID_OPTION', () => {
    const counter = new Registry().counter({ name: 'c_total', help: 'C.' });
    counter.inc();
    counter.inc(2.5);
    assert.equal(thrownCode(() => counter.inc(-1)), 'ERR_INVALID_OPTION');
    assert.equal(thrownCode(() => counter.inc(Infinity)), 'ERR_INVALID_OPTION');
    assert.equal(thrownCode(() => counter.inc(NaN)), 'ERR_INVALID_OPTION');
    assert.equal(counter.labels().value, 3.5);
  });

  test('a gauge sets, goes up and down, and its collect callback runs at every scrape', () => {
    const registry = new Registry();
    let reads = 0;
    registry.gauge({ name: 'live', help: 'L.', collect: (g) => g.set(++reads * 10) });
    const manual = registry.gauge({ name: 'manual', help: 'M.' });
    manual.set(5);
    manual.inc(2);
    manual.dec(10);
    assert.equal(sampleValue(parseExposition(registry.metrics()), 'live'), 10);
    const families = parseExposition(registry.metrics());
    assert.equal(sampleValue(families, 'live'), 20);
    assert.equal(sampleValue(families, 'manual'), -3);
    assert.equal(thrownCode(() => manual.set(NaN)), 'ERR_INVALID_OPTION');
  });

  test('a histogram value equal to a bound counts in that bucket; NaN is ERR_INVALID_OPTION', () => {
    const registry = new Registry();
    const histogram = registry.histogram({ name: 'h', help: 'H.', buckets: [1, 2] });
    histogram.observe(1);
    histogram.observe(1.0000001);
    const families = parseExposition(registry.metrics());
    assert.equal(sampleValue(families, 'h_bucket', { le: '1' }), 1);
    assert.equal(sampleValue(families, 'h_bucket', { le: '2' }), 2);
    assert.equal(thrownCode(() => histogram.observe(NaN)), 'ERR_INVALID_OPTION');
  });

  test('histogram buckets must be finite and strictly ascending', () => {
    const registry = new Registry();
    for (const buckets of [[], [1, 1], [2, 1], [1, Infinity], [NaN]]) {
      assert.equal(thrownCode(() => registry.histogram({ name: 'h', help: 'H.', buckets })), 'ERR_INVALID_OPTION', JSON.stringify(buckets));
    }
  });

  test('a metric with labels needs its label values: inc() without labels, or a wrong count, is ERR_INVALID_OPTION', () => {
    const counter = new Registry().counter({ name: 'c_total', help: 'C.', labelNames: ['a', 'b'] });
    assert.equal(thrownCode(() => counter.inc()), 'ERR_INVALID_OPTION');
    assert.equal(thrownCode(() => counter.labels('x')), 'ERR_INVALID_OPTION');
    assert.equal(thrownCode(() => counter.labels('x', 'y', 'z')), 'ERR_INVALID_OPTION');
    assert.equal(thrownCode(() => counter.labels('x', 7 as unknown as string)), 'ERR_INVALID_OPTION');
    assert.equal(counter.labels('x', 'y'), counter.labels('x', 'y'), 'the same label values give the same series');
  });
});

describe('names', () => {
  test('metric and label names outside the grammar, reserved or repeated are ERR_INVALID_OPTION', () => {
    const registry = new Registry();
    const cases = [
      { name: 'http-requests', help: 'x' },
      { name: '9lives', help: 'x' },
      { name: 'ok', help: '' },
      { name: 'ok', help: 'x', labelNames: ['bad-label'] },
      { name: 'ok', help: 'x', labelNames: ['__reserved'] },
      { name: 'ok', help: 'x', labelNames: ['a', 'a'] },
    ];
    for (const options of cases) assert.equal(thrownCode(() => registry.counter(options)), 'ERR_INVALID_OPTION', JSON.stringify(options));
    assert.equal(thrownCode(() => registry.histogram({ name: 'h', help: 'x', labelNames: ['le'] })), 'ERR_INVALID_OPTION');
  });

  test('a name already in use, including a histogram suffix, is ERR_INVALID_OPTION', () => {
    const registry = new Registry();
    registry.counter({ name: 'jobs_total', help: 'J.' });
    registry.histogram({ name: 'took', help: 'T.' });
    assert.equal(thrownCode(() => registry.gauge({ name: 'jobs_total', help: 'J.' })), 'ERR_INVALID_OPTION');
    assert.equal(thrownCode(() => registry.counter({ name: 'took_count', help: 'T.' })), 'ERR_INVALID_OPTION');
    registry.counter({ name: 'wait_sum', help: 'W.' });
    assert.equal(thrownCode(() => registry.histogram({ name: 'wait', help: 'W.' })), 'ERR_INVALID_OPTION');
  });
});

describe('cardinality cap', () => {
  test('past maxSeries, new label sets share one overflow series and the total still adds up', () => {
    const registry = new Registry();
    const counter = registry.counter({ name: 'hits_total', help: 'H.', labelNames: ['path'], maxSeries: 3 });
    for (let i = 0; i < 50; i++) counter.labels(`/p/${i}`).inc();
    counter.labels('/p/0').inc(); // an existing series still counts as itself
    const samples = parseExposition(registry.metrics()).get('hits_total')!.samples;
    assert.equal(samples.length, 4, 'three series and the overflow one');
    assert.deepEqual(samples.map((s) => s.labels['path']), ['/p/0', '/p/1', '/p/2', OVERFLOW_LABEL]);
    assert.equal(samples[0]!.value, 2);
    assert.equal(samples[3]!.value, 47);
    assert.equal(samples.reduce((sum, s) => sum + s.value, 0), 51);
  });

  test('maxSeries must be a positive integer', () => {
    assert.equal(thrownCode(() => new Registry().counter({ name: 'c', help: 'C.', maxSeries: 0 })), 'ERR_INVALID_OPTION');
  });
});
