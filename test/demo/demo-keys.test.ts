/**
 * The demo's keys file: created on the first run, reused on the next, and
 * never written over when it holds something else (another keys file, or
 * not JSON): that is ERR_INVALID_OPTION and the file keeps its bytes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SignwireError } from '../../src/index.ts';
import { DEMO_KEY_ID, ensureDemoKeys } from '../../src/demo/demo-keys.ts';

function tempFile(t: { after: (fn: () => void) => void }, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'signwire-demo-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'nested', name);
}

test('the first run creates the file (mode 0600) with a fresh secret; the next reuses it', async (t) => {
  const path = tempFile(t, 'demo.keys.json');
  const first = await ensureDemoKeys(path);
  assert.equal(first.created, true);
  assert.equal(first.keyId, DEMO_KEY_ID);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const again = await ensureDemoKeys(path);
  assert.deepEqual(again, { ...first, created: false });
});

test('a file without the demo key, or not a keys file, is refused and left byte for byte', async (t) => {
  const path = tempFile(t, 'partner.keys.json');
  await ensureDemoKeys(path); // makes the directory
  for (const content of [
    `${JSON.stringify({ keys: { partner: { alg: 'hmac-sha256', secret: 'partner-secret' } } })}\n`,
    `${JSON.stringify({ keys: { [DEMO_KEY_ID]: { alg: 'ed25519', publicKey: 'MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=' } } })}\n`,
    'not json at all',
  ]) {
    writeFileSync(path, content);
    await assert.rejects(ensureDemoKeys(path), (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION', content);
    assert.equal(readFileSync(path, 'utf8'), content);
  }
});
