/**
 * Files the server may not read: `c.file()` and `serveStatic()` answer 403
 * `ERR_FORBIDDEN` before anything is sent, instead of a 200 whose body is cut
 * short when the file fails to open. Root reads every file whatever its
 * mode, so when the tests run as root the app runs in a child process as the
 * unprivileged user "nobody" (uid 65534): bundled into one file in the temp
 * directory first, as nobody may not be able to read the project where it
 * lies (under /root, say).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/static-permissions-app.ts', import.meta.url));
const NOBODY = 65534;

interface Answer {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code?: string;
  readonly body?: string;
}

/** The fixture and the source it imports as one module in `dir`, readable by anyone. */
async function bundleFixture(dir: string): Promise<string> {
  const outfile = path.join(dir, 'app.mjs');
  await build({ entryPoints: [FIXTURE], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  await chmod(outfile, 0o644);
  return outfile;
}

/** Runs the bundled fixture over `dir` for each "METHOD /path", as nobody when this process is root. */
function ask(app: string, dir: string, requests: readonly string[]): Promise<Answer[]> {
  const asRoot = process.getuid?.() === 0;
  const child = spawn(process.execPath, [app, dir, ...requests], {
    cwd: path.dirname(app),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
    ...(asRoot && { uid: NOBODY, gid: NOBODY }),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the fixture exited with ${code}: ${err}`));
      resolve(out.trim().split('\n').map((line) => JSON.parse(line) as Answer));
    });
  });
}

test('a file the server may not read is 403 ERR_FORBIDDEN, and readable ones are still served', async (t) => {
  const work = await mkdtemp(path.join(tmpdir(), 'signwire-perm-'));
  t.after(async () => {
    await chmod(path.join(work, 'files', 'locked'), 0o755).catch(() => {}); // unprivileged, it could not be removed
    await rm(work, { recursive: true, force: true });
  });
  await chmod(work, 0o755); // mkdtemp makes it 0700: nobody could not even look inside
  const app = await bundleFixture(work);
  const dir = path.join(work, 'files');
  await mkdir(dir, { mode: 0o755 });
  await writeFile(path.join(dir, 'open.txt'), 'you may read this');
  await writeFile(path.join(dir, 'secret.txt'), 'not for you');
  await chmod(path.join(dir, 'secret.txt'), 0o000);
  await mkdir(path.join(dir, 'locked'));
  await writeFile(path.join(dir, 'locked', 'inner.txt'), 'behind a closed door');
  await chmod(path.join(dir, 'locked'), 0o000); // no one but root may search it

  const answers = await ask(app, dir, [
    'GET /file/open.txt',
    'GET /file/secret.txt',
    'GET /file/locked/inner.txt',
    'GET /static/open.txt',
    'GET /static/secret.txt',
    'HEAD /static/secret.txt',
    'GET /static/locked/inner.txt',
    'GET /static/missing.txt',
  ]);
  const summary = answers.map((a) => `${a.method} ${a.path} ${a.status} ${a.code ?? a.body}`);
  assert.deepEqual(summary, [
    'GET /file/open.txt 200 you may read this',
    'GET /file/secret.txt 403 ERR_FORBIDDEN',
    'GET /file/locked/inner.txt 403 ERR_FORBIDDEN',
    'GET /static/open.txt 200 you may read this',
    'GET /static/secret.txt 403 ERR_FORBIDDEN',
    'HEAD /static/secret.txt 403 ',
    'GET /static/locked/inner.txt 403 ERR_FORBIDDEN',
    'GET /static/missing.txt 404 ERR_NOT_FOUND',
  ]);
});
