/**
 * Turns the `keys` option (a map, a `KeyStore` or a function) into one
 * async lookup. A map is validated up front; what a store or a function
 * returns is validated on first use and cached per key id for maps only.
 */
import { SignwireError } from '../../errors.ts';
import type { KeyConfig, KeyInput, KeySource } from './key-config.ts';
import { validateKey } from './validate-key.ts';

export type KeyLookup = (keyId: string) => Promise<KeyConfig | undefined>;

/** One async lookup for any `KeySource`; throws `ERR_INVALID_OPTION` for anything else. */
export function keyLookup(source: KeySource | undefined): KeyLookup {
  if (typeof source === 'function') {
    return async (keyId) => checked(keyId, await source(keyId));
  }
  // Anything with a get() function is a store (a key entry is never a function, so a map cannot be mistaken).
  if (typeof source === 'object' && source !== null && typeof (source as { get?: unknown }).get === 'function') {
    const store = source as { get(keyId: string): Promise<KeyInput | undefined> | KeyInput | undefined };
    return async (keyId) => checked(keyId, await store.get(keyId));
  }
  if (typeof source === 'object' && source !== null) {
    const keys = new Map<string, KeyConfig>();
    for (const [keyId, entry] of Object.entries(source)) keys.set(keyId, validateKey(keyId, entry));
    return (keyId) => Promise.resolve(keys.get(keyId));
  }
  throw new SignwireError('ERR_INVALID_OPTION', 'verifySignature needs "keys": a map of key id → key, a KeyStore, or a lookup function');
}

/** Validated entries by the object a store returned, so a PEM is parsed once, not per request. */
const validated = new WeakMap<KeyInput, KeyConfig>();

function checked(keyId: string, entry: KeyInput | undefined): KeyConfig | undefined {
  if (entry === undefined) return undefined;
  let key = validated.get(entry);
  if (key === undefined) {
    key = validateKey(keyId, entry);
    validated.set(entry, key);
  }
  return key;
}
