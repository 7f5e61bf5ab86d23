/**
 * The SigV4 signing key and signature (AWS guide, "Calculate the
 * signature"):
 *
 *   kDate    = HMAC-SHA256("AWS4" + SecretAccessKey, Date)
 *   kRegion  = HMAC-SHA256(kDate, Region)
 *   kService = HMAC-SHA256(kRegion, Service)
 *   kSigning = HMAC-SHA256(kService, "aws4_request")
 *   signature = Lowercase(Hex(HMAC-SHA256(kSigning, StringToSign)))
 *
 * A signing key only changes with the date, so the four HMACs are cached
 * per (secret, date, region, service) in a small map that forgets its
 * oldest entry when full. The map is keyed by a SHA-256 of the secret, so
 * it holds no copy of a secret.
 */
import { createHash, createHmac } from 'node:crypto';
import { SCOPE_TERMINATOR, type CredentialScope } from './string-to-sign.ts';

/** How many signing keys are remembered (a few per access key: one per date in use). */
const MAX_CACHED_KEYS = 256;

const cache = new Map<string, Buffer>();

/**
 * kSigning for a secret access key (a string is its UTF-8) and a scope.
 *
 * @example
 * sigv4SigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', { date: '20150830', region: 'us-east-1', service: 'iam' }).toString('hex');
 * // 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9'
 */
export function sigv4SigningKey(secret: string | Uint8Array, scope: CredentialScope): Buffer {
  const id = `${createHash('sha256').update(secret).digest('base64')}/${scope.date}/${scope.region}/${scope.service}`;
  let key = cache.get(id);
  if (key === undefined) {
    key = deriveKey(secret, scope);
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
    cache.set(id, key);
  }
  return Buffer.from(key); // a copy: the cached key cannot be changed through it
}

function deriveKey(secret: string | Uint8Array, scope: CredentialScope): Buffer {
  let key: Buffer = Buffer.concat([Buffer.from('AWS4'), typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret]);
  for (const part of [scope.date, scope.region, scope.service, SCOPE_TERMINATOR]) key = hmac(key, part);
  return key;
}

/**
 * The hex signature of a string to sign under a signing key.
 *
 * @example
 * sigv4Signature(sigv4SigningKey(secret, scope), stringToSign(amzDate, scope, canonical)); // 64 lower-case hex digits
 */
export function sigv4Signature(signingKey: Uint8Array, stringToSign: string): string {
  return hmac(signingKey, stringToSign).toString('hex');
}

function hmac(key: Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
