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
  /** Time on a CPU so far, all threads, with its child processes (cluster workers), in seconds. */
  readonly cpuS: number;
  /** Time the main thread (and its child processes' main threads) was runnable but not running (its core busy with other work), in seconds. */
  readonly waitS: number;
}

/** From /proc/PID/task/TID/schedstat: "time on cpu (ns) · time waiting on a run queue (ns) · slices". */
export async function schedTimes(pid: number): Promise<SchedTimes> {
  let cpuNs = 0;
  let waitNs = 0;
  const children: number[] = [];
  for (const task of await readdir(`/proc/${pid}/task`)) {
    const [cpu = 0, wait = 0] = (await readFile(`/proc/${pid}/task/${task}/schedstat`, 'utf8').catch(() => ''))
      .split(' ')
      .map(Number);
    cpuNs += cpu;
    if (task === String(pid)) waitNs = wait;
    children.push(...(await childrenOf(pid, task)));
  }
  for (const child of children) {
    const times = await schedTimes(child).catch(() => undefined);
    cpuNs += (times?.cpuS ?? 0) * 1e9;
    waitNs += (times?.waitS ?? 0) * 1e9;
  }
  return { cpuS: cpuNs / 1e9, waitS: waitNs / 1e9 };
}

/** The processes a task started (/proc/PID/task/TID/children): a cluster's workers. */
async function childrenOf(pid: number, task: string): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
  return text.split(' ').filter((word) => word !== '').map(Number);
}
