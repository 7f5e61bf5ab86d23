/**
 * Webhook signatures: Stripe (`Stripe-Signature`), Slack
 * (`X-Slack-Signature`) and GitHub (`X-Hub-Signature-256`), each as a
 * `verifySignature` scheme that may carry its own secret, plus the pure
 * functions of each format and signers to test endpoints with.
 */
export { stripeWebhook, type StripeWebhookOptions } from './stripe-webhook.ts';
export { slackSignature, type SlackSignatureOptions } from './slack-signature.ts';
export { githubWebhook, type GithubWebhookOptions } from './github-webhook.ts';
export {
  parseStripeSignatureHeader,
  stripeSignedPayload,
  stripeSignatureHeader,
  type StripeSignatureHeader,
  type StripeSignatureHeaderOptions,
} from './stripe-format.ts';
export { slackBaseString, slackSignatureHeaders, type SlackSignatureHeaders, type SlackSignatureHeadersOptions } from './slack-format.ts';
export { githubSignature, githubSignatureHeaders, type GithubSignatureHeaders, type GithubSignatureHeadersOptions } from './github-format.ts';
export type { WebhookSecret, WebhookHash } from './hmac.ts';
export type { WebhookKeyOptions } from './webhook-keys.ts';
