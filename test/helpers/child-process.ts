/**
 * Test helpers for the processes tests start (redis-server, nginx, fixture
 * servers): whether one is ready on its port, and stopping one within a
 * bounded time, whatever state it is in.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * True when 127.0.0.1:`port` accepts a connection within 500 ms and, given a
 * `greeting`, answers it with something that starts with `answer`.
 */
export function probePort(port: number, greeting?: { send: string; answer: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => (greeting === undefined ? done(true) : socket.write(greeting.send)));
    socket.on('data', (data) => done(greeting !== undefined && data.toString().startsWith(greeting.answer)));
  });
}

/**
 * SIGCONT (a paused process would not act on SIGTERM), SIGTERM, then SIGKILL
 * after `graceMs`; resolves once the process has exited.
 */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
