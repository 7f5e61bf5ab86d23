/**
 * The classic sign's tests use the worked examples of
 * ../shared/vectors/classic as fixtures throughout (classic.fixture.ts):
 * the pure signature, the parameter sources, verification, and end to end
 * over a socket. Where ../shared is absent (a clone on its own) they skip
 * with a printed reason.
 */
import { existsSync } from 'node:fs';
import { test } from 'node:test';

const VECTORS = new URL('../../../shared/vectors/classic/vectors.json', import.meta.url);

if (existsSync(VECTORS)) {
  await import('./classic-signature.cases.ts');
  await import('./classic-sources.cases.ts');
  await import('./classic-verify.cases.ts');
  await import('./classic-end-to-end.cases.ts');
} else {
  const reason = '../shared/vectors/classic is absent (a clone without ../shared)';
  console.log(`classic sign tests skipped: ${reason}`);
  test('classic sign: WeChat Pay v2 vectors, options and end-to-end verification', { skip: reason }, () => {});
}
