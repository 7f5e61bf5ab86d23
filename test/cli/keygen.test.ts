/**
 * `signwire keygen`: the keys file it writes is what `loadKeys` reads; a
 * second key is merged in; asymmetric keys leave their private half in
 * ID.private.pem (mode 0600) beside the keys file; nothing is overwritten.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadKeys } from '../../src/sign/keys/load-keys.ts';
import { tempDir } from '../helpers/clients.ts';
import { runCli } from './run-cli.ts';

test('keygen writes hmac, ed25519 and ecdsa keys into one keys file that loadKeys accepts', async (t) => {
  const dir = tempDir(t, 'signwire-cli-');
  const out = path.join(dir, 'signwire.keys.json');
  const hmac = await runCli(['keygen', '--id', 'shared', '--out', out]);
  assert.equal(hmac.code, 0, hmac.stderr);
  assert.match(hmac.stdout, /Created .*signwire\.keys\.json with the hmac-sha256 key "shared"/);
  for (const alg of ['ed25519', 'ecdsa-p256-sha256']) {
    const pair = await runCli(['keygen', '--alg', alg, '--id', alg, '--out', out]);
    assert.equal(pair.code, 0, pair.stderr);
    assert.match(pair.stdout, new RegExp(`--private-key .*${alg}\\.private\\.pem`));
    const privateFile = path.join(dir, `${alg}.private.pem`);
    assert.match(readFileSync(privateFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(statSync(privateFile).mode & 0o777, 0o600);
  }
  const keys = await loadKeys(out);
  assert.deepEqual(Object.fromEntries(Object.entries(keys).map(([id, key]) => [id, key.alg])), {
    shared: 'hmac-sha256',
    ed25519: 'ed25519',
    'ecdsa-p256-sha256': 'ecdsa-p256-sha256',
  });
  const secret = (keys['shared'] as { secret: string }).secret;
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
});

test('keygen refuses an id that is already in the file, and a bad alg or id, with exit 2', async (t) => {
  const out = path.join(tempDir(t, 'signwire-cli-'), 'keys.json');
  assert.equal((await runCli(['keygen', '--id', 'a', '--out', out])).code, 0);
  const before = readFileSync(out, 'utf8');
  const again = await runCli(['keygen', '--id', 'a', '--out', out]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already has a key "a"/);
  assert.equal(readFileSync(out, 'utf8'), before);
  const badAlg = await runCli(['keygen', '--alg', 'rsa-sha1', '--out', out]);
  assert.equal(badAlg.code, 2);
  assert.match(badAlg.stderr, /--alg must be/);
  const badId = await runCli(['keygen', '--id', '../escape', '--out', out]);
  assert.equal(badId.code, 2);
});
