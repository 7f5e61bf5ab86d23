/**
 * Test helpers for the app layer: an App that logs nowhere, a logger that records instead of printing,
 * a server started for one test and closed after it, the `error.code` of an
 * in-process response (and an assertion on it), and a console capture to prove that nothing is
 * printed.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { App, type AppOptions, type InProcessResponse, type Logger, type Server } from '../../src/index.ts';

export interface RecordingLogger {
  readonly logger: Logger;
  /** Errors passed to `logger.error`, in order. */
  readonly errors: unknown[];
  /** Access lines, in order. */
  readonly lines: string[];
}

/** An App whose errors go to a recording logger instead of stderr. */
export function quietApp(options: AppOptions = {}): App {
  return new App({ logger: recordingLogger().logger, ...options });
}

/** A logger that keeps errors and (when `access`) access lines in arrays. */
export function recordingLogger(options: { access?: boolean } = {}): RecordingLogger {
  const errors: unknown[] = [];
  const lines: string[] = [];
  const logger: Logger = {
    access: options.access === true ? (line) => lines.push(line) : undefined,
    error: (error) => errors.push(error),
  };
  return { logger, errors, lines };
}

/** Serves `app` on a free port of 127.0.0.1 until the test ends. */
export async function listen(t: TestContext, app: App): Promise<Server> {
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close({ graceMs: 0 }));
  return server;
}

/** The `error.code` of a JSON error body, or undefined when the body is not one. */
export function codeOf(res: InProcessResponse): string | undefined {
  try {
    return (JSON.parse(res.body.toString('utf8')) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** Asserts an error answer: its status and `error.code`, naming `input` (the case) when they differ. */
export function assertError(res: InProcessResponse, status: number, code: string, input: unknown): void {
  assert.equal(res.status, status, `${JSON.stringify(input)}: ${res.body.toString()}`);
  assert.equal(codeOf(res), code, JSON.stringify(input));
}

/** Every fetch is bounded: a server that stops answering fails the test instead of hanging it. */
export function bounded(ms = 2_000): AbortSignal {
  return AbortSignal.timeout(ms);
}

type ConsoleMethod = 'log' | 'error' | 'warn' | 'info' | 'debug';
const CONSOLE_METHODS: readonly ConsoleMethod[] = ['log', 'error', 'warn', 'info', 'debug'];

/**
 * Replaces the console's printing methods with recorders until `restore()`.
 * Each call is kept as [method, arguments].
 */
export function captureConsole(): { calls: Array<[ConsoleMethod, unknown[]]>; restore: () => void } {
  const calls: Array<[ConsoleMethod, unknown[]]> = [];
  const saved = CONSOLE_METHODS.map((name) => [name, console[name]] as const);
  for (const name of CONSOLE_METHODS) console[name] = (...args: unknown[]) => calls.push([name, args]);
  return {
    calls,
    restore: () => {
      for (const [name, original] of saved) console[name] = original;
    },
  };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
