/**
 * Graceful shutdown under load: wrk drives `signwire serve` (one process,
 * then `--workers 2`) and SIGTERM lands mid-run. Every request the app
 * received must have reached wrk as a complete response: the app's own
 * count (test/fixtures/cluster-app.ts prints it as each process exits)
 * equals the 200s wrk's Lua script counted, so no response was cut off or
 * reset mid-way. The server exits 0 within its grace period (5 s).
 *
 * Needs `wrk`: skipped with a reason when missing, failed when CI is set.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireBinary } from '../helpers/clients.ts';
import { servingPort, startCli } from '../helpers/cluster-process.ts';

const APP = fileURLToPath(new URL('../fixtures/cluster-app.ts', import.meta.url));
const COUNT_SCRIPT = fileURLToPath(new URL('../fixtures/wrk-count.lua', import.meta.url));
/** `signwire serve`'s grace period. */
const GRACE_MS = 5_000;

interface WrkCount {
  readonly ok: number;
  readonly other: number;
  readonly read: number;
  readonly timeout: number;
}

/** wrk for 3 s on /work (bounded: killed after 20 s); resolves with what its script counted. */
function runWrk(port: number): Promise<WrkCount> {
  const args = ['-t1', '-c32', '-d3s', '--timeout', '3s', '-s', COUNT_SCRIPT, `http://127.0.0.1:${port}/work`];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: 20_000, killSignal: 'SIGKILL' }, (error, stdout) => {
      const line = /counted ok=(\d+) other=(\d+) connect=\d+ read=(\d+) write=\d+ timeout=(\d+)/.exec(stdout);
      if (line === null) return reject(error ?? new Error(`no count in wrk's output:\n${stdout}`));
      const [ok, other, read, timeout] = line.slice(1).map(Number) as [number, number, number, number];
      resolve({ ok, other, read, timeout });
    });
  });
}

/** The requests each process's app saw, from its `requests-seen {…}` exit lines. */
function requestsSeen(stdout: string): number[] {
  return [...stdout.matchAll(/^requests-seen (\{.*\})$/gm)].map((m) => (JSON.parse(m[1]!) as { count: number }).count);
}

describe('SIGTERM under wrk load', { timeout: 120_000 }, () => {
  for (const { name, args, processes } of [
    { name: 'one process', args: [], processes: 1 },
    { name: '--workers 2', args: ['--workers', '2'], processes: 2 },
  ]) {
    test(`${name}: every request the app received is answered in full; exit 0 within the grace period`, async (t) => {
      if (!requireBinary(t, 'wrk')) return;
      const server = startCli(t, ['serve', APP, ...args, '--port', '0', '--quiet']);
      const port = await servingPort(server);
      const load = runWrk(port);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const signalled = Date.now();
      server.signal('SIGTERM');
      const exit = await server.exited(GRACE_MS + 5_000);
      const stoppedMs = Date.now() - signalled;
      const wrk = await load;
      const seen = requestsSeen(server.stdout);
      t.diagnostic(`wrk: ${wrk.ok} × 200, ${wrk.other} other, ${wrk.read} read errors; app saw ${seen.join(' + ')}; stopped in ${stoppedMs} ms`);
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(stoppedMs < GRACE_MS + 1_000, `stopped ${stoppedMs} ms after SIGTERM`);
      assert.equal(seen.length, processes, 'every serving process reported its count');
      assert.ok(wrk.ok > 100, `the load ran: ${wrk.ok} responses`);
      assert.equal(wrk.ok, seen.reduce((sum, n) => sum + n, 0), 'responses received = requests the app saw');
      assert.equal(wrk.timeout, 0);
    });
  }
});
