/**
 * `loadKeys(path)`: reads a keys file and validates every entry.
 *
 * ```json
 * { "keys": { "demo": { "alg": "hmac-sha256", "secret": "…" },
 *             "partner-a": { "alg": "ed25519", "publicKey": "-----BEGIN PUBLIC KEY-----\n…" } } }
 * ```
 *
 * @example
 * app.post('/orders', verifySignature({ keys: await loadKeys('signwire.keys.json') }), handler);
 */
import { readFile } from 'node:fs/promises';
import { SignwireError } from '../../errors.ts';
import type { KeyConfig } from './key-config.ts';
import { validateKey } from './validate-key.ts';

/** Reads and validates a keys file; throws `ERR_INVALID_KEY` with the file and the bad entry named. */
export async function loadKeys(path: string): Promise<Record<string, KeyConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SignwireError('ERR_INVALID_KEY', `cannot read keys file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SignwireError('ERR_INVALID_KEY', `keys file ${path} is not valid JSON`, { cause: error });
  }
  try {
    return parseKeys(parsed);
  } catch (error) {
    if (error instanceof SignwireError) throw new SignwireError('ERR_INVALID_KEY', `keys file ${path}: ${error.message}`);
    throw error;
  }
}

/** Validates the parsed content of a keys file (`{ "keys": { id: entry } }`). */
export function parseKeys(content: unknown): Record<string, KeyConfig> {
  const keys = typeof content === 'object' && content !== null ? (content as { keys?: unknown }).keys : undefined;
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    throw new SignwireError('ERR_INVALID_KEY', 'expected an object { "keys": { "<key id>": { "alg": … } } }');
  }
  // Built with fromEntries, so that a key id such as "__proto__" is a key like the others, not the object's prototype.
  return Object.fromEntries(
    Object.entries(keys).map(([keyId, entry]) => {
      if (keyId === '' || keyId.length > 256) throw new SignwireError('ERR_INVALID_KEY', `key id ${JSON.stringify(keyId)} must be 1-256 characters`);
      return [keyId, validateKey(keyId, entry)];
    }),
  );
}
