/**
 * Where a webhook scheme's secrets come from, and which key id a verified
 * request is reported under:
 *
 *   - the scheme's own secret option (`secret`, Slack's `signingSecret`):
 *     one secret is the key `keyId` (default the vendor's name, "stripe");
 *     a list of several (a rotation) is the keys `stripe#1`, `stripe#2`, …
 *     in order;
 *     `verifySignature` then needs no `keys`;
 *   - or, without it, `verifySignature`'s `keys`, under the id(s) named by
 *     `keyId` (default the vendor's name), tried in order: one id per
 *     endpoint, several during a rotation.
 *
 * Any of the secrets may have signed a request; each is tried.
 */
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import type { KeyConfig } from '../keys/key-config.ts';
import type { VerifyContext } from '../scheme.ts';
import { isWebhookSecret, type WebhookSecret } from './hmac.ts';

/** The key options every webhook scheme has. */
export interface WebhookKeyOptions {
  /** The key id reported in `c.get('signature')`, or, without a secret, the id(s) looked up in `keys`; default the vendor's name. */
  readonly keyId?: string | readonly string[];
}

/** A scheme's resolved keys. */
export interface WebhookKeys {
  /** The keys made from the scheme's own secret(s); undefined when they come from `verifySignature`'s `keys`. */
  readonly own: Readonly<Record<string, KeyConfig>> | undefined;
  /** The key ids tried, in order. */
  readonly ids: readonly string[];
}

/** One secret that may have signed the request. */
export interface Candidate {
  readonly keyId: string;
  readonly secret: WebhookSecret;
}

/** At most this many secrets or key ids per scheme: each one costs an HMAC of the body per request. */
const MAX_KEYS = 8;

/** Validates the secret and key id options of `vendor`'s scheme; throws `ERR_INVALID_OPTION`. */
export function webhookKeys(vendor: string, secretOption: string, secret: unknown, keyId: unknown): WebhookKeys {
  const invalid = (why: string): SignwireError => new SignwireError('ERR_INVALID_OPTION', `${vendor} webhook: ${why}`);
  const ids = keyIdList(keyId ?? vendor);
  if (ids === undefined) throw invalid(`"keyId" must be a non-empty key id or a list of 1–${MAX_KEYS} of them`);
  if (secret === undefined) return Object.freeze({ own: undefined, ids });
  const secrets = Array.isArray(secret) ? (secret as unknown[]) : [secret];
  if (secrets.length === 0 || secrets.length > MAX_KEYS || !secrets.every(isWebhookSecret)) {
    throw invalid(`"${secretOption}" must be a non-empty string or bytes, or a list of 1–${MAX_KEYS} of them`);
  }
  if (ids.length !== 1) throw invalid(`with "${secretOption}", "keyId" is one name`);
  const name = ids[0]!;
  const named = secrets.length === 1 ? [name] : secrets.map((_, i) => `${name}#${i + 1}`);
  const own = Object.fromEntries(named.map((id, i) => [id, { alg: 'hmac-sha256', secret: secrets[i] as WebhookSecret }] as const));
  return Object.freeze({ own: Object.freeze(own), ids: Object.freeze(named) });
}

function keyIdList(keyId: unknown): readonly string[] | undefined {
  const ids = Array.isArray(keyId) ? (keyId as unknown[]) : [keyId];
  const ok = ids.length > 0 && ids.length <= MAX_KEYS && ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 256);
  return ok ? Object.freeze([...(ids as string[])]) : undefined;
}

/**
 * The secrets found under the scheme's key ids. A missing id is skipped;
 * none at all is `ERR_SIG_UNKNOWN_KEY`, and a key without a shared secret
 * (a public key) is `ERR_SIG_ALG_MISMATCH`.
 */
export async function candidateSecrets(keys: WebhookKeys, ctx: VerifyContext, vendor: string): Promise<Candidate[]> {
  const found: Candidate[] = [];
  for (const keyId of keys.ids) {
    const key = await ctx.key(keyId);
    if (key === undefined) continue;
    if (!('secret' in key)) throw new SignatureError('ERR_SIG_ALG_MISMATCH', `the ${vendor} webhook needs a shared-secret key`);
    found.push({ keyId, secret: key.secret });
  }
  if (found.length === 0) throw new SignatureError('ERR_SIG_UNKNOWN_KEY', `no ${vendor} webhook secret is configured`);
  return found;
}
