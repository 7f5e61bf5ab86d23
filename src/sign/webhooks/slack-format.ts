/**
 * Slack's request signature format (Verifying requests from Slack), as
 * pure functions:
 *
 *   X-Slack-Request-Timestamp: 1531420618
 *   X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503
 *
 * The signature is `v0=` and the hex HMAC-SHA256, keyed with the app's
 * signing secret, of the base string `v0:<timestamp>:<raw body>`, where the
 * timestamp is the header's text exactly as sent.
 */
import { hmac, signingPayload, signingSecret, signingTime, type WebhookSecret } from './hmac.ts';

/** The only version Slack signs with. */
export const SLACK_VERSION = 'v0';

/**
 * The bytes Slack signs: `v0:<timestamp>:` followed by the exact body.
 *
 * @example
 * slackBaseString('1531420618', 'token=xyzz0WbapA4vBCDEFasx0q6G&…').toString();
 * // 'v0:1531420618:token=xyzz0WbapA4vBCDEFasx0q6G&…'
 */
export function slackBaseString(timestamp: string | number, body: string | Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${SLACK_VERSION}:${timestamp}:`), Buffer.from(body)]);
}

/** Options of `slackSignatureHeaders`. */
export interface SlackSignatureHeadersOptions {
  /** The exact body to send, as a string (UTF-8) or bytes. */
  readonly body: string | Uint8Array;
  /** The app's signing secret. */
  readonly signingSecret: WebhookSecret;
  /** When it is signed, in seconds since the epoch; default now. */
  readonly timestamp?: number;
}

/** The two headers of a Slack-signed request (a type literal, so it is a `Record<string, string>` for `fetch`). */
export type SlackSignatureHeaders = {
  readonly 'X-Slack-Request-Timestamp': string;
  readonly 'X-Slack-Signature': string;
};

/**
 * The headers Slack would send with `body`: to test an endpoint, or to sign
 * from the CLI.
 *
 * @example
 * const body = 'command=%2Fdeploy&text=prod';
 * await fetch(url, { method: 'POST', body, headers: {
 *   'Content-Type': 'application/x-www-form-urlencoded',
 *   ...slackSignatureHeaders({ body, signingSecret: process.env.SLACK_SIGNING_SECRET! }),
 * } });
 */
export function slackSignatureHeaders(options: SlackSignatureHeadersOptions): SlackSignatureHeaders {
  const helper = 'slackSignatureHeaders';
  const body = signingPayload(helper, 'body', options?.body);
  const secret = signingSecret(helper, 'signingSecret', options.signingSecret);
  const timestamp = String(signingTime(helper, options.timestamp));
  const digest = hmac('sha256', secret, [slackBaseString(timestamp, body)]).toString('hex');
  return { 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': `${SLACK_VERSION}=${digest}` };
}
