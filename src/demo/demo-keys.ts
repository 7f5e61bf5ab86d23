/**
 * The demo's key file: created on first run with a random hmac-sha256
 * secret, reused afterwards, so `npm start` needs nothing configured.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseKeys } from '../sign/keys/load-keys.ts';

export const DEMO_KEYS_FILE = '.signwire/demo.keys.json';
export const DEMO_KEY_ID = 'demo';

export interface DemoKeys {
  readonly path: string;
  readonly keyId: string;
  readonly secret: string;
  /** True when this run created the file. */
  readonly created: boolean;
}

/** Reads the demo key file, or creates it (mode 0600) with a fresh secret. */
export async function ensureDemoKeys(path = DEMO_KEYS_FILE): Promise<DemoKeys> {
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const key = parseKeys(JSON.parse(existing))[DEMO_KEY_ID];
    if (key?.alg === 'hmac-sha256' && typeof key.secret === 'string') return { path, keyId: DEMO_KEY_ID, secret: key.secret, created: false };
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dirname(path), { recursive: true });
  const content = { keys: { [DEMO_KEY_ID]: { alg: 'hmac-sha256', secret } } };
  await writeFile(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  return { path, keyId: DEMO_KEY_ID, secret, created: true };
}
