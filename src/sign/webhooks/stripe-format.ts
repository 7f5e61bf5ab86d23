/**
 * Stripe's webhook signature format, as pure functions:
 *
 *   Stripe-Signature: t=1492774577,v1=5257a869…,v1=…,v0=…
 *
 * `t` is the Unix time of signing; each `v1` is the hex HMAC-SHA256 of the
 * signed payload `<t>.<raw body>` keyed with the endpoint's secret
 * (`whsec_…`, used as its UTF-8 bytes). Several `v1` are sent while a
 * secret is being rolled; other schemes (`v0`, test mode) are ignored.
 *
 * Strict where Stripe's own parser is lenient: every item is `key=value`
 * with no spaces, `t` appears once as 1–12 digits, every `v1` is 64 hex
 * digits, and at most 16 items; anything else is `ERR_SIG_MALFORMED`.
 */
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import { hmac, parseHexDigest, parseUnixSeconds, signingPayload, signingSecret, signingTime, type WebhookSecret } from './hmac.ts';

/** What a `Stripe-Signature` header carries. */
export interface StripeSignatureHeader {
  /** When it was signed, in seconds since the epoch. */
  readonly timestamp: number;
  /** The `v1` signatures, as hex, in order. */
  readonly v1: readonly string[];
}

const MAX_ITEMS = 16;

/**
 * Parses a `Stripe-Signature` value; throws `ERR_SIG_MALFORMED`.
 *
 * @example
 * parseStripeSignatureHeader('t=1492774577,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd');
 * // { timestamp: 1492774577, v1: ['5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd'] }
 */
export function parseStripeSignatureHeader(value: string): StripeSignatureHeader {
  const items = value.split(',');
  if (items.length > MAX_ITEMS) throw malformed(`has more than ${MAX_ITEMS} items`);
  let timestamp: number | undefined;
  const v1: string[] = [];
  for (const item of items) {
    const [key, text] = splitItem(item);
    if (key === 't') {
      if (timestamp !== undefined) throw malformed('has "t" more than once');
      timestamp = parseUnixSeconds(text);
      if (timestamp === undefined) throw malformed('"t" must be whole seconds since the epoch');
    } else if (key === 'v1') {
      if (parseHexDigest(text, 'sha256') === undefined) throw malformed('"v1" must be 64 hex digits');
      v1.push(text);
    }
  }
  if (timestamp === undefined) throw malformed('has no "t"');
  if (v1.length === 0) throw malformed('has no "v1" signature');
  return { timestamp, v1 };
}

function splitItem(item: string): [string, string] {
  const eq = item.indexOf('=');
  const key = item.slice(0, eq);
  if (eq <= 0 || eq === item.length - 1 || !/^[A-Za-z0-9_]+$/.test(key) || /\s/.test(item)) {
    throw malformed('items must be key=value, separated by "," without spaces');
  }
  return [key, item.slice(eq + 1)];
}

function malformed(why: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', `Stripe-Signature ${why}`);
}

/**
 * The bytes Stripe signs: `<timestamp>.` followed by the exact body.
 *
 * @example
 * stripeSignedPayload(1492774577, '{"id":"evt_1"}').toString(); // '1492774577.{"id":"evt_1"}'
 */
export function stripeSignedPayload(timestamp: number, payload: string | Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(payload)]);
}

/** Options of `stripeSignatureHeader`. */
export interface StripeSignatureHeaderOptions {
  /** The exact body to send, as a string (UTF-8) or bytes. */
  readonly payload: string | Uint8Array;
  /** The endpoint's secret (`whsec_…`); a list signs once with each, as Stripe does while rolling a secret. */
  readonly secret: WebhookSecret | readonly WebhookSecret[];
  /** When it is signed, in seconds since the epoch; default now. */
  readonly timestamp?: number;
}

/**
 * A `Stripe-Signature` value for `payload`, as Stripe would send it: to
 * test an endpoint, or to sign from the CLI. Stripe's own
 * `stripe.webhooks.constructEvent` accepts it.
 *
 * @example
 * const payload = JSON.stringify({ id: 'evt_test', object: 'event', type: 'ping' });
 * await fetch(url, { method: 'POST', body: payload, headers: {
 *   'Content-Type': 'application/json',
 *   'Stripe-Signature': stripeSignatureHeader({ payload, secret: 'whsec_test' }),
 * } });
 */
export function stripeSignatureHeader(options: StripeSignatureHeaderOptions): string {
  const helper = 'stripeSignatureHeader';
  const payload = signingPayload(helper, 'payload', options?.payload);
  const timestamp = signingTime(helper, options.timestamp);
  const list: readonly unknown[] = Array.isArray(options.secret) ? options.secret : [options.secret];
  if (list.length === 0) throw new SignwireError('ERR_INVALID_OPTION', `${helper}: "secret" must list at least one secret`);
  const secrets = list.map((secret) => signingSecret(helper, 'secret', secret));
  const signed = stripeSignedPayload(timestamp, payload);
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmac('sha256', secret, [signed]).toString('hex')}`)].join(',');
}
