/**
 * `githubWebhook(options)`: verifies GitHub's webhook signatures
 * (`X-Hub-Signature-256`; see github-format.ts) as a `verifySignature`
 * scheme.
 *
 * GitHub signs no time, so there is no window: a captured delivery verifies
 * for as long as the secret lives (TLS is what keeps deliveries from being
 * captured). Replay protection claims the `X-GitHub-Delivery` GUID, which
 * GitHub always sends and is therefore required by default; it stops a
 * delivery (or a redelivery of it) from being handled twice within
 * 2 × `window`, but the GUID is not signed, so it does not stop an
 * attacker who resends a captured body under a new GUID. With
 * `requireDelivery: false`, a request without one claims its signature
 * instead. The legacy `X-Hub-Signature: sha1=…` is accepted only with
 * `legacySha1: true`, and only when `X-Hub-Signature-256` is absent.
 */
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import type { Scheme, SignedRequest } from '../scheme.ts';
import { GITHUB_HEADERS } from './github-format.ts';
import { parseHexDigest, type WebhookHash, type WebhookSecret } from './hmac.ts';
import { webhookKeys, type WebhookKeyOptions } from './webhook-keys.ts';
import { webhookScheme, type WebhookClaims, type WebhookFormat } from './webhook-scheme.ts';

export interface GithubWebhookOptions extends WebhookKeyOptions {
  /** The webhook's secret, or a list while rotating it; omit to use `verifySignature`'s `keys`. */
  readonly secret?: WebhookSecret | readonly WebhookSecret[];
  /** Refuse a request without `X-GitHub-Delivery` (`ERR_SIG_MALFORMED`); default true. */
  readonly requireDelivery?: boolean;
  /** Accept the legacy `X-Hub-Signature: sha1=…` when `X-Hub-Signature-256` is absent; default false. */
  readonly legacySha1?: boolean;
}

interface GithubClaims extends WebhookClaims {
  /** The X-GitHub-Delivery GUID, when sent. */
  readonly delivery: string | undefined;
}

const KNOWN = new Set(['secret', 'keyId', 'requireDelivery', 'legacySha1']);
const DELIVERY = /^[A-Za-z0-9-]{1,128}$/;

/**
 * GitHub webhooks as a `verifySignature` scheme; `c.get('signature')` is
 * `{ keyId: 'github', alg: 'hmac-sha256', scheme: 'github', label: 'github', created: <time of verification> }`.
 *
 * @example
 * app.post('/webhooks/github', verifySignature({ scheme: githubWebhook({ secret: process.env.GITHUB_WEBHOOK_SECRET! }) }),
 *   async (c) => c.json({ event: c.req.header('x-github-event'), action: (await c.req.json()).action ?? null }));
 */
export function githubWebhook(options: GithubWebhookOptions = {}): Scheme {
  const invalid = (why: string): SignwireError => new SignwireError('ERR_INVALID_OPTION', `github webhook: ${why}`);
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  for (const name of Object.keys(options)) if (!KNOWN.has(name)) throw invalid(`unknown option "${name}"`);
  const requireDelivery = options.requireDelivery ?? true;
  const legacySha1 = options.legacySha1 ?? false;
  if (typeof requireDelivery !== 'boolean' || typeof legacySha1 !== 'boolean') throw invalid('"requireDelivery" and "legacySha1" are true or false');
  return webhookScheme(githubFormat(requireDelivery, legacySha1), webhookKeys('github', 'secret', options.secret, options.keyId));
}

function githubFormat(requireDelivery: boolean, legacySha1: boolean): WebhookFormat<GithubClaims> {
  return {
    name: 'github',
    challenge: Object.freeze({ 'Accept-Signature': `github; header="${GITHUB_HEADERS.sha256}"; alg="hmac-sha256"` }),
    parse: (req) => ({ ...parseSignature(req, legacySha1), created: undefined, prefix: '', delivery: parseDelivery(req, requireDelivery) }),
    replayId: (claims, matched) => (claims.delivery === undefined ? `github-signature:${matched.toString('hex')}` : `github:${claims.delivery}`),
  };
}

function parseSignature(req: SignedRequest, legacySha1: boolean): { hash: WebhookHash; signatures: Buffer[] } {
  const hash: WebhookHash = req.header(GITHUB_HEADERS.sha256) === undefined && legacySha1 ? 'sha1' : 'sha256';
  const value = req.header(GITHUB_HEADERS[hash]);
  if (value === undefined) throw new SignatureError('ERR_SIG_MISSING', `the request has no ${GITHUB_HEADERS.sha256} header`);
  const digest = value.startsWith(`${hash}=`) ? parseHexDigest(value.slice(hash.length + 1), hash) : undefined;
  if (digest === undefined) throw new SignatureError('ERR_SIG_MALFORMED', `${GITHUB_HEADERS[hash]} must be ${hash}= and the hex digest`);
  return { hash, signatures: [digest] };
}

function parseDelivery(req: SignedRequest, required: boolean): string | undefined {
  const delivery = req.header('x-github-delivery');
  if (delivery === undefined) {
    if (required) throw new SignatureError('ERR_SIG_MALFORMED', 'the request has no X-GitHub-Delivery header');
    return undefined;
  }
  if (!DELIVERY.test(delivery)) throw new SignatureError('ERR_SIG_MALFORMED', 'X-GitHub-Delivery must be a GUID');
  return delivery;
}
