/**
 * Test helpers for the CLI: run `signwire` as a child process (through
 * tsx, from the project root; asynchronously, so a server in the test
 * process keeps answering), and start an App that verifies signatures with
 * the keys of a keys file.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { App } from '../../src/app/app.ts';
import { loadKeys } from '../../src/sign/keys/load-keys.ts';
import { verifySignature } from '../../src/sign/middleware.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `signwire ARGS…` (optionally with stdin) and resolves when it exits; killed after `timeoutMs`. */
export function runCli(args: readonly string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> {
  return runProcess(process.execPath, ['--import', 'tsx', MAIN, ...args], options);
}

/** Runs any command from the project root. */
export function runProcess(file: string, args: readonly string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * An App on 127.0.0.1 guarded by `verifySignature` with the keys of `keysFile`:
 * GET /whoami → 200 with the verified signature, POST /orders → 201 echoing the JSON order.
 */
export async function startSignedApp(t: TestContext, keysFile: string): Promise<string> {
  const app = new App();
  const guard = verifySignature({ keys: await loadKeys(keysFile) });
  app.get('/whoami', guard, (c) => c.json(c.get('signature')));
  app.post('/orders', guard, async (c) => c.json({ order: await c.req.json(), signature: c.get('signature') }, 201));
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  return `http://127.0.0.1:${server.port}`;
}
