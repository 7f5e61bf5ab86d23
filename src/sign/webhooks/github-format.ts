/**
 * GitHub's webhook signature format (Validating webhook deliveries), as
 * pure functions:
 *
 *   X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
 *   X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958
 *
 * The signature is `sha256=` and the hex HMAC-SHA256 of the raw body, keyed
 * with the webhook's secret; nothing else is signed (no time, no delivery
 * id). The legacy `X-Hub-Signature: sha1=…` is the same with HMAC-SHA1.
 */
import { randomUUID } from 'node:crypto';
import { SignwireError } from '../../errors.ts';
import { WEBHOOK_HASHES, hmac, signingPayload, signingSecret, type WebhookHash, type WebhookSecret } from './hmac.ts';

/** The header each hash travels in. */
export const GITHUB_HEADERS: Readonly<Record<WebhookHash, string>> = Object.freeze({
  sha256: 'X-Hub-Signature-256',
  sha1: 'X-Hub-Signature',
});

/**
 * A GitHub signature header value: `sha256=<hex>` (or `sha1=<hex>`).
 *
 * @example
 * githubSignature('Hello, World!', "It's a Secret to Everybody");
 * // 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
 */
export function githubSignature(payload: string | Uint8Array, secret: WebhookSecret, hash: WebhookHash = 'sha256'): string {
  const body = signingPayload('githubSignature', 'payload', payload);
  const key = signingSecret('githubSignature', 'secret', secret);
  if (!Object.hasOwn(WEBHOOK_HASHES, hash)) throw new SignwireError('ERR_INVALID_OPTION', 'githubSignature: the hash must be "sha256" or "sha1"');
  return `${hash}=${hmac(hash, key, [body]).toString('hex')}`;
}

/** Options of `githubSignatureHeaders`. */
export interface GithubSignatureHeadersOptions {
  /** The exact body to send, as a string (UTF-8) or bytes. */
  readonly payload: string | Uint8Array;
  /** The webhook's secret. */
  readonly secret: WebhookSecret;
  /** The delivery GUID; default a fresh random UUID. */
  readonly delivery?: string;
  /** Also send the legacy `X-Hub-Signature: sha1=…`, as GitHub does; default false. */
  readonly legacySha1?: boolean;
}

/** The headers of a GitHub delivery, as `githubSignatureHeaders` makes them (a `Record<string, string>` for `fetch`). */
export type GithubSignatureHeaders = {
  readonly 'X-Hub-Signature-256': string;
  readonly 'X-GitHub-Delivery': string;
  /** Only with `legacySha1: true`. */
  readonly 'X-Hub-Signature'?: string;
};

/**
 * The headers GitHub would send with `payload`: to test an endpoint, or to
 * sign from the CLI.
 *
 * @example
 * const payload = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
 * await fetch(url, { method: 'POST', body: payload, headers: {
 *   'Content-Type': 'application/json', 'X-GitHub-Event': 'ping',
 *   ...githubSignatureHeaders({ payload, secret: process.env.GITHUB_WEBHOOK_SECRET! }),
 * } });
 */
export function githubSignatureHeaders(options: GithubSignatureHeadersOptions): GithubSignatureHeaders {
  const payload = signingPayload('githubSignatureHeaders', 'payload', options?.payload);
  const secret = signingSecret('githubSignatureHeaders', 'secret', options.secret);
  const headers = { 'X-Hub-Signature-256': githubSignature(payload, secret), 'X-GitHub-Delivery': options.delivery ?? randomUUID() };
  return options.legacySha1 === true ? { ...headers, 'X-Hub-Signature': githubSignature(payload, secret, 'sha1') } : headers;
}
