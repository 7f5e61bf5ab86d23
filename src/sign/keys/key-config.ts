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

/** Something that finds a key by id. */
export interface KeyStore {
  get(keyId: string): Promise<KeyConfig | undefined> | KeyConfig | undefined;
}

/** The `keys` option: a map of id → key, a `KeyStore`, or a lookup function. */
export type KeySource = Readonly<Record<string, KeyConfig>> | KeyStore | ((keyId: string) => Promise<KeyConfig | undefined> | KeyConfig | undefined);
