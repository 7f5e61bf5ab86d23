/**
 * The demo's key file: created on first run with a random hmac-sha256
 * secret, reused afterwards, so `npm start` needs nothing configured. A
 * file that exists is never written over: one without the demo key (someone
 * else's keys, or not a keys file) is refused with ERR_INVALID_OPTION.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SignwireError } from '../errors.ts';
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

/**
 * Reads the demo key file, or creates it (mode 0600) with a fresh secret when there is none.
 *
 * @example
 * const { keyId, secret, created } = await ensureDemoKeys(); // 'demo', a random secret, true on the first run
 */
export async function ensureDemoKeys(path = DEMO_KEYS_FILE): Promise<DemoKeys> {
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    const key = demoKeyIn(existing, path);
    if (key?.alg === 'hmac-sha256' && typeof key.secret === 'string') return { path, keyId: DEMO_KEY_ID, secret: key.secret, created: false };
    throw new SignwireError('ERR_INVALID_OPTION', `${path} has no hmac-sha256 key "${DEMO_KEY_ID}", and it is not written over: name a file that does not exist yet`);
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dirname(path), { recursive: true });
  const content = { keys: { [DEMO_KEY_ID]: { alg: 'hmac-sha256', secret } } };
  await writeFile(path, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  return { path, keyId: DEMO_KEY_ID, secret, created: true };
}

function demoKeyIn(text: string, path: string): ReturnType<typeof parseKeys>[string] | undefined {
  try {
    return parseKeys(JSON.parse(text))[DEMO_KEY_ID];
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new SignwireError('ERR_INVALID_OPTION', `${path} is not a keys file (${why}), and it is not written over: name a file that does not exist yet`);
  }
}
