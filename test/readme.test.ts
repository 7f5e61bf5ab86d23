/**
 * Every code block in the README is exercised: TypeScript blocks are kept
 * verbatim as files under examples/ and run; the CLI lines run against the
 * demo server; the two commands at the top are what the newcomer test runs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireBinary } from './helpers/clients.ts';
import { CLI, startDemo } from './helpers/demo-process.ts';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));

test('the README opens with the two commands: npm install && npm start, and npm test', () => {
  const first = blocks[0]!;
  assert.equal(first.lang, 'sh');
  assert.deepEqual(first.code.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean), ['npm install && npm start', 'npm test']);
});

test('every TypeScript block of the README is a file under examples/, and each runs', () => {
  const examples = new Map(readdirSync(new URL('examples/', root)).map((name) => [readFileSync(new URL(`examples/${name}`, root), 'utf8'), name]));
  const ts = blocks.filter((block) => block.lang === 'ts');
  assert.ok(ts.length > 0);
  for (const block of ts) {
    const name = examples.get(block.code);
    assert.ok(name !== undefined, `README block has no identical file under examples/:\n${block.code.slice(0, 200)}`);
    const output = execFileSync(process.execPath, ['--import', 'tsx', new URL(`examples/${name}`, root).pathname], { encoding: 'utf8', timeout: 30_000 });
    assert.match(output, /^201 \{ by: 'partner', order: \{ item: 'book' \} \}/);
  }
});

test('every CLI line of the README succeeds against the demo server', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const cwd = mkdtempSync(join(tmpdir(), 'signwire-readme-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const demo = await startDemo(t, cwd);
  const cli = blocks.find((block) => block.lang === 'sh' && block.code.includes('npx signwire'))!;
  const lines = cli.code.split('\n').filter((line) => line.startsWith('npx signwire '));
  assert.ok(lines.length >= 3);
  for (const line of lines) {
    const command = line.replace('npx signwire', `"${process.execPath}" "${CLI}"`).replaceAll('127.0.0.1:8000', `127.0.0.1:${demo.port}`);
    const output = execFileSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout: 20_000 });
    if (line.includes(' --curl')) {
      const answer = execFileSync('bash', ['-c', output.trim()], { cwd, encoding: 'utf8', timeout: 20_000 });
      assert.match(answer, /"item":"book"/, `the printed curl command is accepted: ${answer}`);
    }
    if (line.includes(' -i')) assert.match(output, /^HTTP\/1\.1 200 /);
  }
});
