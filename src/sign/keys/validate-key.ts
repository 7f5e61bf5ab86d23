/**
 * Validation of one key entry, with errors that name the entry. Public keys
 * are parsed once, here, into `KeyObject`s, so a bad PEM fails at startup
 * rather than on the first request.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { SignwireError } from '../../errors.ts';
import type { AsymmetricAlgorithm, KeyConfig } from './key-config.ts';

/** The key type each asymmetric algorithm needs, as `KeyObject#asymmetricKeyType` names it. */
const KEY_TYPES: Readonly<Record<AsymmetricAlgorithm, { type: string; curve?: string }>> = {
  ed25519: { type: 'ed25519' },
  'ecdsa-p256-sha256': { type: 'ec', curve: 'prime256v1' },
  'ecdsa-p384-sha384': { type: 'ec', curve: 'secp384r1' },
  'rsa-pss-sha512': { type: 'rsa-pss' },
  'rsa-v1_5-sha256': { type: 'rsa' },
};

/** Checks a key entry and returns it with any PEM parsed; throws `ERR_INVALID_KEY` naming `keyId`. */
export function validateKey(keyId: string, value: unknown): KeyConfig {
  const bad = (why: string): SignwireError => new SignwireError('ERR_INVALID_KEY', `key "${keyId}": ${why}`);
  if (typeof value !== 'object' || value === null) throw bad('must be an object with "alg" (or just "secret")');
  const entry = value as Record<string, unknown>;
  const alg = entry['alg'] ?? ('secret' in entry ? 'hmac-sha256' : undefined);
  if (alg === 'hmac-sha256') {
    const secret = entry['secret'];
    if (typeof secret === 'string' ? secret.length === 0 : !(secret instanceof Uint8Array) || secret.length === 0) {
      throw bad('hmac-sha256 needs a non-empty "secret"');
    }
    return { alg, secret: secret as string | Uint8Array };
  }
  if (typeof alg !== 'string' || !(alg in KEY_TYPES)) {
    throw bad(`unknown "alg" ${JSON.stringify(alg)}; use hmac-sha256, ${Object.keys(KEY_TYPES).join(', ')}`);
  }
  const publicKey = parsePublicKey(entry['publicKey'], bad);
  const expected = KEY_TYPES[alg as AsymmetricAlgorithm];
  const actualCurve = publicKey.asymmetricKeyDetails?.namedCurve;
  const typeOk = publicKey.asymmetricKeyType === expected.type || (expected.type === 'rsa-pss' && publicKey.asymmetricKeyType === 'rsa');
  if (!typeOk || (expected.curve !== undefined && actualCurve !== expected.curve)) {
    throw bad(`"publicKey" is not a key for ${alg}`);
  }
  return { alg: alg as AsymmetricAlgorithm, publicKey };
}

function parsePublicKey(value: unknown, bad: (why: string) => SignwireError): KeyObject {
  if (typeof value === 'object' && value !== null && 'asymmetricKeyType' in value) return value as KeyObject;
  if (typeof value !== 'string' || !value.includes('-----BEGIN')) throw bad('needs "publicKey" as a PEM string');
  try {
    return createPublicKey(value);
  } catch (error) {
    throw new SignwireError('ERR_INVALID_KEY', `${bad('"publicKey" is not a valid PEM key').message}`, { cause: error });
  }
}
