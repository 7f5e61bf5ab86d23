/**
 * Starts `signwire serve` (the demo, from the built package) as a child
 * process in a directory, and reads its banner: the URL, the playground
 * and the signed request it suggests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';

export const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

export interface DemoProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the process printed before it was ready. */
  readonly banner: string;
}

/** Runs `command args…` in `cwd` until its banner names the port; stopped when the test ends. */
export function startDemo(t: TestContext, cwd: string, command = process.execPath, args = [CLI, 'serve', '--port', '0', '--quiet']): Promise<DemoProcess> {
  // Its own process group, so that stopping it also stops what it started (npm start → node).
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '0' }, detached: true });
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  });
  return new Promise((resolve, reject) => {
    let banner = '';
    const timer = setTimeout(() => reject(new Error(`no banner after 120 s:\n${banner}`)), 120_000);
    const read = (chunk: Buffer): void => {
      banner += chunk.toString('utf8');
      const port = /Serving HTTP on http:\/\/127\.0\.0\.1:(\d+) \.\.\./.exec(banner)?.[1];
      if (port !== undefined && /signwire request [^\n]*\n/.test(banner)) {
        clearTimeout(timer);
        resolve({ child, port: Number(port), banner });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before serving:\n${banner}`));
    });
  });
}
