/**
 * The HTTP Signature Algorithms (RFC 9421 §3.3), one table: everything
 * about an algorithm is its entry here, and code looks algorithms up by
 * name instead of switching on names.
 *
 * | name                | RFC 9421 | primitive                                          |
 * |---------------------|----------|----------------------------------------------------|
 * | `rsa-pss-sha512`    | §3.3.1   | RSASSA-PSS, SHA-512, MGF1 SHA-512, salt 64 bytes   |
 * | `rsa-v1_5-sha256`   | §3.3.2   | RSASSA-PKCS1-v1_5, SHA-256                         |
 * | `hmac-sha256`       | §3.3.3   | HMAC, SHA-256                                      |
 * | `ecdsa-p256-sha256` | §3.3.4   | ECDSA P-256, SHA-256, r‖s as 2×32 bytes            |
 * | `ecdsa-p384-sha384` | §3.3.5   | ECDSA P-384, SHA-384, r‖s as 2×48 bytes            |
 * | `ed25519`           | §3.3.6   | Ed25519 (RFC 8032), no pre-hash                    |
 *
 * Keys: an HMAC secret is bytes, a string (its UTF-8 bytes) or a secret
 * `KeyObject`; the others take a PEM string or a `KeyObject` (a private
 * key verifies too: its public half is used). A key that does not fit the
 * algorithm throws `ERR_INVALID_KEY`; a signature that does not verify is
 * `false`, never an exception.
 */
import { constants, createHmac, createPrivateKey, createPublicKey, createSecretKey, sign, timingSafeEqual, verify, KeyObject } from 'node:crypto';
import { SignwireError } from '../../errors.ts';
import type { KeyConfig } from '../keys/key-config.ts';

/** The registered algorithm names signwire implements. */
export type AlgorithmName = KeyConfig['alg'];

/** A key as the algorithms take it. */
export type AlgorithmKey = string | Uint8Array | KeyObject;

export interface SignatureAlgorithm {
  readonly name: AlgorithmName;
  /** `secret` for a MAC; otherwise the `KeyObject#asymmetricKeyType`s it accepts. */
  readonly keyTypes: readonly string[];
  /** HTTP_SIGN (M, Ks) -> S */
  sign(key: AlgorithmKey, data: Uint8Array): Uint8Array;
  /** HTTP_VERIFY (M, Kv, S) -> V. `data` may be ASCII text, standing for its bytes (as a signature base does). */
  verify(key: AlgorithmKey, data: Uint8Array | string, signature: Uint8Array): boolean;
}

/** How node:crypto runs one asymmetric algorithm. */
interface AsymmetricSpec {
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  readonly keyTypes: readonly string[];
  readonly curve?: string;
  /** The exact signature length, when the algorithm fixes one. */
  readonly length?: number;
  readonly padding?: number;
  readonly saltLength?: number;
  readonly dsaEncoding?: 'ieee-p1363';
}

/**
 * Every algorithm signwire implements, by its registered name.
 *
 * @example
 * const signature = ALGORITHMS['hmac-sha256'].sign(secret, signatureBaseBytes(base));
 * ALGORITHMS[key.alg].verify(key.publicKey, signatureBaseBytes(base), entry.signature); // true or false
 */
export const ALGORITHMS: Readonly<Record<AlgorithmName, SignatureAlgorithm>> = Object.freeze({
  'rsa-pss-sha512': asymmetric('rsa-pss-sha512', {
    hash: 'sha512',
    keyTypes: ['rsa-pss', 'rsa'],
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 64,
  }),
  'rsa-v1_5-sha256': asymmetric('rsa-v1_5-sha256', { hash: 'sha256', keyTypes: ['rsa'], padding: constants.RSA_PKCS1_PADDING }),
  'hmac-sha256': hmac('hmac-sha256', 'sha256'),
  'ecdsa-p256-sha256': asymmetric('ecdsa-p256-sha256', {
    hash: 'sha256',
    keyTypes: ['ec'],
    curve: 'prime256v1',
    length: 64,
    dsaEncoding: 'ieee-p1363',
  }),
  'ecdsa-p384-sha384': asymmetric('ecdsa-p384-sha384', {
    hash: 'sha384',
    keyTypes: ['ec'],
    curve: 'secp384r1',
    length: 96,
    dsaEncoding: 'ieee-p1363',
  }),
  ed25519: asymmetric('ed25519', { hash: null, keyTypes: ['ed25519'], length: 64 }),
});

/**
 * The algorithm of that name, or undefined for a name signwire does not implement.
 *
 * @example
 * findAlgorithm(entry.params.alg ?? key.alg)?.verify(key.secret, signatureBaseBytes(base), entry.signature);
 */
export function findAlgorithm(name: string): SignatureAlgorithm | undefined {
  return Object.hasOwn(ALGORITHMS, name) ? ALGORITHMS[name as AlgorithmName] : undefined;
}

/* §3.3.3: "The output of the HMAC function is compared bytewise to the value of the HTTP message signature" (in constant time here) */
function hmac(name: AlgorithmName, hash: 'sha256'): SignatureAlgorithm {
  // verify compares the Buffer as it comes; sign copies it into a plain Uint8Array for its caller.
  // Text is hashed as it is (no Buffer made of it first). The MAC comes out as base64 and is decoded back: Node
  // serves that Buffer from its pool, which costs less than the new ArrayBuffer digest() would make for it.
  const mac = (key: AlgorithmKey, data: Uint8Array | string): Buffer =>
    Buffer.from(createHmac(hash, secretKey(name, key)).update(data as string, 'latin1').digest('base64'), 'base64');
  return {
    name,
    keyTypes: ['secret'],
    sign: (key, data) => new Uint8Array(mac(key, data)),
    verify: (key, data, signature) => {
      const expected = mac(key, data);
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    },
  };
}

function asymmetric(name: AlgorithmName, spec: AsymmetricSpec): SignatureAlgorithm {
  const options = (key: KeyObject) => ({ key, padding: spec.padding, saltLength: spec.saltLength, dsaEncoding: spec.dsaEncoding });
  return {
    name,
    keyTypes: spec.keyTypes,
    sign: (key, data) => new Uint8Array(sign(spec.hash, data, options(asymmetricKey(name, spec, key, 'private')))),
    verify: (key, data, signature) => {
      const publicKey = asymmetricKey(name, spec, key, 'public');
      if (spec.length !== undefined && signature.length !== spec.length) return false;
      try {
        return verify(spec.hash, typeof data === 'string' ? Buffer.from(data, 'latin1') : data, options(publicKey), signature);
      } catch {
        return false; // a signature that is not even well-formed for this key
      }
    },
  };
}

function secretKey(name: AlgorithmName, key: AlgorithmKey): Uint8Array | KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'secret') throw invalidKey(name, 'needs a secret key');
    return key;
  }
  if (typeof key === 'string') return secretKeyOfString(name, key);
  if (!(key instanceof Uint8Array) || key.length === 0) throw invalidKey(name, 'needs a non-empty secret');
  return key;
}

/*
 * A string secret as a secret KeyObject, made once: HMAC with a KeyObject
 * skips encoding and copying the secret on every request. Bounded: when
 * full the cache is emptied (it only ever holds configured secrets).
 */
const STRING_SECRETS = new Map<string, KeyObject>();
const MAX_STRING_SECRETS = 1024;

function secretKeyOfString(name: AlgorithmName, secret: string): KeyObject {
  let key = STRING_SECRETS.get(secret);
  if (key === undefined) {
    if (secret.length === 0) throw invalidKey(name, 'needs a non-empty secret');
    key = createSecretKey(new TextEncoder().encode(secret));
    if (STRING_SECRETS.size >= MAX_STRING_SECRETS) STRING_SECRETS.clear();
    STRING_SECRETS.set(secret, key);
  }
  return key;
}

/** The private key (for signing) or public key (for verifying), checked against the algorithm. */
function asymmetricKey(name: AlgorithmName, spec: AsymmetricSpec, key: AlgorithmKey, use: 'private' | 'public'): KeyObject {
  const object = toKeyObject(name, key, use);
  const type = object.asymmetricKeyType ?? '';
  if (!spec.keyTypes.includes(type)) throw invalidKey(name, `needs a ${spec.keyTypes.join(' or ')} key, got ${type || object.type}`);
  if (spec.curve !== undefined && object.asymmetricKeyDetails?.namedCurve !== spec.curve) throw invalidKey(name, `needs a ${spec.curve} key`);
  return object;
}

function toKeyObject(name: AlgorithmName, key: AlgorithmKey, use: 'private' | 'public'): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type === 'secret') throw invalidKey(name, 'needs an asymmetric key, got a secret');
    if (use === 'private' && key.type !== 'private') throw invalidKey(name, 'needs a private key to sign');
    return use === 'public' && key.type === 'private' ? createPublicKey(key) : key;
  }
  if (typeof key !== 'string') throw invalidKey(name, 'needs a PEM string or a KeyObject');
  try {
    return use === 'private' ? createPrivateKey(key) : createPublicKey(key);
  } catch (error) {
    throw new SignwireError('ERR_INVALID_KEY', `${name}: the key is not a valid PEM ${use} key`, { cause: error });
  }
}

function invalidKey(name: AlgorithmName, why: string): SignwireError {
  return new SignwireError('ERR_INVALID_KEY', `${name} ${why}`);
}
