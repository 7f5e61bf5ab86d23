/**
 * The digests of the classic sign, in one table: a plain hash of the
 * string-to-sign (the secret travels inside it, as `&key=SECRET`), or an
 * HMAC keyed with the secret. Code looks an algorithm up here by name;
 * nothing else switches on algorithm names.
 *
 * WeChat Pay v2: "sign_type: MD5 (default) or HMAC-SHA256"; both hash
 * `stringA&key=API_KEY`, and HMAC-SHA256 is also keyed with API_KEY.
 */
import { createHash, createHmac } from 'node:crypto';

export type ClassicAlgorithm = 'md5' | 'sha1' | 'sha256' | 'hmac-sha1' | 'hmac-sha256';

interface DigestAlgorithm {
  /** The node:crypto hash name. */
  readonly hash: string;
  /** Whether the secret is the HMAC key (true) or only appended to the string-to-sign (false). */
  readonly keyed: boolean;
  /** Digest length in bytes (the hex signature is twice as long). */
  readonly bytes: number;
}

/** Every algorithm of the classic sign. */
export const CLASSIC_ALGORITHMS: Readonly<Record<ClassicAlgorithm, DigestAlgorithm>> = Object.freeze({
  md5: { hash: 'md5', keyed: false, bytes: 16 },
  sha1: { hash: 'sha1', keyed: false, bytes: 20 },
  sha256: { hash: 'sha256', keyed: false, bytes: 32 },
  'hmac-sha1': { hash: 'sha1', keyed: true, bytes: 20 },
  'hmac-sha256': { hash: 'sha256', keyed: true, bytes: 32 },
});

/** Whether `name` is one of the classic algorithms. */
export function isClassicAlgorithm(name: unknown): name is ClassicAlgorithm {
  return typeof name === 'string' && Object.hasOwn(CLASSIC_ALGORITHMS, name);
}

/** The digest of `message` under `algorithm`; `secret` is the HMAC key for the keyed ones. */
export function classicDigest(algorithm: ClassicAlgorithm, message: Uint8Array, secret: Uint8Array): Buffer {
  const { hash, keyed } = CLASSIC_ALGORITHMS[algorithm];
  const digest = keyed ? createHmac(hash, secret) : createHash(hash);
  return digest.update(message).digest();
}
