/**
 * Keys: what a key id resolves to. An HMAC key has a shared secret (a
 * string is its UTF-8 bytes); the asymmetric ones have a public key (PEM or
 * a `KeyObject`). The key's `alg` decides: a request whose `alg` parameter
 * disagrees is rejected with `ERR_SIG_ALG_MISMATCH`.
 */
import type { KeyObject } from 'node:crypto';

export type AsymmetricAlgorithm = 'ed25519' | 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384' | 'rsa-pss-sha512' | 'rsa-v1_5-sha256';

export type KeyConfig =
  | { readonly alg: 'hmac-sha256'; readonly secret: string | Uint8Array }
  | { readonly alg: AsymmetricAlgorithm; readonly publicKey: string | KeyObject };

/**
 * What a user may write for a key: a `KeyConfig`, or just `{ secret }` for a
 * shared secret (an AWS secret access key, a webhook secret), which is read
 * as `{ alg: 'hmac-sha256', secret }`.
 */
export type KeyInput = KeyConfig | { readonly secret: string | Uint8Array };

/** Something that finds a key by id. */
export interface KeyStore {
  get(keyId: string): Promise<KeyInput | undefined> | KeyInput | undefined;
}

/** The `keys` option: a map of id → key, a `KeyStore`, or a lookup function. */
export type KeySource = Readonly<Record<string, KeyInput>> | KeyStore | ((keyId: string) => Promise<KeyInput | undefined> | KeyInput | undefined);
