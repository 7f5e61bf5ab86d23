/**
 * The keys `verifyResponse` trusts: one key (`key` and `alg`, optionally
 * pinned to a `keyId`), or several by key id (`keys`: a map in the shape of
 * a keys file, or a lookup function). As on the server, the key's own `alg`
 * decides; a signature whose `alg` parameter disagrees is refused.
 *
 *   { "api-2025": { "alg": "ed25519", "publicKey": "-----BEGIN PUBLIC KEY-----\n…" },
 *     "api-hmac": { "alg": "hmac-sha256", "secret": "…" } }
 */
import { SignwireError } from '../errors.ts';
import { SignatureError } from '../sign/errors.ts';
import type { WebCryptoKey } from './signing-key.ts';
import type { VerifyingKey } from './verifying-key.ts';
import { isClientAlgorithm, WEBCRYPTO_ALGORITHMS, type ClientAlgorithm } from './webcrypto-algorithms.ts';

/** A key by id, as a keys file writes it: a shared secret, or a public key (SPKI PEM or `CryptoKey`). */
export type ClientKeyConfig =
  | { readonly alg: 'hmac-sha256'; readonly secret: string | Uint8Array | WebCryptoKey }
  | { readonly alg: Exclude<ClientAlgorithm, 'hmac-sha256'>; readonly publicKey: string | WebCryptoKey };

/** Keys by id: a map, or a lookup function. */
export type ClientKeySource =
  | Readonly<Record<string, ClientKeyConfig>>
  | ((keyId: string) => Promise<ClientKeyConfig | undefined> | ClientKeyConfig | undefined);

/** What a key id resolved to. */
export interface ResolvedKey {
  readonly alg: ClientAlgorithm;
  readonly key: VerifyingKey;
}

/** The key options of `verifyResponse`. */
export interface KeyOptions {
  readonly keys?: ClientKeySource | undefined;
  readonly key?: VerifyingKey | undefined;
  readonly alg?: ClientAlgorithm | undefined;
  readonly keyId?: string | undefined;
}

/**
 * A lookup from key id to key; checks the options (`ERR_INVALID_OPTION`).
 * The lookup rejects with `ERR_SIG_UNKNOWN_KEY` for an id it does not
 * know, `ERR_INVALID_KEY` for an entry that is not a key.
 *
 * @example
 * const lookup = keyLookup({ key: serverPublicPem, alg: 'ed25519' });
 * const { alg, key } = await lookup('api-2025');
 */
export function keyLookup(options: KeyOptions): (keyId: string) => Promise<ResolvedKey> {
  const { keys, key, alg, keyId } = options;
  if ((keys === undefined) === (key === undefined)) throw invalid('verifyResponse needs either "keys" or "key" with "alg", not both');
  if (keys !== undefined) return fromSource(keys);
  if (!isClientAlgorithm(alg)) throw invalid(`verifyResponse "alg" must be one of ${Object.keys(WEBCRYPTO_ALGORITHMS).join(', ')}; got ${JSON.stringify(alg)}`);
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) throw invalid('verifyResponse "keyId" must be a non-empty string');
  const resolved: ResolvedKey = { alg, key: key! };
  return async (id) => {
    if (keyId !== undefined && id !== keyId) throw unknown(id);
    return resolved;
  };
}

function fromSource(keys: ClientKeySource): (keyId: string) => Promise<ResolvedKey> {
  if (typeof keys === 'function') return async (id) => resolve(id, await keys(id));
  if (typeof keys !== 'object' || keys === null) throw invalid('verifyResponse "keys" must be a map of key id → key or a lookup function');
  return async (id) => resolve(id, Object.hasOwn(keys, id) ? keys[id] : undefined);
}

function resolve(keyId: string, config: ClientKeyConfig | undefined): ResolvedKey {
  if (config === undefined || config === null) throw unknown(keyId);
  if (typeof config !== 'object' || !isClientAlgorithm(config.alg)) throw badEntry(keyId, 'has no known "alg"');
  const key = config.alg === 'hmac-sha256' ? config.secret : (config as { publicKey?: string | WebCryptoKey }).publicKey;
  if (key === undefined || key === null) throw badEntry(keyId, config.alg === 'hmac-sha256' ? 'needs a "secret"' : 'needs a "publicKey"');
  return { alg: config.alg, key };
}

function unknown(keyId: string): SignatureError {
  return new SignatureError('ERR_SIG_UNKNOWN_KEY', `unknown key id "${keyId}"`);
}

function badEntry(keyId: string, why: string): SignwireError {
  return new SignwireError('ERR_INVALID_KEY', `the key "${keyId}" ${why}`);
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', message);
}
