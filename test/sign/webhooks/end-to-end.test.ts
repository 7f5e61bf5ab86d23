/**
 * The three webhook schemes end to end: an App on 127.0.0.1:0 with
 * `verifySignature({ scheme })` and no `keys`, requests sent by Node's
 * fetch over a real socket. Stripe interop both ways with the `stripe`
 * package: its `generateTestHeaderString` is accepted here, and its
 * `constructEvent` accepts what `stripeSignatureHeader` makes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test, type TestContext } from 'node:test';
import Stripe from 'stripe';
import { App, verifySignature, type Scheme, type VerifySignatureOptions } from '../../../src/index.ts';
import {
  githubSignatureHeaders,
  githubWebhook,
  slackSignature,
  slackSignatureHeaders,
  stripeSignatureHeader,
  stripeWebhook,
} from '../../../src/sign/webhooks/index.ts';
import { bounded, listen } from '../../helpers/app.ts';
import { skipVectors, vectors } from './webhook-request.ts';

const STRIPE_SECRET = 'whsec_e2e_7c1d0a9b';
const SLACK_SECRET = 'slack-e2e-secret-52aa';
const GITHUB_SECRET = 'github-e2e-secret-93f1';
const stripe = new Stripe('sk_test_x');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An app whose POST /hook verifies `scheme` and echoes what it verified and the body it read. */
async function hookServer(t: TestContext, scheme: Scheme, options: Partial<VerifySignatureOptions> = {}): Promise<string> {
  const app = new App();
  app.post('/hook', verifySignature({ scheme, ...options }), async (c) => c.json({ signature: c.get('signature'), body: await c.req.text() }));
  const server = await listen(t, app);
  return `http://127.0.0.1:${server.port}/hook`;
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly code: string | undefined;
  readonly challenge: string | null;
  readonly json: { signature?: Record<string, unknown>; body?: string; error?: { code: string; signatureBase?: string } };
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers, body, signal: bounded() });
  const text = await response.text();
  const json = JSON.parse(text) as Answer['json'];
  return { status: response.status, text, code: json.error?.code, challenge: response.headers.get('accept-signature'), json };
}

const event = (id = `evt_${randomUUID().slice(0, 8)}`): string => JSON.stringify({ id, object: 'event', type: 'invoice.paid', data: { object: { amount: 1200 } } }, null, 2);

describe('stripeWebhook over a socket', () => {
  test('a header made by the stripe package verifies; the handler reads the exact body; its replay → 401 ERR_SIG_REPLAYED', async (t) => {
    const url = await hookServer(t, stripeWebhook({ secret: STRIPE_SECRET }));
    const payload = event();
    const timestamp = nowSeconds();
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp });
    const first = await post(url, { 'Stripe-Signature': header, 'Content-Type': 'application/json' }, payload);
    assert.equal(first.status, 200);
    assert.deepEqual(first.json.signature, { keyId: 'stripe', alg: 'hmac-sha256', scheme: 'stripe', label: 'stripe', created: timestamp });
    assert.equal(first.json.body, payload);
    const again = await post(url, { 'Stripe-Signature': header, 'Content-Type': 'application/json' }, payload);
    assert.equal(again.status, 401);
    assert.equal(again.code, 'ERR_SIG_REPLAYED');
    assert.equal(again.challenge, 'stripe; header="Stripe-Signature"; alg="hmac-sha256"');
  });

  test('stripe.webhooks.constructEvent accepts a header made by stripeSignatureHeader, also while rolling secrets', () => {
    const payload = event('evt_ours');
    assert.equal(stripe.webhooks.constructEvent(payload, stripeSignatureHeader({ payload, secret: STRIPE_SECRET }), STRIPE_SECRET).id, 'evt_ours');
    const rolling = stripeSignatureHeader({ payload, secret: ['whsec_next', STRIPE_SECRET] });
    assert.equal(stripe.webhooks.constructEvent(payload, rolling, STRIPE_SECRET).id, 'evt_ours');
    assert.throws(() => stripe.webhooks.constructEvent(payload, stripeSignatureHeader({ payload, secret: 'whsec_other' }), STRIPE_SECRET));
  });

  test('stale and future headers made by the stripe package → 401 ERR_SIG_EXPIRED (Stripe itself checks only the past)', async (t) => {
    const url = await hookServer(t, stripeWebhook({ secret: STRIPE_SECRET }));
    for (const offset of [-3600, +3600]) {
      const payload = event();
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: nowSeconds() + offset });
      const answer = await post(url, { 'Stripe-Signature': header }, payload);
      assert.equal(answer.status, 401, `offset ${offset}`);
      assert.equal(answer.code, 'ERR_SIG_EXPIRED');
    }
  });

  test('a body re-serialized after signing → 401 ERR_SIG_INVALID; with debug the payload is shown and the secret never is', async (t) => {
    const url = await hookServer(t, stripeWebhook({ secret: STRIPE_SECRET }), { debug: true });
    const payload = event();
    const timestamp = nowSeconds();
    const compact = JSON.stringify(JSON.parse(payload));
    const answer = await post(url, { 'Stripe-Signature': stripeSignatureHeader({ payload, secret: STRIPE_SECRET, timestamp }) }, compact);
    assert.equal(answer.status, 401);
    assert.equal(answer.code, 'ERR_SIG_INVALID');
    assert.equal(answer.json.error?.signatureBase, `${timestamp}.${compact}`);
    assert.ok(!answer.text.includes(STRIPE_SECRET));
  });

  test('replay "event": a signed body that is not JSON → 401 ERR_SIG_MALFORMED, and the server keeps answering', async (t) => {
    const url = await hookServer(t, stripeWebhook({ secret: STRIPE_SECRET, replay: 'event' }));
    const junk = '{"id": "evt_1", ';
    const bad = await post(url, { 'Stripe-Signature': stripeSignatureHeader({ payload: junk, secret: STRIPE_SECRET }) }, junk);
    assert.equal(bad.status, 401);
    assert.equal(bad.code, 'ERR_SIG_MALFORMED');
    const payload = event();
    assert.equal((await post(url, { 'Stripe-Signature': stripeSignatureHeader({ payload, secret: STRIPE_SECRET }) }, payload)).status, 200);
  });

  const garbage: Array<[string, Record<string, string>, string]> = [
    ['no Stripe-Signature', {}, 'ERR_SIG_MISSING'],
    ['a header of 4000 commas', { 'Stripe-Signature': ','.repeat(4000) }, 'ERR_SIG_MALFORMED'],
    ['a header of random text', { 'Stripe-Signature': 'hello world' }, 'ERR_SIG_MALFORMED'],
  ];
  for (const [what, headers, code] of garbage) {
    test(`${what} → 401 ${code}`, async (t) => {
      const url = await hookServer(t, stripeWebhook({ secret: STRIPE_SECRET }));
      const answer = await post(url, headers, event());
      assert.equal(answer.status, 401);
      assert.equal(answer.code, code);
    });
  }
});

describe('slackSignature over a socket', () => {
  test('the worked example of the Slack docs verifies at its own time', { skip: skipVectors }, async (t) => {
    const slack = vectors!.slack;
    const url = await hookServer(t, slackSignature({ signingSecret: slack.secret }), { now: () => Number(slack.timestamp) * 1000 });
    const headers = { 'X-Slack-Request-Timestamp': slack.timestamp, 'X-Slack-Signature': slack.signature, 'Content-Type': 'application/x-www-form-urlencoded' };
    const answer = await post(url, headers, slack.body);
    assert.equal(answer.status, 200);
    assert.equal(answer.json.body, slack.body);
    assert.equal(answer.json.signature?.['created'], Number(slack.timestamp));
  });

  test('a slash command signed by slackSignatureHeaders → 200 and its form is readable; the same request again → 401 ERR_SIG_REPLAYED', async (t) => {
    const app = new App();
    app.post('/slack', verifySignature({ scheme: slackSignature({ signingSecret: SLACK_SECRET }) }), async (c) => c.text(`deploying ${String((await c.req.form()).get('text'))}`));
    const server = await listen(t, app);
    const body = 'command=%2Fdeploy&text=prod&user_id=U2CERLKJA';
    const headers = { ...slackSignatureHeaders({ body, signingSecret: SLACK_SECRET }), 'Content-Type': 'application/x-www-form-urlencoded' };
    const send = (): Promise<Response> => fetch(`http://127.0.0.1:${server.port}/slack`, { method: 'POST', headers, body, signal: bounded() });
    const first = await send();
    assert.equal(first.status, 200);
    assert.equal(await first.text(), 'deploying prod');
    const again = await send();
    assert.equal(again.status, 401);
    assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'ERR_SIG_REPLAYED');
  });
});

describe('githubWebhook over a socket', () => {
  test('the worked example of the GitHub docs verifies', { skip: skipVectors }, async (t) => {
    const github = vectors!.github;
    const url = await hookServer(t, githubWebhook({ secret: github.secret }));
    const answer = await post(url, { [github.header]: github.signature, 'X-GitHub-Delivery': randomUUID() }, github.body);
    assert.equal(answer.status, 200);
    assert.equal(answer.json.signature?.['scheme'], 'github');
  });

  test('a delivery signed by githubSignatureHeaders → 200; its redelivery (same GUID) → 401 ERR_SIG_REPLAYED; no GUID → 401 ERR_SIG_MALFORMED', async (t) => {
    const url = await hookServer(t, githubWebhook({ secret: GITHUB_SECRET }));
    const payload = JSON.stringify({ action: 'opened', number: 7 });
    const headers = { ...githubSignatureHeaders({ payload, secret: GITHUB_SECRET }), 'X-GitHub-Event': 'pull_request', 'Content-Type': 'application/json' };
    assert.equal((await post(url, headers, payload)).status, 200);
    const again = await post(url, headers, payload);
    assert.equal(again.code, 'ERR_SIG_REPLAYED');
    const { 'X-GitHub-Delivery': _, ...withoutGuid } = headers;
    const missing = await post(url, withoutGuid, payload);
    assert.equal(missing.status, 401);
    assert.equal(missing.code, 'ERR_SIG_MALFORMED');
    assert.equal(missing.challenge, 'github; header="X-Hub-Signature-256"; alg="hmac-sha256"');
    assert.ok(!missing.text.includes(GITHUB_SECRET));
  });

  test('a secret from verifySignature keys under a custom key id → 200 reporting that key id', async (t) => {
    const url = await hookServer(t, githubWebhook({ keyId: 'org-hook' }), { keys: { 'org-hook': { secret: GITHUB_SECRET } } });
    const payload = '{"zen":"Speak like a human."}';
    const answer = await post(url, githubSignatureHeaders({ payload, secret: GITHUB_SECRET }), payload);
    assert.equal(answer.status, 200);
    assert.equal(answer.json.signature?.['keyId'], 'org-hook');
  });
});
