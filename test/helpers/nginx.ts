/**
 * Test helpers: run a real, throwaway nginx in front of signwire on
 * 127.0.0.1. The `http { … }` body a test gives is wrapped in a complete
 * config written into a temp dir (pid file, error log and temp paths all
 * there), and nginx runs in the foreground (`daemon off`) as the current
 * user, so the test owns the process and stops it. Every wait is bounded.
 *
 * The proxy config the tests use is the one docs/deployment.md shows: it is
 * read from there (`deploymentSnippet`), so the docs cannot drift from what
 * is tested.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from './redis-server.ts';
import { probePort, stopChild } from './child-process.ts';

/** Where nginx may be: on the PATH, or in /usr/sbin (not on every user's PATH). */
const CANDIDATES = ['nginx', '/usr/sbin/nginx'];
const DOCS = new URL('../../docs/deployment.md', import.meta.url);

/**
 * The nginx binary, or undefined with the test skipped ("nginx not
 * installed: apt-get install nginx") — except when `CI` is set: CI must not
 * skip, so the test fails.
 *
 * @example
 * const bin = requireNginx(t);
 * if (bin === undefined) return;
 */
export function requireNginx(t: TestContext): string | undefined {
  const found = CANDIDATES.find((bin) => spawnSync(bin, ['-v'], { timeout: 5_000 }).status === 0);
  if (found !== undefined) return found;
  const reason = 'nginx not installed: apt-get install nginx';
  if (process.env['CI'] !== undefined && process.env['CI'] !== '') assert.fail(`${reason} (CI must not skip)`);
  t.skip(reason);
  return undefined;
}

/**
 * The first ```nginx block of the "Behind a reverse proxy" section of
 * docs/deployment.md: the config the docs recommend and these tests run.
 *
 * @example
 * const http = deploymentSnippet().replace('127.0.0.1:8000', `127.0.0.1:${app.port}`);
 */
export function deploymentSnippet(): string {
  const docs = readFileSync(DOCS, 'utf8');
  const section = /^## Behind a reverse proxy\n([\s\S]*?)(?=^## )/m.exec(docs)?.[1];
  const block = section === undefined ? undefined : /^```nginx\n([\s\S]*?)^```/m.exec(section)?.[1];
  assert.ok(block !== undefined, 'docs/deployment.md: no ```nginx block under "## Behind a reverse proxy"');
  return block;
}

/** `text` with `from` replaced by `to`, asserting `from` occurs exactly once (so a docs edit cannot silently stop a substitution). */
export function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  assert.equal(parts.length, 2, `expected exactly one ${JSON.stringify(from)} in:\n${text}`);
  return parts.join(to);
}

export interface Nginx {
  /** The port nginx listens on, on 127.0.0.1. */
  readonly port: number;
  /** The complete config nginx runs with. */
  readonly config: string;
  /** nginx's error log so far. */
  errorLog(): string;
}

/**
 * Starts nginx with `http(port)` as the body of its `http { }` block, on a
 * free port of 127.0.0.1 (tried up to 3 times, in case another process takes
 * the port first), waits (up to 5 s) until it accepts connections, and stops
 * it when the test ends.
 *
 * @example
 * const nginx = await startNginx(t, bin, (port) => `server { listen 127.0.0.1:${port}; return 204; }`);
 */
export async function startNginx(t: TestContext, bin: string, http: (port: number) => string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'signwire-nginx-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let failure = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = wholeConfig(dir, http(port));
    writeFileSync(join(dir, 'nginx.conf'), config);
    const started = await launch(bin, dir, port);
    if (typeof started === 'string') {
      failure = started;
      if (!started.includes('Address already in use')) break;
      continue;
    }
    t.after(() => stopChild(started));
    return { port, config, errorLog: () => readLog(dir) };
  }
  throw new Error(`nginx did not start: ${failure}`);
}

/** A complete nginx.conf around `http`: one worker, everything written under `dir`. */
function wholeConfig(dir: string, http: string): string {
  // As root, nginx would switch its worker to "nobody", which cannot use the temp dir: stay root.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${join(dir, kind)};`).join('\n');
  return `${user}worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 512; }
http {
    access_log off;
${temp}
${http}
}
`;
}

/** Runs nginx in the foreground; resolves with the process once the port accepts, or with the reason it did not. */
async function launch(bin: string, dir: string, port: number): Promise<ChildProcess | string> {
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('error', (error) => (stderr += error.message));
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return `exit ${child.exitCode}: ${stderr}${readLog(dir)}`;
    if (ownsPidFile(dir, child) && (await probePort(port))) return child;
    await sleep(25);
  }
  await stopChild(child);
  return `not accepting on port ${port} within 5 s: ${stderr}${readLog(dir)}`;
}

/** nginx writes its pid file once its listening sockets are open: then the port is nginx's, not another process's. */
function ownsPidFile(dir: string, child: ChildProcess): boolean {
  try {
    return readFileSync(join(dir, 'nginx.pid'), 'utf8').trim() === String(child.pid);
  } catch {
    return false;
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8');
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
