/**
 * Child processes of the harness: every server and client runs pinned to a
 * core (`taskset`) inside a bash wrapper that raises the open-file limit
 * (`ulimit -n 65536`, or the hard limit where raising it is not allowed).
 * `exec` keeps the PID, so /proc/PID is the Node process itself. Children
 * talk in lines: `send` writes one to stdin, `expect` waits (bounded) for one
 * on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVER_CPU, type ServerEntry } from './catalog.ts';

const RAISE_FD_LIMIT = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"';

/** `command args` pinned to `cpu` (a core, or a taskset list such as "0,1"), as an argv. */
export function pinned(cpu: number | string, command: string, args: readonly string[]): string[] {
  return ['taskset', '-c', String(cpu), command, ...args];
}

export class Child {
  readonly #process: ChildProcess;
  readonly #lines: string[] = [];
  #waiter: (() => void) | undefined;
  #exited = false;
  #stderr = '';

  constructor(cpu: number | string, command: string, args: readonly string[]) {
    const argv = ['-c', RAISE_FD_LIMIT, 'bash', ...pinned(cpu, command, args)];
    this.#process = spawn('bash', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.#process.stdout! }).on('line', (line) => {
      this.#lines.push(line);
      this.#waiter?.();
    });
    this.#process.stderr!.on('data', (data: Buffer) => (this.#stderr = (this.#stderr + data.toString()).slice(-4000)));
    this.#process.on('exit', () => {
      this.#exited = true;
      this.#waiter?.();
    });
    this.#process.stdin!.on('error', () => {}); // the child may exit first
  }

  get pid(): number {
    return this.#process.pid ?? 0;
  }

  send(line: string): void {
    if (!this.#exited) this.#process.stdin!.write(`${line}\n`);
  }

  /** The next stdout line starting with `prefix` (earlier other lines are skipped). */
  async expect(prefix: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#lines.findIndex((line) => line.startsWith(prefix));
      if (index !== -1) return this.#lines.splice(0, index + 1).at(-1)!;
      if (this.#exited) throw new Error(`child exited before "${prefix}"\n${this.#stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no "${prefix}" from child within ${timeoutMs} ms\n${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Closes stdin (children exit on it), then SIGTERM, then SIGKILL; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()));
    this.#process.stdin!.end();
    const term = setTimeout(() => this.#process.kill('SIGTERM'), 2000);
    const kill = setTimeout(() => this.#process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunningServer {
  readonly child: Child;
  readonly port: number;
}

/** Starts a server from bench/servers/ on the server core (or its own `cpus`); resolves once it listens. */
export async function startServer(entry: ServerEntry, nodeFlags: readonly string[] = []): Promise<RunningServer> {
  const file = fileURLToPath(new URL(`./servers/${entry.file}`, import.meta.url));
  const child = new Child(entry.cpus ?? SERVER_CPU, process.execPath, [...nodeFlags, file, ...(entry.args ?? [])]);
  try {
    const line = await child.expect('listening ', 10_000);
    return { child, port: Number(line.slice('listening '.length)) };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
