/**
 * Test helpers for the processes tests start (redis-server, nginx, fixture
 * servers): stop one within a bounded time, whatever state it is in.
 */
import type { ChildProcess } from 'node:child_process';

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
