/** Medians and the plain-text tables the harness prints. */
import { SERVERS, serversOf, type Scenario } from './catalog.ts';
import type { IdleMemoryResult } from './idle-memory.ts';
import type { WrkResult } from './wrk.ts';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** 12345.6 → "12,346"; NaN → "–". */
export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

/** A ratio or a size with `digits` decimals; NaN → "–". */
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Rows of cells as aligned columns: the first left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

// ── the harness's tables ──────────────────────────────────────────────────

/** One measured wrk run, and how the server's core was shared meanwhile (as fractions of the run's time). */
export interface Measurement {
  readonly wrk: WrkResult;
  /** Time the server was on its core, all threads: 1 = the whole core. */
  readonly cpuShare: number;
  /** Time the server's main thread was runnable but not running (its core busy with other work). */
  readonly waitShare: number;
}

/** Measurements of one scenario, by server name. */
export type Runs = ReadonlyMap<string, readonly Measurement[]>;

const labelOf = (name: string): string => SERVERS.find((s) => s.name === name)?.label ?? name;
const rate = (m: Measurement): number => m.wrk.requestsPerSec;
const ratePerCpu = (m: Measurement): number => m.wrk.requestsPerSec / m.cpuShare;
const medianOf = (runs: readonly Measurement[] = [], pick: (m: Measurement) => number): number => median(runs.map(pick));
const sum = (runs: readonly Measurement[], pick: (r: WrkResult) => number): number =>
  runs.reduce((total, m) => total + pick(m.wrk), 0);

export function printScenario(scenario: Scenario, runs: Runs, opts: { rounds: number; duration: number }): void {
  const { name, label, path, connections, script, presigned } = scenario;
  const scriptArgs = presigned === undefined ? (scenario.scriptArgs ?? []) : ['FILE'];
  const [flags, args] = script === undefined ? ['', ''] : [` -s ${script}`, ` -- ${scriptArgs.join(' ')}`];
  const wrk = `wrk -t1 -c${connections}${flags} http://127.0.0.1:PORT${path}${args}`;
  console.log(`\n${label} [${name}]: ${wrk}, ${opts.rounds} × ${opts.duration} s`);
  const subject = medianOf(runs.get(scenario.subject), rate);
  const rows = serversOf(scenario).map((server) => {
    const results = runs.get(server.name) ?? [];
    const rates = results.map(rate);
    return [
      server.label,
      count(median(rates)),
      count(Math.min(...rates)),
      count(Math.max(...rates)),
      fixed(subject / median(rates)),
      `${fixed(medianOf(results, (m) => m.cpuShare * 100), 0)} %`,
      `${fixed(medianOf(results, (m) => m.waitShare * 100), 0)} %`,
      count(medianOf(results, ratePerCpu)),
      count(sum(results, (r) => r.bytesRead) / sum(results, (r) => r.requests)),
      count(sum(results, (r) => r.non2xx)),
      count(sum(results, (r) => r.socketErrors)),
    ];
  });
  const header = ['server', 'median req/s', 'min', 'max', `${labelOf(scenario.subject)} ÷`, 'CPU', 'waited', 'req/CPU-s', '≈B/resp', 'non-2xx', 'sock errors'];
  console.log(table(header, rows));
}

function ratio(runs: Runs, subject: string, other: string, pick: (m: Measurement) => number, target?: number): string {
  const value = medianOf(runs.get(subject), pick) / medianOf(runs.get(other), pick);
  if (target === undefined) return fixed(value);
  return `${fixed(value)} (target ≥ ${target}: ${value >= target ? 'met' : 'not met'})`;
}

/**
 * The median of the ratios within each round: the two servers of a round ran minutes apart at most, so a
 * machine that drifts faster or slower over the whole run moves both sides of each ratio alike.
 */
function pairedRatio(runs: Runs, subject: string, other: string): string {
  const mine = runs.get(subject) ?? [];
  const theirs = runs.get(other) ?? [];
  const ratios = mine.slice(0, theirs.length).map((m, round) => rate(m) / rate(theirs[round]!));
  return fixed(median(ratios));
}

/**
 * One row per scenario and compared server: the subject's ratio of median requests per second (with the
 * target), the median of its per-round ratios, and its ratio per CPU-second; then the scenario's reference
 * ratios, the same way, without a target.
 */
export function printSummary(scenarios: readonly Scenario[], all: ReadonlyMap<string, Runs>): void {
  console.log('\nSummary: subject ÷ other, then reference ratios; the target is read on the ratio of medians (targets are information, not pass/fail)');
  const header = ['scenario', 'subject', 'other', 'req/s ratio of medians', 'median of round ratios', 'req/CPU-s ratio'];
  const rows = scenarios.flatMap(({ name, subject, servers, targets, references = [] }) => {
    const runs = all.get(name)!;
    const pairs: Array<readonly [string, string]> = [...servers.map((other) => [subject, other] as const), ...references];
    return pairs.map(([top, bottom]) => [
      name,
      labelOf(top),
      labelOf(bottom),
      ratio(runs, top, bottom, rate, top === subject ? targets[bottom] : undefined),
      pairedRatio(runs, top, bottom),
      ratio(runs, top, bottom, ratePerCpu),
    ]);
  });
  console.log(table(header, rows));
}

/** The table, then the first server's cost per connection ÷ each other's. */
export function printIdleMemory(results: readonly IdleMemoryResult[]): void {
  console.log('\nMemory per idle keep-alive connection (server VmRSS after full GC, before and after)');
  const mib = (kib: number): string => fixed(kib / 1024, 1);
  const rows = results.map((r) => [
    r.server.label,
    count(r.connections),
    count(r.failed),
    count(r.alive),
    mib(r.beforeKiB),
    mib(r.afterKiB),
    fixed(r.perConnectionKiB),
  ]);
  const header = ['server', 'connections', 'failed', 'alive at reading', 'RSS before MiB', 'RSS after MiB', 'KiB/connection'];
  console.log(table(header, rows));
  const [first, ...others] = results;
  for (const other of others) {
    console.log(`${first!.server.label} ÷ ${other.server.label}: ${fixed(first!.perConnectionKiB / other.perConnectionKiB)}`);
  }
}
