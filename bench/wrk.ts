/**
 * Runs wrk on the client core and reads its report: requests per second,
 * bytes read, and the error lines ("Non-2xx or 3xx responses", "Socket
 * errors") that wrk prints only when they are not zero.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CLIENT_CPU, type Scenario } from './catalog.ts';
import { pinned } from './child.ts';

const run = promisify(execFile);

export interface WrkResult {
  readonly requestsPerSec: number;
  readonly requests: number;
  readonly bytesRead: number;
  readonly non2xx: number;
  /** connect + read + write + timeout. */
  readonly socketErrors: number;
  readonly socketErrorLine: string;
}

/** One wrk run of `scenario` against 127.0.0.1:port, its script given `scriptArgs`; bounded to the duration plus 15 s. */
export async function runWrk(scenario: Scenario, port: number, durationS: number, scriptArgs = scenario.scriptArgs): Promise<WrkResult> {
  const args = ['-t1', `-c${scenario.connections}`, `-d${durationS}s`];
  if (scenario.script !== undefined) {
    args.push('-s', fileURLToPath(new URL(`./scripts/${scenario.script}`, import.meta.url)));
  }
  args.push(`http://127.0.0.1:${port}${scenario.path}`);
  if (scriptArgs !== undefined) args.push('--', ...scriptArgs);
  const [command, ...argv] = pinned(CLIENT_CPU, 'wrk', args);
  const { stdout } = await run(command!, argv, { timeout: (durationS + 15) * 1000, killSignal: 'SIGKILL' });
  return parseWrk(stdout);
}

const UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Reads wrk 4's text report. */
export function parseWrk(output: string): WrkResult {
  const total = /(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read/.exec(output);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (total === null || rate === null) throw new Error(`cannot read wrk output:\n${output}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requestsPerSec: Number(rate[1]),
    requests: Number(total[1]),
    bytesRead: Number(total[2]) * (UNITS[total[3]!] ?? Number.NaN),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    socketErrors: errors === null ? 0 : errors.slice(1).reduce((sum, n) => sum + Number(n), 0),
    socketErrorLine: errors?.[0] ?? '',
  };
}
