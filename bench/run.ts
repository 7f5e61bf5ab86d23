/**
 * `npm run bench`: builds signwire, then measures each scenario of the
 * catalog with wrk on its subject and the servers it is compared with
 * (servers pinned to one core, wrk to the other), in alternating rounds, and
 * prints medians and ratios; then the memory each idle keep-alive connection
 * costs. Every server is checked to answer correctly before it is measured,
 * and a non-2xx answer under load stops the run. See docs/benchmarks.md.
 *
 * Flags: --rounds N (5) --duration S (4) --warmup S (1) --idle-connections N
 * (10000) --only NAME[,NAME] (scenario names or "idle-memory") --skip-build
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IDLE_MEMORY_SERVERS, SCENARIOS, SERVERS, serversOf, type Scenario, type ServerEntry } from './catalog.ts';
import { checkAnswer } from './check.ts';
import { startServer } from './child.ts';
import { measureIdleMemory, type IdleMemoryResult } from './idle-memory.ts';
import { schedTimes } from './proc.ts';
import { printIdleMemory, printScenario, printSummary, type Measurement, type Runs } from './report.ts';
import { SignedRequests, type SignedFiles } from './signed-requests.ts';
import { runWrk, type WrkResult } from './wrk.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function options() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      duration: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '1' },
      'idle-connections': { type: 'string', default: '10000' },
      only: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a positive integer, got "${text}"`);
    return value;
  };
  const only = values.only?.split(',').map((name) => name.trim());
  const known = [...SCENARIOS.map((s) => s.name), 'idle-memory'];
  for (const name of only ?? []) {
    if (!known.includes(name)) fail(`--only: unknown "${name}" (known: ${known.join(', ')})`);
  }
  return {
    rounds: positive('rounds', values.rounds),
    duration: positive('duration', values.duration),
    warmup: positive('warmup', values.warmup),
    idleConnections: positive('idle-connections', values['idle-connections']),
    scenarios: SCENARIOS.filter((s) => only === undefined || only.includes(s.name)),
    idleMemory: only === undefined || only.includes('idle-memory'),
    build: !values['skip-build'],
  };
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const TOOLS = [
  { tool: 'wrk', probe: '-v', install: 'apt-get install wrk' },
  { tool: 'taskset', probe: '--version', install: 'apt-get install util-linux' },
];

function checkTools(): void {
  const absent = (tool: string, probe: string): boolean =>
    (spawnSync(tool, [probe]).error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  const missing = TOOLS.filter(({ tool, probe }) => absent(tool, probe));
  for (const { tool, install } of missing) console.error(`bench: "${tool}" is not installed (${install})`);
  if (missing.length > 0) process.exit(1);
  if (availableParallelism() < 2) fail('needs 2 cores: the servers run on core 0, the load generator on core 1');
}

function build(): void {
  console.log('Building signwire (npm run build) …');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail('npm run build failed: fix the build, or pass --skip-build to measure the dist/ there is');
}

/** The load average says whether other processes compete for the two cores (the numbers get noisy). */
function warnIfBusy(): void {
  const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  if (load > 0.5) console.log(`warning: load average ${load} before starting; other processes compete for the cores, expect noise`);
}

/** A non-2xx answer means the server is not doing what the scenario measures: stop, loudly. */
function requireSuccess(server: ServerEntry, scenario: Scenario, wrk: WrkResult, run: string, seconds: number, signed?: SignedRequests): WrkResult {
  // Only a server that verifies refuses repeats; one that ignores signatures may run past the end of the file.
  if (server.verifiesSignatures === true && signed?.ranOut(wrk.requests, seconds) === true) throw new RanOut(wrk.requests, seconds);
  if (wrk.non2xx === 0) return wrk;
  throw new Error(
    `${server.label} gave ${wrk.non2xx} non-2xx answers of ${wrk.requests} to ${scenario.path} in the ${run} ` +
      `run of scenario ${scenario.name}; fix the server or the scenario`,
  );
}

/** A run sent more presigned requests than its file held: the rest were repeats, which a verifying server refuses. */
class RanOut extends Error {
  constructor(requests: number, seconds: number) {
    super(`${requests.toLocaleString('en-US')} requests in ${seconds} s ran past the end of the presigned file`);
  }
}

/** Times a measurement is signed again at a higher rate and repeated before the harness gives up. */
const MAX_RESIGNS = 4;

/**
 * One measurement: a fresh server, its answer checked, a warm-up run, the
 * measured run, the server's CPU time in it. With `signed` requests, each run
 * sends its own file of them; a run that exhausts its file is signed again,
 * at a higher rate, and measured again.
 */
async function measure(server: ServerEntry, scenario: Scenario, duration: number, warmup: number, signed?: SignedRequests) {
  for (let resigns = 0; ; resigns++) {
    const files = await signed?.files(warmup, duration);
    try {
      return await measureOnce(server, scenario, duration, warmup, files, signed);
    } catch (error) {
      if (!(error instanceof RanOut) || resigns === MAX_RESIGNS) throw error;
      console.log(`${server.label}: ${error.message}; measuring again on requests signed at ${signed!.rate.toLocaleString('en-US')}/s`);
    }
  }
}

async function measureOnce(server: ServerEntry, scenario: Scenario, duration: number, warmup: number, files?: SignedFiles, signed?: SignedRequests) {
  const { child, port } = await startServer(server);
  try {
    await checkAnswer(scenario, server, port);
    const [warmArgs, measuredArgs] = files === undefined ? [] : [[files.warmup], [files.measured]];
    const warm = requireSuccess(server, scenario, await runWrk(scenario, port, warmup, warmArgs), 'warm-up', warmup, signed);
    const [before, start] = [await schedTimes(child.pid), performance.now()];
    const wrk = requireSuccess(server, scenario, await runWrk(scenario, port, duration, measuredArgs), 'measured', duration, signed);
    const [after, seconds] = [await schedTimes(child.pid), (performance.now() - start) / 1000];
    const cpuShare = (after.cpuS - before.cpuS) / seconds;
    return { warm, result: { wrk, cpuShare, waitShare: (after.waitS - before.waitS) / seconds } };
  } finally {
    await child.stop();
  }
}

function logRun(progress: string, scenario: Scenario, server: ServerEntry, run: Measurement): void {
  const { wrk } = run;
  const rate = Math.round(wrk.requestsPerSec).toLocaleString('en-US').padStart(10);
  const percent = (share: number): string => `${Math.round(share * 100)} %`.padStart(5);
  const cpu = `server CPU ${percent(run.cpuShare)}, waited ${percent(run.waitShare)}`;
  const errors = wrk.socketErrors > 0 ? `  ${wrk.socketErrorLine}` : '';
  console.log(`${progress}  ${scenario.name.padEnd(11)} ${server.label.padEnd(19)} ${rate} req/s, ${cpu}${errors}`);
}

/** The signed requests of each scenario that has them; their files are removed when the harness exits. */
function presignedRequests(scenarios: readonly Scenario[]): Map<string, SignedRequests> {
  const signed = new Map<string, SignedRequests>();
  for (const { name, path, presigned } of scenarios) {
    if (presigned !== undefined) signed.set(name, new SignedRequests(name, path, presigned));
  }
  if (signed.size > 0) {
    process.once('exit', () => signed.forEach((requests) => requests.dispose()));
    process.once('SIGINT', () => process.exit(130));
  }
  return signed;
}

async function throughput(opts: ReturnType<typeof options>): Promise<Map<string, Runs>> {
  const lineup = new Map(opts.scenarios.map((s) => [s.name, serversOf(s)]));
  const runs = new Map(opts.scenarios.map((s) => [s.name, new Map(lineup.get(s.name)!.map((v) => [v.name, [] as Measurement[]]))]));
  const warmErrors = new Map<string, number>();
  const total = opts.rounds * [...lineup.values()].reduce((sum, servers) => sum + servers.length, 0);
  const signed = presignedRequests(opts.scenarios);
  let done = 0;
  for (let round = 0; round < opts.rounds; round++) {
    for (const scenario of opts.scenarios) {
      const servers = lineup.get(scenario.name)!;
      const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
      for (const server of order) {
        const { warm, result } = await measure(server, scenario, opts.duration, opts.warmup, signed.get(scenario.name));
        runs.get(scenario.name)!.get(server.name)!.push(result);
        warmErrors.set(server.name, (warmErrors.get(server.name) ?? 0) + warm.socketErrors);
        logRun(`[${String(++done).padStart(String(total).length)}/${total}] round ${round + 1}`, scenario, server, result);
      }
    }
  }
  for (const [name, errors] of warmErrors) {
    if (errors > 0) console.log(`note: ${name} had ${errors} socket errors during warm-up runs`);
  }
  return runs;
}

async function main(): Promise<void> {
  const opts = options();
  checkTools();
  if (opts.build) build();
  const revision = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
  console.log(`signwire bench — ${new Date().toISOString()}, source ${revision || 'unknown'}`);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`node ${process.version}, ${cpu}, ${availableParallelism()} cores; servers on core 0, wrk on core 1`);
  if (opts.scenarios.length > 0) {
    const { rounds, duration, warmup } = opts;
    console.log(`${rounds} rounds × ${duration} s per server and scenario (after a ${warmup} s warm-up), rotating order`);
  }
  warnIfBusy();
  console.log();
  const runs = await throughput(opts);
  for (const scenario of opts.scenarios) printScenario(scenario, runs.get(scenario.name)!, opts);
  if (opts.scenarios.length > 0) printSummary(opts.scenarios, runs);
  if (!opts.idleMemory) return;
  const idle: IdleMemoryResult[] = [];
  for (const name of IDLE_MEMORY_SERVERS) {
    const server = SERVERS.find((s) => s.name === name)!;
    console.log(`\nidle memory: ${server.label}, ${opts.idleConnections.toLocaleString('en-US')} connections …`);
    idle.push(await measureIdleMemory(server, opts.idleConnections));
  }
  printIdleMemory(idle);
}

await main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
