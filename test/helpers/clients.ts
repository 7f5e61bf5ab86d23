/**
 * Test helpers for end-to-end tests with real clients: find an external
 * binary (curl, python3, openssl) or skip — or, in CI, fail — the test that
 * needs it; run such a binary with a time bound; make and remove temp dirs.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { WireRequest } from '../../src/index.ts';

/** The Debian package that provides each binary the e2e tests use. */
const DEBIAN_PACKAGE: Readonly<Record<string, string>> = { curl: 'curl', python3: 'python3', openssl: 'openssl' };

const found = new Map<string, boolean>();

function onPath(name: string): boolean {
  const cached = found.get(name);
  if (cached !== undefined) return cached;
  const dirs = (process.env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const present = dirs.some((dir) => isExecutable(path.join(dir, name)));
  found.set(name, present);
  return present;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * True when `name` is on the PATH. Otherwise the test is skipped with the
 * reason printed ("curl not installed: apt-get install curl") — except when
 * `CI` is set: CI must not skip, so the test fails.
 *
 * @example
 * test('…', async (t) => {
 *   if (!requireBinary(t, 'curl')) return;
 *   …
 * });
 */
export function requireBinary(t: TestContext, name: string): boolean {
  if (onPath(name)) return true;
  const reason = `${name} not installed: apt-get install ${DEBIAN_PACKAGE[name] ?? name}`;
  if (process.env['CI'] !== undefined && process.env['CI'] !== '') assert.fail(`${reason} (CI must not skip)`);
  t.skip(reason);
  return false;
}

export interface RunResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  /** Wall-clock time from spawn to exit, in ms. */
  readonly elapsedMs: number;
}

/**
 * Runs a binary, killing it after `timeoutMs`; rejects on a non-zero exit
 * with its stderr in the message.
 */
export function run(file: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
  const { timeoutMs = 5_000 } = options;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'buffer', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const result = { stdout, stderr: stderr.toString('utf8'), elapsedMs: performance.now() - started };
        if (error === null) resolve(result);
        else reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${result.stderr}`));
      },
    );
  });
}

/** Options every curl run gets: silent but showing errors, no proxy from the environment, a time bound. */
function curlBase(timeoutMs: number): string[] {
  return ['--silent', '--show-error', '--noproxy', '*', '--max-time', String(Math.ceil(timeoutMs / 1000))];
}

/** Runs curl with `args` (after `curlBase`), killed a second after its own `--max-time`. */
export function curl(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
  const { timeoutMs = 5_000 } = options;
  return run('curl', [...curlBase(timeoutMs), ...args], { timeoutMs: timeoutMs + 1_000 });
}

/**
 * curl writing the body to its stdout, which is not read until `release`
 * settles: the pipe fills, curl stops reading its socket, and the server's
 * writes meet backpressure for certain, however large the kernel's buffers.
 */
export function curlHeldBack(args: readonly string[], release: Promise<unknown>, options: { timeoutMs?: number } = {}): Promise<Buffer> {
  const { timeoutMs = 5_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn('curl', [...curlBase(timeoutMs), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 1_000);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.pause();
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void release.finally(() => child.stdout.resume());
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`curl ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr}`));
    });
  });
}

/** Runs a Python 3 script (`python3 -c`) with arguments and parses the JSON it prints. */
export async function python<T>(script: string, args: readonly string[] = []): Promise<T> {
  const { stdout } = await run('python3', ['-c', script, ...args]);
  return JSON.parse(stdout.toString('utf8')) as T;
}

/** A fresh directory in os.tmpdir(), removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'signwire-e2e-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Counts the distinct client connections (peer address and port) requests arrived on. */
export class ConnectionCounter {
  readonly #peers = new Set<string>();

  /** Records the connection `req` arrived on. */
  see(req: WireRequest): void {
    this.#peers.add(`${req.peer.remoteAddress ?? ''}|${req.peer.remotePort ?? ''}`);
  }

  get count(): number {
    return this.#peers.size;
  }
}
