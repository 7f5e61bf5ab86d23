/**
 * `signwire/client` must run in browsers: walking its import graph from
 * src/client/index.ts (relative imports followed; `import type` and
 * `export type` are erased by the compiler and skipped), no module may
 * import a `node:` module or any package, nor use `Buffer`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const ENTRY = new URL('../../src/client/index.ts', import.meta.url);

/** Runtime module specifiers of a source file: static imports and re-exports (not type-only), dynamic imports. */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  const statement = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  const dynamic = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(statement)) specifiers.push(match[1]!);
  for (const match of source.matchAll(dynamic)) specifiers.push(match[1]!);
  return specifiers;
}

/** The source without comments, so a comment that mentions `Buffer` does not count. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"])\/\/.*$/gm, '$1');
}

function importGraph(entry: URL): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file.href)) continue;
    const source = readFileSync(file, 'utf8');
    files.set(file.href, source);
    for (const specifier of runtimeImports(source)) {
      if (specifier.startsWith('.')) pending.push(new URL(specifier, file));
      else files.set(`${file.href} imports ${specifier}`, '');
    }
  }
  return files;
}

test('the client import graph has no node: import, no package import and no Buffer', () => {
  const graph = importGraph(ENTRY);
  const offences: string[] = [];
  for (const [file, source] of graph) {
    if (file.includes(' imports ')) offences.push(file.replace(/^.*\/src\//, 'src/'));
    else if (/\bBuffer\b/.test(withoutComments(source))) offences.push(`${file.replace(/^.*\/src\//, 'src/')} uses Buffer`);
  }
  assert.deepEqual(offences, []);
  const names = [...graph.keys()].map((file) => file.replace(/^.*\/src\//, 'src/'));
  // The walk does reach the shared RFC 9421 code, and not the node:crypto algorithm table.
  assert.ok(names.includes('src/sign/rfc9421/signature-base.ts'), names.join('\n'));
  assert.ok(!names.includes('src/sign/rfc9421/algorithms.ts'));
});

test('the walker catches what it must catch', () => {
  assert.deepEqual(runtimeImports("import { a } from 'node:crypto';\nexport * from './x.ts';\nimport type { T } from 'node:fs';"), ['node:crypto', './x.ts']);
  assert.deepEqual(runtimeImports("import {\n  a,\n  b,\n} from '../y.ts';\nconst m = await import('node:os');"), ['../y.ts', 'node:os']);
  assert.equal(/\bBuffer\b/.test(withoutComments('/** no `Buffer` */\n// Buffer\nconst x = 1;')), false);
  assert.equal(/\bBuffer\b/.test(withoutComments('const b = Buffer.from("x");')), true);
});
