/**
 * Test helpers: run a real, throwaway `redis-server` on 127.0.0.1 (no
 * persistence, its own temp dir), stop it or freeze it to simulate an
 * outage, and start it again on the same port. Every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probePort, stopChild } from './child-process.ts';

/** Why the Redis tests cannot run here, or undefined when `redis-server` is installed. */
export function redisServerMissing(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (probe.error === undefined && probe.status === 0) return undefined;
  return 'redis-server not installed: apt-get install redis-server';
}

export interface RedisServer {
  readonly port: number;
  /** "redis://127.0.0.1:PORT" */
  readonly url: string;
  /** Kills the server (SIGTERM, then SIGKILL after 3 s); resolves once it has exited. */
  stop(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Stops it for good and removes its temp dir. */
  dispose(): Promise<void>;
}

/** Starts `redis-server` on a free port of 127.0.0.1 and waits (up to 5 s) until it answers PING. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'signwire-redis-'));
  let child: ChildProcess | undefined = await launch(port, dir);
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running !== undefined) await stopChild(running);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async restart() {
      await stop();
      child = await launch(port, dir);
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`);
    if (await probePort(port, { send: 'PING\r\n', answer: '+PONG' })) return child;
    await sleep(25);
  }
  await stopChild(child);
  throw new Error(`redis-server did not answer PING on port ${port} within 5 s: ${stderr}`);
}

/** A port that was free on 127.0.0.1 a moment ago (also: a closed port to dial). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
