/**
 * What a newcomer does: clone the repository, `npm install && npm start`,
 * paste the signed request the demo prints, and get an answer. Runs on a
 * fresh clone of the committed tree (so a file missing from git fails it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireBinary } from './helpers/clients.ts';
import { startDemo } from './helpers/demo-process.ts';

const root = new URL('../', import.meta.url).pathname;

test('a fresh clone installs, starts, and answers the signed request it prints', { timeout: 600_000 }, async (t) => {
  if (!requireBinary(t, 'git')) return;
  const dir = mkdtempSync(join(tmpdir(), 'signwire-newcomer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clone = join(dir, 'signwire');
  execFileSync('git', ['clone', '--quiet', root, clone], { stdio: 'ignore' });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: clone, stdio: 'ignore', timeout: 480_000 });
  const demo = await startDemo(t, clone, 'npm', ['start']);
  assert.match(demo.banner, /Playground: http:\/\/127\.0\.0\.1:\d+\//);
  const printed = /^\s*(npx signwire request .*)$/m.exec(demo.banner)?.[1];
  assert.ok(printed !== undefined, `the banner suggests a signed request:\n${demo.banner}`);
  const answer = execFileSync('bash', ['-c', printed], { cwd: clone, encoding: 'utf8', timeout: 60_000 });
  assert.equal(JSON.parse(answer).keyId, 'demo');
});
