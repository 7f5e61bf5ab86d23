/**
 * What Stripe, Slack and GitHub webhooks have in common, as one verifier:
 * a vendor's `WebhookFormat` says how to read its headers and what it
 * signs; the checks run in the order of scheme.ts:
 *
 *   parse      the vendor's headers → ERR_SIG_MISSING / ERR_SIG_MALFORMED
 *   key        the configured secret(s) → ERR_SIG_UNKNOWN_KEY
 *   window     |now − timestamp| ≤ window, both directions, when the format
 *              has a timestamp (GitHub's has none) → ERR_SIG_EXPIRED
 *   signature  HMAC(secret, prefix ‖ exact body bytes) compared in constant
 *              time with every signature offered, under every secret →
 *              ERR_SIG_INVALID, with the signed payload when debugging
 *   replay     the format's replay id claimed for the key that matched, only
 *              now → ERR_SIG_REPLAYED / ERR_SIG_STORE_UNAVAILABLE
 */
import { createHash } from 'node:crypto';
import { SignatureError } from '../errors.ts';
import type { Scheme, SignedRequest, VerifiedSignature, VerifyContext } from '../scheme.ts';
import { WEBHOOK_HASHES, hmac, sameDigest, type WebhookHash } from './hmac.ts';
import { candidateSecrets, type Candidate, type WebhookKeys } from './webhook-keys.ts';

/** What a vendor's headers claim, once parsed. */
export interface WebhookClaims {
  readonly hash: WebhookHash;
  /** When it was signed, in seconds; undefined when the format carries no time (GitHub). */
  readonly created: number | undefined;
  /** What the vendor signs before the body: "t." (Stripe), "v0:t:" (Slack), "" (GitHub). */
  readonly prefix: string;
  /** The signatures offered; any one may match. */
  readonly signatures: readonly Buffer[];
}

/** One vendor's webhook signature format. */
export interface WebhookFormat<C extends WebhookClaims> {
  /** "stripe", "slack" or "github": the scheme's name and label. */
  readonly name: string;
  /** How the timestamp is named in ERR_SIG_EXPIRED messages (formats without one leave it out). */
  readonly timestampName?: string;
  /** The headers of a 401 answer. */
  readonly challenge: Readonly<Record<string, string>>;
  /** Reads the request's signature headers; throws ERR_SIG_MISSING / ERR_SIG_MALFORMED. */
  parse(req: SignedRequest): C;
  /** What the nonce store claims once `matched` verified (may read the body; may throw ERR_SIG_MALFORMED). */
  replayId(claims: C, matched: Buffer, body: Uint8Array): string;
}

/** A `Scheme` for `format` with `keys`. */
export function webhookScheme<C extends WebhookClaims>(format: WebhookFormat<C>, keys: WebhookKeys): Scheme {
  const scheme: Scheme = {
    name: format.name,
    challenge: () => ({ ...format.challenge }),
    verify: (req, ctx) => verifyWebhook(req, ctx, format, keys),
  };
  return keys.own === undefined ? scheme : { ...scheme, keys: keys.own };
}

async function verifyWebhook<C extends WebhookClaims>(req: SignedRequest, ctx: VerifyContext, format: WebhookFormat<C>, keys: WebhookKeys): Promise<VerifiedSignature> {
  const claims = format.parse(req);
  const candidates = await candidateSecrets(keys, ctx, format.name);
  if (claims.created !== undefined) checkWindow(ctx, claims.created, format.timestampName ?? 'the timestamp');
  const body = await req.body();
  const match = firstMatch(candidates, claims, body);
  if (match === undefined) {
    throw new SignatureError('ERR_SIG_INVALID', 'signature does not match the request', ctx.debug ? { signatureBase: debugPayload(claims.prefix, body) } : {});
  }
  await ctx.claimNonce(match.keyId, format.replayId(claims, match.signature, body));
  const created = claims.created ?? ctx.now();
  return { keyId: match.keyId, alg: WEBHOOK_HASHES[claims.hash].alg, scheme: format.name, label: format.name, created };
}

function checkWindow(ctx: VerifyContext, created: number, timestampName: string): void {
  const off = ctx.now() - created;
  if (Math.abs(off) > ctx.windowSeconds) {
    throw new SignatureError('ERR_SIG_EXPIRED', `${timestampName} is ${off} s from the server's clock; the window is ±${ctx.windowSeconds} s`);
  }
}

/** The first secret and offered signature that agree, each compared in constant time. */
function firstMatch(candidates: readonly Candidate[], claims: WebhookClaims, body: Uint8Array): { keyId: string; signature: Buffer } | undefined {
  for (const { keyId, secret } of candidates) {
    const expected = hmac(claims.hash, secret, [claims.prefix, body]);
    const signature = claims.signatures.find((offered) => sameDigest(expected, offered));
    if (signature !== undefined) return { keyId, signature };
  }
  return undefined;
}

/** Bodies up to this size, in valid UTF-8, are shown whole in a debug answer; others are summarized. */
const DEBUG_BODY_LIMIT = 4096;

/**
 * The signed payload for a debug answer: the prefix and the body as text,
 * or, for a large or non-UTF-8 body, the prefix and
 * `[<n> bytes, sha-256=:<base64>:]`, to compare with what was sent.
 */
export function debugPayload(prefix: string, body: Uint8Array): string {
  if (body.length <= DEBUG_BODY_LIMIT) {
    try {
      return prefix + new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      // not UTF-8: summarized below
    }
  }
  return `${prefix}[${body.length} bytes, sha-256=:${createHash('sha256').update(body).digest('base64')}:]`;
}
