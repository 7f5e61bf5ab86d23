/**
 * `slackSignature(options)`: verifies Slack's request signatures
 * (`X-Slack-Signature`, `X-Slack-Request-Timestamp`; see slack-format.ts)
 * as a `verifySignature` scheme.
 *
 * The timestamp must be within ±`window` (Slack recommends five minutes,
 * the default 300 s), both directions. Slack's requests carry no id that
 * the signature covers, so the signature itself (with its timestamp) is
 * claimed in the nonce store: the same signed request is accepted once.
 */
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import type { Scheme, SignedRequest } from '../scheme.ts';
import { parseHexDigest, parseUnixSeconds, type WebhookSecret } from './hmac.ts';
import { SLACK_VERSION } from './slack-format.ts';
import { webhookKeys, type WebhookKeyOptions } from './webhook-keys.ts';
import { webhookScheme, type WebhookClaims, type WebhookFormat } from './webhook-scheme.ts';

export interface SlackSignatureOptions extends WebhookKeyOptions {
  /** The app's signing secret, or a list while rotating it; omit to use `verifySignature`'s `keys`. */
  readonly signingSecret?: WebhookSecret | readonly WebhookSecret[];
}

interface SlackClaims extends WebhookClaims {
  /** The timestamp header's text, as sent and signed. */
  readonly timestampText: string;
}

const KNOWN = new Set(['signingSecret', 'keyId']);

const SLACK_FORMAT: WebhookFormat<SlackClaims> = {
  name: 'slack',
  timestampName: 'X-Slack-Request-Timestamp',
  challenge: Object.freeze({ 'Accept-Signature': 'slack; header="X-Slack-Signature"; alg="hmac-sha256"; version="v0"' }),
  parse,
  replayId: (claims, matched) => `slack:${claims.timestampText}:${matched.toString('hex')}`,
};

/**
 * Slack's signed requests (Events API, slash commands, interactivity) as a
 * `verifySignature` scheme; `c.get('signature')` is
 * `{ keyId: 'slack', alg: 'hmac-sha256', scheme: 'slack', label: 'slack', created: timestamp }`.
 *
 * @example
 * app.post('/slack/commands', verifySignature({ scheme: slackSignature({ signingSecret: process.env.SLACK_SIGNING_SECRET! }) }),
 *   async (c) => c.text(`deploying ${(await c.req.form()).get('text')}`));
 */
export function slackSignature(options: SlackSignatureOptions = {}): Scheme {
  if (typeof options !== 'object' || options === null) throw new SignwireError('ERR_INVALID_OPTION', 'slack webhook: options must be an object');
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) throw new SignwireError('ERR_INVALID_OPTION', `slack webhook: unknown option "${name}"`);
  }
  return webhookScheme(SLACK_FORMAT, webhookKeys('slack', 'signingSecret', options.signingSecret, options.keyId));
}

function parse(req: SignedRequest): SlackClaims {
  const signature = req.header('x-slack-signature');
  if (signature === undefined) throw new SignatureError('ERR_SIG_MISSING', 'the request has no X-Slack-Signature header');
  const timestampText = req.header('x-slack-request-timestamp');
  if (timestampText === undefined) throw new SignatureError('ERR_SIG_MALFORMED', 'the request has no X-Slack-Request-Timestamp header');
  const created = parseUnixSeconds(timestampText);
  if (created === undefined) throw new SignatureError('ERR_SIG_MALFORMED', 'X-Slack-Request-Timestamp must be whole seconds since the epoch');
  const prefix = `${SLACK_VERSION}=`;
  const digest = signature.startsWith(prefix) ? parseHexDigest(signature.slice(prefix.length), 'sha256') : undefined;
  if (digest === undefined) throw new SignatureError('ERR_SIG_MALFORMED', 'X-Slack-Signature must be v0= and 64 hex digits');
  return { hash: 'sha256', created, timestampText, prefix: `${SLACK_VERSION}:${timestampText}:`, signatures: [digest] };
}
