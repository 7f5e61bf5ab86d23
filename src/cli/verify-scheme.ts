/**
 * The scheme and keys `signwire verify` checks a request with, built from
 * the same scheme objects a server passes to `verifySignature`:
 *
 *   rfc9421   'rfc9421'                       keys: --keys FILE, or --secret S for --key-id ID
 *   classic   classicSign({ …flags })         keys: the same
 *   sigv4     sigv4({ region, service })      keys: the same
 *   stripe, slack, github: the scheme with --secret S (the key id --key-id, default the
 *             scheme's name), or with --keys FILE and the secret under --key-id (default the name)
 */
import { loadKeys } from '../sign/keys/load-keys.ts';
import type { KeySource } from '../sign/keys/key-config.ts';
import type { Scheme } from '../sign/scheme.ts';
import { sigv4 } from '../sign/sigv4/scheme.ts';
import { classicSign } from '../sign/classic/scheme.ts';
import { githubWebhook } from '../sign/webhooks/github-webhook.ts';
import { slackSignature } from '../sign/webhooks/slack-signature.ts';
import { stripeWebhook } from '../sign/webhooks/stripe-webhook.ts';
import type { WebhookSecret } from '../sign/webhooks/hmac.ts';
import { classicArgs } from './classic-args.ts';
import { schemeOf, WEBHOOK_SCHEMES, type SchemeName, type SchemeValues } from './scheme-options.ts';
import { UsageError } from './usage-error.ts';

/** What `createVerifier` needs besides the window and the debug flag. */
export interface VerifySetup {
  readonly name: SchemeName;
  readonly scheme: 'rfc9421' | Scheme;
  readonly keys: KeySource | undefined;
}

type WebhookOptions = { readonly secret?: WebhookSecret; readonly keyId?: string };

/** Each webhook scheme, from a secret (or none: `keys` then holds it) and a key id. */
const WEBHOOKS: Readonly<Record<string, (options: WebhookOptions) => Scheme>> = {
  stripe: (options) => stripeWebhook(options),
  slack: ({ secret, ...rest }) => slackSignature({ ...rest, ...(secret !== undefined && { signingSecret: secret }) }),
  github: (options) => githubWebhook(options),
};

/**
 * The scheme `--scheme` names and its keys; throws `UsageError`.
 *
 * @example
 * const { scheme, keys } = await verifySetup({ scheme: 'sigv4', region: 'us-east-1', service: 'orders', keys: 'k.json' });
 * createVerifier({ scheme, keys });
 */
export async function verifySetup(values: SchemeValues): Promise<VerifySetup> {
  const name = schemeOf(values);
  if ((values.keys === undefined) === (values.secret === undefined)) throw new UsageError('give exactly one of --keys FILE or --secret S');
  if (values.secret === '') throw new UsageError('--secret must not be empty');
  if (WEBHOOK_SCHEMES.includes(name)) return webhookSetup(name, values);
  if (values.secret !== undefined && values['key-id'] === undefined) throw new UsageError('--secret S needs --key-id ID (the key id the request names)');
  const keys = values.keys !== undefined ? await keysFile(values.keys) : { [values['key-id']!]: { secret: values.secret! } };
  if (name === 'classic') return { name, scheme: classicSign(classicArgs(values).options), keys };
  if (name === 'sigv4') return { name, scheme: sigv4({ region: values.region!, service: values.service! }), keys };
  return { name, scheme: 'rfc9421', keys };
}

async function webhookSetup(name: SchemeName, values: SchemeValues): Promise<VerifySetup> {
  const keyId = values['key-id'] === undefined ? {} : { keyId: values['key-id'] };
  const build = WEBHOOKS[name]!;
  if (values.secret !== undefined) return { name, scheme: build({ secret: values.secret, ...keyId }), keys: undefined };
  return { name, scheme: build(keyId), keys: await keysFile(values.keys!) };
}

async function keysFile(file: string): Promise<KeySource> {
  return loadKeys(file).catch((error: Error) => {
    throw new UsageError(error.message);
  });
}
