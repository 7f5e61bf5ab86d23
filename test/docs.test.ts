/**
 * The docs cannot fall behind the code: every error code and every limit
 * must be documented.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_LIMITS } from '../src/index.ts';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

test('every error code in the ErrorCode union is documented in docs/errors.md', () => {
  const codes = [...read('src/errors.ts').matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map((match) => match[1]!);
  assert.ok(codes.length > 20, 'the ErrorCode union was found');
  const docs = read('docs/errors.md');
  const missing = codes.filter((code) => !docs.includes(`\`${code}\``));
  assert.deepEqual(missing, []);
});

test('every limit in DEFAULT_LIMITS is documented in docs/limits.md with its default', () => {
  const docs = read('docs/limits.md');
  for (const [name, value] of Object.entries(DEFAULT_LIMITS)) {
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    assert.ok(row !== undefined, `${name} has a row`);
    assert.ok(row.includes(String(value)), `${name} row states its default ${value}`);
  }
});

test('DEFAULT_LIMITS is frozen', () => {
  assert.ok(Object.isFrozen(DEFAULT_LIMITS));
});
