/**
 * `classicSignature(params, secret, options)`: the pure signer of the
 * classic sign, for clients and tests. The verifier computes its expected
 * digest with the same `classicDigestOf`, so the two cannot drift apart.
 *
 * Digest input: UTF-8(canonical string) ‖ UTF-8("&key=") ‖ secret bytes
 * (the suffix only with `appendSecret`); HMAC algorithms are also keyed
 * with the secret. A string secret is its UTF-8 bytes.
 */
import { SignwireError } from '../../errors.ts';
import { canonicalString, secretSuffix, type ClassicParams } from './canonical-string.ts';
import { classicDigest } from './digest.ts';
import { resolveClassicOptions, type ClassicConfig, type ClassicSignOptions } from './options.ts';

export interface ClassicSignatureResult {
  /** What was digested, secret included (as WeChat documents it); never log it. */
  readonly stringToSign: string;
  /** The hex digest, in `hexCase`. */
  readonly signature: string;
}

/**
 * Signs `params` the classic way.
 *
 * @example
 * const { signature } = classicSignature(
 *   { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' },
 *   '192006250b4c09247ec02edce69f6a2d',
 *   { algorithm: 'md5' },
 * );
 * // signature === '9A0A8659F005D6984697E2CA0A9CF3B7'
 */
export function classicSignature(params: ClassicParams, secret: string | Uint8Array, options: ClassicSignOptions = {}): ClassicSignatureResult {
  const config = resolveClassicOptions(options);
  if (typeof secret === 'string' ? secret === '' : !(secret instanceof Uint8Array) || secret.length === 0) {
    throw new SignwireError('ERR_INVALID_OPTION', 'classicSignature needs a non-empty secret (a string or bytes)');
  }
  const base = canonicalString(params, config.signField);
  const secretText = typeof secret === 'string' ? secret : Buffer.from(secret).toString('utf8');
  const hex = classicDigestOf(base, secretBytes(secret), config).toString('hex');
  return {
    stringToSign: config.appendSecret ? base + secretSuffix(config.secretField, secretText) : base,
    signature: config.hexCase === 'upper' ? hex.toUpperCase() : hex,
  };
}

/** The digest of a canonical string under `config`. */
export function classicDigestOf(base: string, secret: Uint8Array, config: ClassicConfig): Buffer {
  const text = Buffer.from(base);
  const message = config.appendSecret ? Buffer.concat([text, Buffer.from(secretSuffix(config.secretField, '')), secret]) : text;
  return classicDigest(config.algorithm, message, secret);
}

/** A secret as bytes: a string is its UTF-8. */
export function secretBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? Buffer.from(secret) : secret;
}
