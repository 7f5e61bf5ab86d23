/**
 * A strict reader of the Prometheus text exposition format (version
 * 0.0.4), for tests: it throws on any line outside the grammar, instead of
 * skipping it as a lenient scraper might.
 *
 *     line     = "# HELP " name " " help | "# TYPE " name " " type | sample
 *     sample   = name [ "{" label *( "," label ) [","] "}" ] " " value [ " " timestamp ]
 *     label    = label_name "=" '"' escaped '"'       (escapes: \\  \"  \n)
 *     value    = Go float | "+Inf" | "-Inf" | "NaN"
 *
 * It also checks what holds across lines: a family's TYPE and HELP come
 * once and before its samples, a family's samples are contiguous, no sample
 * repeats, and a histogram's buckets are cumulative with `+Inf` equal to
 * `_count`. Every line ends with a line feed.
 */
import assert from 'node:assert/strict';

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  type: string | undefined;
  help: string | undefined;
  readonly samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Parses `text`, asserting the grammar; families by name, in order of appearance. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  assert.ok(text === '' || text.endsWith('\n'), 'the text ends with a line feed');
  const families = new Map<string, ParsedFamily>();
  const finished = new Set<string>();
  let current: string | undefined;
  const enter = (family: string): ParsedFamily => {
    if (family !== current) {
      assert.ok(!finished.has(family), `the lines of ${family} are not contiguous`);
      if (current !== undefined) finished.add(current);
      current = family;
    }
    let found = families.get(family);
    if (found === undefined) families.set(family, (found = { type: undefined, help: undefined, samples: [] }));
    return found;
  };
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) {
    try {
      if (line.startsWith('#')) readComment(line, enter);
      else readSample(line, families, enter);
    } catch (error) {
      throw new Error(`line ${i + 1} ${JSON.stringify(line)}: ${(error as Error).message}`);
    }
  }
  for (const [name, family] of families) if (family.type === 'histogram') checkHistogram(name, family.samples);
  return families;
}

function readComment(line: string, enter: (family: string) => ParsedFamily): void {
  const match = /^# (HELP|TYPE) ([^ ]+) (.*)$/.exec(line);
  assert.ok(match !== null, 'a comment is "# HELP name text" or "# TYPE name type"');
  const [, keyword, name, rest] = match as unknown as [string, string, string, string];
  assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'metric name');
  const family = enter(name);
  if (keyword === 'HELP') {
    assert.equal(family.help, undefined, 'HELP appears once');
    family.help = unescape(rest, ['\\', 'n']);
  } else {
    assert.equal(family.type, undefined, 'TYPE appears once');
    assert.equal(family.samples.length, 0, 'TYPE comes before the samples');
    assert.ok(TYPES.has(rest), `known type, got ${rest}`);
    family.type = rest;
  }
}

function readSample(line: string, families: Map<string, ParsedFamily>, enter: (family: string) => ParsedFamily): void {
  const name = NAME.exec(line)?.[0];
  assert.ok(name !== undefined, 'a sample starts with a metric name');
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') pos = readLabels(line, pos + 1, labels);
  assert.equal(line[pos], ' ', 'one space before the value');
  const [value, timestamp, ...extra] = line.slice(pos + 1).split(' ');
  assert.equal(extra.length, 0, 'nothing after the timestamp');
  if (timestamp !== undefined) assert.match(timestamp, /^-?\d+$/, 'timestamp');
  const family = enter(familyOf(name, families));
  const key = `${name}{${JSON.stringify(Object.entries(labels).sort())}}`;
  assert.ok(!family.samples.some((s) => `${s.name}{${JSON.stringify(Object.entries(s.labels).sort())}}` === key), 'no repeated sample');
  family.samples.push({ name, labels, value: parseValue(value ?? '') });
}

/** A histogram's `_bucket`, `_sum` and `_count` samples belong to its family. */
function familyOf(name: string, families: Map<string, ParsedFamily>): string {
  for (const suffix of HISTOGRAM_SUFFIXES) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && families.get(base)?.type === 'histogram') return base;
  }
  return name;
}

function readLabels(line: string, start: number, labels: Record<string, string>): number {
  let pos = start;
  while (line[pos] !== '}') {
    const labelName = LABEL_NAME.exec(line.slice(pos))?.[0];
    assert.ok(labelName !== undefined, `label name at ${pos}`);
    assert.ok(!(labelName in labels), `label ${labelName} repeats`);
    pos += labelName.length;
    assert.equal(line.slice(pos, pos + 2), '="', 'label name="value"');
    const end = closingQuote(line, pos + 2);
    labels[labelName] = unescape(line.slice(pos + 2, end), ['\\', '"', 'n']);
    pos = end + 1;
    if (line[pos] === ',') pos++;
    else assert.equal(line[pos], '}', 'labels end with }');
  }
  return pos + 1;
}

function closingQuote(line: string, start: number): number {
  for (let pos = start; pos < line.length; pos++) {
    if (line[pos] === '\\') pos++;
    else if (line[pos] === '"') return pos;
  }
  throw new Error('unterminated label value');
}

/** Undoes backslash escapes, allowing only `allowed` after a backslash. */
function unescape(text: string, allowed: readonly string[]): string {
  return text.replace(/\\(.?)/g, (_, char: string) => {
    assert.ok(allowed.includes(char), `escape \\${char} is not allowed here`);
    return char === 'n' ? '\n' : char;
  });
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  assert.match(text, FLOAT, 'a float value');
  return Number(text);
}

function checkHistogram(name: string, samples: readonly ParsedSample[]): void {
  const bySeries = new Map<string, ParsedSample[]>();
  for (const sample of samples) {
    const { le, ...rest } = sample.labels;
    if (sample.name === `${name}_bucket`) assert.ok(le !== undefined, `${name}_bucket has le`);
    const key = JSON.stringify(Object.entries(rest).sort());
    bySeries.set(key, [...(bySeries.get(key) ?? []), sample]);
  }
  for (const series of bySeries.values()) {
    const buckets = series.filter((s) => s.name === `${name}_bucket`);
    const les = buckets.map((s) => parseValue(s.labels['le']!));
    assert.deepEqual(les, [...les].sort((a, b) => a - b), `${name}: buckets in order of le`);
    assert.equal(les.at(-1), Infinity, `${name}: +Inf bucket last`);
    buckets.forEach((s, i) => assert.ok(i === 0 || s.value >= buckets[i - 1]!.value, `${name}: buckets are cumulative`));
    const count = series.find((s) => s.name === `${name}_count`);
    assert.ok(count !== undefined && series.some((s) => s.name === `${name}_sum`), `${name}: _sum and _count present`);
    assert.equal(buckets.at(-1)!.value, count.value, `${name}: +Inf bucket equals _count`);
  }
}

/** The value of the sample of `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) return sample.value;
    }
  }
  return undefined;
}
