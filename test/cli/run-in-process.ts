/**
 * Test helper: runs `signwire ARGS…` in the test process, through the same
 * dispatcher as the executable (`runCommand`), with console output captured
 * and stdin replaced by the given bytes (never the test runner's own stdin).
 * Calls must not overlap: the console is swapped for the duration of one.
 */
import { Readable } from 'node:stream';
import { runCommand } from '../../src/cli/run-command.ts';
import type { CliResult } from './run-cli.ts';

/** `signwire ARGS…` in-process: its exit code and what it printed with console.log / console.error. */
export async function runInProcess(args: readonly string[], options: { input?: string | Buffer } = {}): Promise<CliResult> {
  const { log, error } = console;
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const stdout: string[] = [];
  const stderr: string[] = [];
  console.log = (...parts: unknown[]) => void stdout.push(`${parts.join(' ')}\n`);
  console.error = (...parts: unknown[]) => void stderr.push(`${parts.join(' ')}\n`);
  Object.defineProperty(process, 'stdin', { ...stdin, get: () => Readable.from([Buffer.from(options.input ?? '')]) });
  try {
    const code = await runCommand(args);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    console.log = log;
    console.error = error;
    Object.defineProperty(process, 'stdin', stdin);
  }
}

/** The checks every failed run must pass: one line on stderr naming the command, no stack trace, no control character. */
export function failureProblem(command: string, result: CliResult): string | undefined {
  const lines = result.stderr.replace(/\n$/, '').split('\n');
  if (result.stderr === '') return 'nothing on stderr';
  if (lines.length !== 1) return `${lines.length} lines on stderr`;
  if (!lines[0]!.startsWith(`signwire ${command}: `)) return 'stderr does not name the command';
  if (/\bat .+:\d+:\d+\)?$/.test(lines[0]!)) return 'a stack frame on stderr';
  if (/[\0-\x08\x0b-\x1f\x7f]/.test(lines[0]!)) return 'a control character on stderr';
  return undefined;
}
