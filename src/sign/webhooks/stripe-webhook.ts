/**
 * `stripeWebhook(options)`: verifies Stripe's webhook signatures
 * (`Stripe-Signature`, see stripe-format.ts) as a `verifySignature` scheme.
 *
 * Differences from Stripe's own library, on purpose: the timestamp must be
 * within ±`window` in both directions (Stripe checks only its age), the
 * signed bytes are the body exactly as received (Stripe's library decodes
 * it as UTF-8 first), and a verified delivery is claimed in the nonce store
 * so that the same bytes are refused the second time.
 *
 * Replay: by default the delivery's `t` and matching `v1` are claimed; a
 * resend re-signed by Stripe (a retry, with a new `t`) is a new delivery.
 * With `replay: 'event'`, the event's `id` from the JSON body is claimed
 * instead, so one event is accepted once within 2 × `window` whatever its
 * signature; a signed body that is not a JSON object with a string `id` is
 * then `ERR_SIG_MALFORMED`.
 */
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import type { Scheme, SignedRequest } from '../scheme.ts';
import type { WebhookSecret } from './hmac.ts';
import { parseStripeSignatureHeader } from './stripe-format.ts';
import { webhookKeys, type WebhookKeyOptions } from './webhook-keys.ts';
import { webhookScheme, type WebhookClaims, type WebhookFormat } from './webhook-scheme.ts';

export interface StripeWebhookOptions extends WebhookKeyOptions {
  /** The endpoint's signing secret (`whsec_…`), or a list while rolling it; omit to use `verifySignature`'s `keys`. */
  readonly secret?: WebhookSecret | readonly WebhookSecret[];
  /** What the nonce store claims: `'signature'` (default: `t` and the matching `v1`) or `'event'` (the event id). */
  readonly replay?: 'signature' | 'event';
}

interface StripeClaims extends WebhookClaims {
  readonly timestamp: number;
}

const KNOWN = new Set(['secret', 'keyId', 'replay']);
const MAX_EVENT_ID_LENGTH = 255;

/**
 * Stripe webhooks as a `verifySignature` scheme; `c.get('signature')` is
 * `{ keyId: 'stripe', alg: 'hmac-sha256', scheme: 'stripe', label: 'stripe', created: t }`.
 *
 * @example
 * app.post('/webhooks/stripe', verifySignature({ scheme: stripeWebhook({ secret: process.env.STRIPE_WEBHOOK_SECRET! }) }),
 *   async (c) => {
 *     const event = await c.req.json();      // verified: exactly the bytes Stripe signed
 *     return c.json({ received: event.id });
 *   });
 */
export function stripeWebhook(options: StripeWebhookOptions = {}): Scheme {
  const invalid = (why: string): SignwireError => new SignwireError('ERR_INVALID_OPTION', `stripe webhook: ${why}`);
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  for (const name of Object.keys(options)) if (!KNOWN.has(name)) throw invalid(`unknown option "${name}"`);
  const replay = options.replay ?? 'signature';
  if (replay !== 'signature' && replay !== 'event') throw invalid('"replay" must be "signature" or "event"');
  const keys = webhookKeys('stripe', 'secret', options.secret, options.keyId);
  return webhookScheme(stripeFormat(replay), keys);
}

function stripeFormat(replay: 'signature' | 'event'): WebhookFormat<StripeClaims> {
  return {
    name: 'stripe',
    timestampName: 'Stripe-Signature t',
    challenge: Object.freeze({ 'Accept-Signature': 'stripe; header="Stripe-Signature"; alg="hmac-sha256"' }),
    parse,
    replayId: replay === 'signature' ? (claims, matched) => `stripe:${claims.timestamp}:${matched.toString('hex')}` : (_claims, _matched, body) => `stripe-event:${eventId(body)}`,
  };
}

function parse(req: SignedRequest): StripeClaims {
  const value = req.header('stripe-signature');
  if (value === undefined) throw new SignatureError('ERR_SIG_MISSING', 'the request has no Stripe-Signature header');
  const { timestamp, v1 } = parseStripeSignatureHeader(value);
  return { hash: 'sha256', created: timestamp, timestamp, prefix: `${timestamp}.`, signatures: v1.map((hex) => Buffer.from(hex, 'hex')) };
}

/** The `id` of a Stripe event body; `ERR_SIG_MALFORMED` when the body is not a JSON object with one. */
function eventId(body: Uint8Array): string {
  let event: unknown;
  try {
    event = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new SignatureError('ERR_SIG_MALFORMED', 'the Stripe event is not JSON');
  }
  const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_EVENT_ID_LENGTH) {
    throw new SignatureError('ERR_SIG_MALFORMED', 'the Stripe event has no "id"');
  }
  return id;
}
