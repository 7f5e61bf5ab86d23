/** What the harness reads about a process from /proc: its resident memory and its scheduling times. */
import { readdir, readFile } from 'node:fs/promises';

/** Resident set size of a process, in KiB, from /proc/PID/status (VmRSS). */
export async function residentKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

export interface SchedTimes {
  /** Time on a CPU so far, all threads, in seconds. */
  readonly cpuS: number;
  /** Time the main thread was runnable but not running (its core busy with other work), in seconds. */
  readonly waitS: number;
}

/** From /proc/PID/task/TID/schedstat: "time on cpu (ns) · time waiting on a run queue (ns) · slices". */
export async function schedTimes(pid: number): Promise<SchedTimes> {
  let cpuNs = 0;
  let waitNs = 0;
  for (const task of await readdir(`/proc/${pid}/task`)) {
    const [cpu = 0, wait = 0] = (await readFile(`/proc/${pid}/task/${task}/schedstat`, 'utf8').catch(() => ''))
      .split(' ')
      .map(Number);
    cpuNs += cpu;
    if (task === String(pid)) waitNs = wait;
  }
  return { cpuS: cpuNs / 1e9, waitS: waitNs / 1e9 };
}
