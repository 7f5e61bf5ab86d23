/**
 * Test helper: a Node process (through tsx, from the project root unless
 * told otherwise) that may fork workers, such as `signwire serve --workers 2`.
 * It runs in its own process group, so the test's end stops the primary and
 * every worker; its output is collected, and every wait on it is bounded.
 * Also: one request on a connection of its own (HTTP, or HTTPS verified
 * against a test certificate), to reach any worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by URL, so a process started in another directory still finds it. */
const TSX = import.meta.resolve('tsx');
export const CLI_SOURCE = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class NodeProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly #exit: Promise<Exit>;

  constructor(t: TestContext, args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
    this.child = spawn(process.execPath, ['--import', TSX, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.#exit = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
    t.after(() => this.killGroup());
  }

  /** The first match of `pattern` in stdout + stderr, waiting up to `timeoutMs`; fails with the output so far. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stdout + this.stderr);
      if (match !== null) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`no ${pattern} within ${timeoutMs} ms (exit ${this.child.exitCode ?? this.child.signalCode})\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The exit, waiting up to `timeoutMs` (then SIGKILL to the group and a failure). */
  async exited(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.killGroup();
        reject(new Error(`still running after ${timeoutMs} ms\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#exit, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGKILL to the whole group: the primary and its workers. */
  killGroup(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** `signwire ARGS…` from the sources. */
export function startCli(t: TestContext, args: readonly string[], env?: NodeJS.ProcessEnv, cwd?: string): NodeProcess {
  return new NodeProcess(t, [CLI_SOURCE, ...args], env, cwd);
}

/** The port of the "Serving HTTP on http://127.0.0.1:PORT ..." line (or with `scheme` 'https', "Serving HTTPS on https://…"). */
export async function servingPort(server: NodeProcess, timeoutMs = 60_000, scheme: 'http' | 'https' = 'http'): Promise<number> {
  const line = new RegExp(`Serving ${scheme.toUpperCase()} on ${scheme}://127\\.0\\.0\\.1:(\\d+) \\.\\.\\.`);
  return Number((await server.waitFor(line, timeoutMs))[1]);
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  /** The X-Worker-Pid header of the test apps, as a number (NaN when absent). */
  readonly pid: number;
  /** `error.code` of a JSON error body. */
  readonly code: string | undefined;
  /** Over HTTPS, the SHA-256 fingerprint of the certificate the server presented. */
  readonly fingerprint: string | undefined;
}

/**
 * One request on a connection of its own (so a cluster may give it to any worker); bounded to 10 s.
 * With `ca`, over HTTPS, trusting only that certificate.
 */
export function requestOnNewConnection(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; ca?: Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false, timeout: 10_000 };
    const onResponse = (res: http.IncomingMessage): void => {
      const fingerprint = init.ca === undefined ? undefined : (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, pid: Number(res.headers['x-worker-pid']), code: errorCode(body), fingerprint }));
    };
    const req = init.ca === undefined ? http.request(options, onResponse) : https.request({ ...options, ca: init.ca }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} within 10 s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * `GET path` over a new HTTPS connection that trusts only `ca`, retried every 50 ms while the handshake or
 * the request fails (a worker still applying a renewed certificate), at most 60 times (3 s); then the last error.
 */
export async function requestTrusting(port: number, ca: Buffer, path = '/'): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await requestOnNewConnection(port, path, { ca });
    } catch (error) {
      if (attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
