/**
 * The Prometheus text exposition format (0.0.4) as the serializer writes it:
 * exact output for counters, gauges and histograms (HELP and TYPE lines,
 * label escaping of backslash, double quote and line feed, cumulative
 * buckets ending in +Inf, _sum and _count), special values, and a strict
 * grammar check of a whole registry's output — which must also refuse
 * text outside the grammar.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXPOSITION_CONTENT_TYPE, Registry, escapeHelp, escapeLabelValue, formatValue, serializeMetrics } from '../../../src/index.ts';
import { parseExposition, sampleValue } from '../../helpers/prometheus-text.ts';

describe('serializeMetrics', () => {
  test('a counter without labels prints HELP, TYPE and one sample', () => {
    const text = serializeMetrics([{ type: 'counter', name: 'jobs_total', help: 'Jobs run.', samples: [{ labels: '', value: 3 }] }]);
    assert.equal(text, '# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 3\n');
  });

  test('label values escape backslash, double quote and line feed; HELP escapes backslash and line feed', () => {
    const registry = new Registry();
    const gauge = registry.gauge({ name: 'g', help: 'back\\slash\nnext "quoted"', labelNames: ['v'] });
    gauge.labels('a\\b"c\nd').set(1.5);
    assert.equal(
      registry.metrics(),
      '# HELP g back\\\\slash\\nnext "quoted"\n# TYPE g gauge\ng{v="a\\\\b\\"c\\nd"} 1.5\n',
    );
    assert.equal(escapeLabelValue('plain /users/:id'), 'plain /users/:id');
    assert.equal(escapeHelp('say "hi"'), 'say "hi"');
  });

  test('a histogram prints cumulative buckets, +Inf equal to the count, then _sum and _count', () => {
    const registry = new Registry();
    const histogram = registry.histogram({ name: 'd_seconds', help: 'D.', labelNames: ['route'], buckets: [0.1, 1, 5] });
    const series = histogram.labels('/x');
    for (const value of [0.05, 0.1, 0.5, 3, 7]) series.observe(value);
    assert.equal(
      registry.metrics(),
      [
        '# HELP d_seconds D.',
        '# TYPE d_seconds histogram',
        'd_seconds_bucket{route="/x",le="0.1"} 2',
        'd_seconds_bucket{route="/x",le="1"} 3',
        'd_seconds_bucket{route="/x",le="5"} 4',
        'd_seconds_bucket{route="/x",le="+Inf"} 5',
        'd_seconds_sum{route="/x"} 10.65',
        'd_seconds_count{route="/x"} 5',
        '',
      ].join('\n'),
    );
  });

  test('a histogram without labels puts le alone in the braces', () => {
    const registry = new Registry();
    registry.histogram({ name: 'h', help: 'H.', buckets: [1] }).observe(2);
    assert.equal(registry.metrics(), '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 1\nh_sum 2\nh_count 1\n');
  });

  test('a labelled metric with no series yet prints only HELP and TYPE', () => {
    const registry = new Registry();
    registry.counter({ name: 'c_total', help: 'C.', labelNames: ['code'] });
    assert.equal(registry.metrics(), '# HELP c_total C.\n# TYPE c_total counter\n');
  });

  test('special values print as +Inf, -Inf and NaN', () => {
    assert.deepEqual([Infinity, -Infinity, NaN, 0, 1e21, 0.001].map(formatValue), ['+Inf', '-Inf', 'NaN', '0', '1e+21', '0.001']);
  });

  test('the content type is the 0.0.4 text format', () => {
    assert.equal(EXPOSITION_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
  });
});

describe('strict grammar check', () => {
  test('a registry with every kind of metric and awkward label values passes, and values read back', () => {
    const registry = new Registry();
    registry.counter({ name: 'a_total', help: 'A with a \\ and\na new line.', labelNames: ['x', 'y'] }).labels('q"uote', 'back\\slash\nline').inc(2);
    registry.gauge({ name: 'b', help: 'B.' }).set(-Infinity);
    const h = registry.histogram({ name: 'c_seconds', help: 'C.', labelNames: ['route'] });
    h.labels('/users/:id').observe(0.003);
    h.labels('<unmatched>').observe(20);
    const families = parseExposition(registry.metrics());
    assert.deepEqual([...families.keys()], ['a_total', 'b', 'c_seconds']);
    assert.equal(families.get('a_total')?.help, 'A with a \\ and\na new line.');
    assert.equal(sampleValue(families, 'a_total', { x: 'q"uote', y: 'back\\slash\nline' }), 2);
    assert.equal(sampleValue(families, 'b'), -Infinity);
    assert.equal(sampleValue(families, 'c_seconds_bucket', { route: '<unmatched>', le: '10' }), 0);
    assert.equal(sampleValue(families, 'c_seconds_bucket', { route: '<unmatched>', le: '+Inf' }), 1);
  });

  test('the checker refuses text outside the grammar', () => {
    const bad = [
      'x{a="b} 1\n', // unterminated value
      'x{a="b\\t"} 1\n', // unknown escape
      'x 1,5\n', // not a float
      'x{a="1",a="2"} 1\n', // repeated label
      '# TYPE x counter\nx 1\n# TYPE x counter\n', // TYPE twice
      'x 1\ny 1\nx 2\n', // family not contiguous
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', // not cumulative
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n', // no +Inf
      'x 1', // no final line feed
    ];
    for (const text of bad) assert.throws(() => parseExposition(text), Error, JSON.stringify(text));
  });
});
