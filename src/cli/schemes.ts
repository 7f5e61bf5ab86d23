/**
 * How `sign` and `request` sign with each scheme, in one table: each
 * signer takes the request as given and returns it signed, with the
 * headers it added (and, for the classic sign and presigned SigV4 URLs,
 * its URL or body changed). Every one uses the library's own signer:
 *
 *   rfc9421   signRequest (the client's, as signedFetch uses it)
 *   classic   classicSignature, fields placed per --from (classic-request.ts)
 *   sigv4     signSigV4: Authorization, or with --presign a presigned URL
 *   stripe    stripeSignatureHeader → Stripe-Signature
 *   slack     slackSignatureHeaders → X-Slack-Request-Timestamp, X-Slack-Signature
 *   github    githubSignatureHeaders → X-Hub-Signature-256, X-GitHub-Delivery
 */
import { signRequest } from '../client/sign-request.ts';
import { MAX_PRESIGNED_EXPIRES } from '../sign/sigv4/presigned.ts';
import { signSigV4 } from '../sign/sigv4/sign.ts';
import { githubSignatureHeaders } from '../sign/webhooks/github-format.ts';
import { slackSignatureHeaders } from '../sign/webhooks/slack-format.ts';
import { stripeSignatureHeader } from '../sign/webhooks/stripe-format.ts';
import { classicSigned } from './classic-request.ts';
import { resolveKey, resolveSecret } from './key-source.ts';
import type { RequestSpec } from './request-args.ts';
import { schemeOf, type SchemeName, type SchemeValues } from './scheme-options.ts';
import { UsageError } from './usage-error.ts';

/** A request and what a scheme made of it: the headers it added, and its URL or body if they changed. */
export interface SignedSpec extends RequestSpec {
  /** The headers the scheme added, to print and to send after `headers`. */
  readonly added: Readonly<Record<string, string>>;
}

type Signer = (spec: RequestSpec, values: SchemeValues) => Promise<SignedSpec>;

/** The default validity of a presigned URL, in seconds (the AWS SDK's). */
const DEFAULT_EXPIRES = 3600;

const SIGNERS: Readonly<Record<SchemeName, Signer>> = {
  rfc9421: async (spec, values) => {
    const { keyId, alg, key } = await resolveKey(values);
    return { ...spec, added: await signRequest({ method: spec.method, url: spec.url, headers: spec.headers, body: spec.body }, { keyId, alg, key }) };
  },
  classic: classicSigned,
  sigv4: sigv4Signed,
  stripe: webhookSigner('stripe', (payload, secret) => ({ 'Stripe-Signature': stripeSignatureHeader({ payload, secret }) })),
  slack: webhookSigner('slack', (body, signingSecret) => slackSignatureHeaders({ body, signingSecret })),
  github: webhookSigner('github', (payload, secret) => githubSignatureHeaders({ payload, secret })),
};

/**
 * `spec` signed with the scheme `--scheme` names (default rfc9421); throws `UsageError`.
 *
 * @example
 * const signed = await signedSpec(await requestSpec(values, positionals), values);
 * await fetch(signed.url, { method: signed.method, headers: [...signed.headers, ...Object.entries(signed.added)] });
 */
export function signedSpec(spec: RequestSpec, values: SchemeValues): Promise<SignedSpec> {
  return SIGNERS[schemeOf(values)](spec, values);
}

async function sigv4Signed(spec: RequestSpec, values: SchemeValues): Promise<SignedSpec> {
  const { keyId, secret } = await resolveSecret(values);
  const signed = signSigV4(
    { method: spec.method, url: spec.url, headers: spec.headers, body: spec.body },
    {
      accessKeyId: keyId, secret, region: values.region!, service: values.service!,
      sessionToken: values['session-token'], unsignedPayload: values['unsigned-payload'] === true,
      presign: values.presign === true ? { expires: expiresSeconds(values.expires) } : undefined,
    },
  );
  return { ...spec, url: new URL(signed.url), added: signed.headers };
}

function expiresSeconds(text: string | undefined): number {
  if (text === undefined) return DEFAULT_EXPIRES;
  const seconds = /^[0-9]{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_PRESIGNED_EXPIRES)) throw new UsageError(`--expires must be whole seconds from 1 to ${MAX_PRESIGNED_EXPIRES}, got "${text}"`);
  return seconds;
}

/** A webhook scheme's signer: the vendor's headers for the exact body (empty without -d), keyed with its secret. */
function webhookSigner(vendor: string, headers: (body: Uint8Array, secret: string | Uint8Array) => Readonly<Record<string, string>>): Signer {
  return async (spec, values) => {
    const { secret } = await resolveSecret(values, vendor);
    return { ...spec, added: { ...headers(spec.body ?? new Uint8Array(), secret) } };
  };
}
