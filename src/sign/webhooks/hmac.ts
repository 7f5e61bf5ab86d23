/**
 * The HMAC, hex and input checks the webhook formats share. Every vendor
 * here signs with an HMAC whose hex digest travels in a header; the table
 * below holds what differs between the hashes, and nothing else switches on
 * their names.
 *
 * Hex is parsed strictly: exactly the digest's length in hex digits (either
 * case), nothing around them, because `Buffer.from(text, 'hex')` would
 * silently stop at the first bad character.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignwireError } from '../../errors.ts';

/** A webhook secret: a string is its UTF-8 bytes (Stripe's `whsec_…` is used as it is). */
export type WebhookSecret = string | Uint8Array;

/** The hashes webhook vendors use. */
export type WebhookHash = 'sha256' | 'sha1';

interface HashEntry {
  /** The algorithm's name in `c.get('signature').alg`. */
  readonly alg: string;
  /** The digest length in bytes. */
  readonly bytes: number;
}

/** Everything about each hash, in one table. */
export const WEBHOOK_HASHES: Readonly<Record<WebhookHash, HashEntry>> = Object.freeze({
  sha256: { alg: 'hmac-sha256', bytes: 32 },
  sha1: { alg: 'hmac-sha1', bytes: 20 },
});

/** HMAC of the concatenated `parts` (strings as UTF-8) keyed with `secret`. */
export function hmac(hash: WebhookHash, secret: WebhookSecret, parts: ReadonlyArray<string | Uint8Array>): Buffer {
  const mac = createHmac(hash, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** The digest bytes of `text` when it is exactly one hex digest of `hash`; otherwise undefined. */
export function parseHexDigest(text: string, hash: WebhookHash): Buffer | undefined {
  const digits = 2 * WEBHOOK_HASHES[hash].bytes;
  if (text.length !== digits || !/^[0-9a-fA-F]+$/.test(text)) return undefined;
  return Buffer.from(text, 'hex');
}

/** Constant-time equality of two digests (a length check first, as `timingSafeEqual` needs). */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether `value` is a usable secret: a non-empty string or non-empty bytes. */
export function isWebhookSecret(value: unknown): value is WebhookSecret {
  return typeof value === 'string' ? value.length > 0 : value instanceof Uint8Array && value.length > 0;
}

/** A Unix time in whole seconds, as 1–12 decimal digits; undefined otherwise. */
export function parseUnixSeconds(text: string): number | undefined {
  return /^[0-9]{1,12}$/.test(text) ? Number(text) : undefined;
}

/** A signer's `timestamp` option, checked, or the current time in whole seconds. */
export function signingTime(helper: string, timestamp: unknown): number {
  if (timestamp === undefined) return Math.floor(Date.now() / 1000);
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new SignwireError('ERR_INVALID_OPTION', `${helper}: "timestamp" must be whole seconds since the epoch`);
  }
  return timestamp;
}

/** A signer's secret option, checked. */
export function signingSecret(helper: string, option: string, secret: unknown): WebhookSecret {
  if (!isWebhookSecret(secret)) throw new SignwireError('ERR_INVALID_OPTION', `${helper}: "${option}" must be a non-empty string or bytes`);
  return secret;
}

/** A signer's payload option, checked: the exact body, as a string (UTF-8) or bytes. */
export function signingPayload(helper: string, option: string, payload: unknown): string | Uint8Array {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new SignwireError('ERR_INVALID_OPTION', `${helper}: "${option}" must be the exact body, a string or bytes`);
  }
  return payload;
}
