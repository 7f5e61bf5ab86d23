/**
 * Where `sign` and `request` get the signing key, exactly one of:
 *
 *   --keys FILE          the key id's entry in a keys file (hmac-sha256 only:
 *                        for the other algorithms a keys file holds the public key)
 *   --secret S           an hmac-sha256 secret (its UTF-8 bytes)
 *   --private-key FILE   a PEM private key; the algorithm follows from the key
 *                        (Ed25519, P-256, P-384), --alg picks it for RSA
 *
 * The schemes that sign with a shared secret (classic, SigV4, webhooks) take
 * it from --secret or the keys file only (`resolveSecret`).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { loadKeys } from '../sign/keys/load-keys.ts';
import { isClientAlgorithm, WEBCRYPTO_ALGORITHMS, type ClientAlgorithm } from '../client/webcrypto-algorithms.ts';
import { UsageError, readInput } from './usage-error.ts';

export interface KeyOptions {
  readonly 'key-id'?: string | undefined;
  readonly keys?: string | undefined;
  readonly secret?: string | undefined;
  readonly 'private-key'?: string | undefined;
  readonly alg?: string | undefined;
}

export interface ResolvedKey {
  readonly keyId: string;
  readonly alg: ClientAlgorithm;
  /** The HMAC secret, or the private key as PKCS#8 PEM. */
  readonly key: string | Uint8Array;
}

/**
 * The key id, algorithm and key to sign with. Throws `UsageError`.
 *
 * @example
 * await resolveKey({ 'key-id': 'demo', keys: 'signwire.keys.json' }); // { keyId: 'demo', alg: 'hmac-sha256', key: '…' }
 */
export async function resolveKey(options: KeyOptions): Promise<ResolvedKey> {
  const keyId = options['key-id'];
  if (keyId === undefined || keyId === '') throw new UsageError('--key-id ID is required');
  if (!/^[\x20-\x7e]+$/.test(keyId)) throw new UsageError(`--key-id ${JSON.stringify(keyId)} must be printable ASCII: Signature-Input carries it as a string`);
  const alg = options.alg;
  if (alg !== undefined && !isClientAlgorithm(alg)) {
    throw new UsageError(`unknown --alg "${alg}"; use one of ${Object.keys(WEBCRYPTO_ALGORITHMS).join(', ')}`);
  }
  const sources = (['keys', 'secret', 'private-key'] as const).filter((name) => options[name] !== undefined);
  if (sources.length !== 1) {
    throw new UsageError(`give exactly one key source: --keys FILE, --secret S or --private-key FILE${sources.length > 1 ? ` (got --${sources.join(', --')})` : ''}`);
  }
  if (options['private-key'] !== undefined) return { keyId, ...(await privateKey(options['private-key'], alg)) };
  if (alg !== undefined && alg !== 'hmac-sha256') throw new UsageError(`--alg ${alg} signs with a private key: use --private-key FILE`);
  if (options.secret !== undefined) return { keyId, alg: 'hmac-sha256', key: options.secret };
  return { keyId, alg: 'hmac-sha256', key: await secretFromKeysFile(options.keys!, keyId) };
}

/** A key id and the shared secret it signs with. */
export interface ResolvedSecret {
  readonly keyId: string;
  readonly secret: string | Uint8Array;
}

/**
 * The key id and shared secret, from --secret or the key id's keys-file
 * entry; `defaultKeyId` stands in for a missing --key-id (a webhook's
 * name). Throws `UsageError`.
 *
 * @example
 * await resolveSecret({ keys: 'signwire.keys.json' }, 'stripe'); // { keyId: 'stripe', secret: 'whsec_…' }
 */
export async function resolveSecret(options: KeyOptions, defaultKeyId?: string): Promise<ResolvedSecret> {
  const keyId = options['key-id'] ?? defaultKeyId;
  if (keyId === undefined || keyId === '') throw new UsageError('--key-id ID is required');
  if ((options.keys === undefined) === (options.secret === undefined)) {
    throw new UsageError(`give exactly one secret: --keys FILE or --secret S${options.keys !== undefined ? ' (got both)' : ''}`);
  }
  if (options.secret === '') throw new UsageError('--secret must not be empty');
  return { keyId, secret: options.secret ?? (await secretFromKeysFile(options.keys!, keyId)) };
}

async function secretFromKeysFile(file: string, keyId: string): Promise<string | Uint8Array> {
  const keys = await loadKeys(file).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const entry = Object.hasOwn(keys, keyId) ? keys[keyId] : undefined;
  if (entry === undefined) throw new UsageError(`key "${keyId}" is not in ${file} (it has: ${Object.keys(keys).join(', ') || 'no keys'})`);
  if (entry.alg !== 'hmac-sha256') {
    throw new UsageError(`key "${keyId}" in ${file} is ${entry.alg}: a keys file holds only its public key; sign with --private-key FILE`);
  }
  return entry.secret;
}

async function privateKey(file: string, alg: ClientAlgorithm | undefined): Promise<{ alg: ClientAlgorithm; key: string }> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readInput(file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file} is not an unencrypted PEM private key`);
  }
  const chosen = key.asymmetricKeyType === 'rsa' ? rsaAlgorithm(file, alg) : algorithmOf(key);
  if (chosen === undefined) throw new UsageError(`${file} is a ${key.asymmetricKeyType ?? 'secret'} key; signwire signs with Ed25519, ECDSA P-256 / P-384 and RSA keys`);
  if (alg !== undefined && alg !== chosen) throw new UsageError(`${file} is a key for ${chosen}, not ${alg}`);
  // WebCrypto imports PKCS#8 only; node:crypto reads PKCS#1 and SEC1 too, so convert here.
  return { alg: chosen, key: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/* An RSA key signs with either RSA algorithm: --alg decides. */
function rsaAlgorithm(file: string, alg: ClientAlgorithm | undefined): ClientAlgorithm {
  if (alg === 'rsa-pss-sha512' || alg === 'rsa-v1_5-sha256') return alg;
  throw new UsageError(`${file} is an RSA key: choose --alg rsa-pss-sha512 or --alg rsa-v1_5-sha256`);
}

/** The algorithm a non-RSA private key implies, or undefined for a key signwire cannot sign with. */
function algorithmOf(key: KeyObject): ClientAlgorithm | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') return 'ecdsa-p256-sha256';
  if (key.asymmetricKeyType === 'ec' && curve === 'secp384r1') return 'ecdsa-p384-sha384';
  if (key.asymmetricKeyType === 'rsa-pss') return 'rsa-pss-sha512';
  return undefined;
}
