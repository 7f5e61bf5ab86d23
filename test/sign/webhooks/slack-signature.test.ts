/**
 * `slackSignature()` through `createVerifier` with a fixed clock, in
 * memory: the worked example of the Slack docs verifies at its own time,
 * and each failure gets its code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createVerifier, type VerifierOptions } from '../../../src/index.ts';
import { slackSignature, slackSignatureHeaders, type SlackSignatureOptions } from '../../../src/sign/webhooks/index.ts';
import { NOW, rejection, signatureError, skipVectors, vectors, webhookRequest } from './webhook-request.ts';

const SECRET = 'slack-signing-secret-3d9f';
const BODY = 'token=x&team_id=T1&command=%2Fdeploy&text=prod';

function verifier(scheme: SlackSignatureOptions = { signingSecret: SECRET }, options: Partial<VerifierOptions> = {}) {
  return createVerifier({ scheme: slackSignature(scheme), now: () => NOW * 1000, ...options });
}

function signed(options: { body?: string; secret?: string; timestamp?: number } = {}) {
  const body = options.body ?? BODY;
  const headers = slackSignatureHeaders({ body, signingSecret: options.secret ?? SECRET, timestamp: options.timestamp ?? NOW });
  return webhookRequest({ ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body);
}

describe('slackSignature: the worked example of the Slack docs', { skip: skipVectors }, () => {
  test('the example request verifies at its own time → { keyId: "slack", created: its timestamp }', async () => {
    const slack = vectors!.slack;
    const request = webhookRequest({ 'X-Slack-Request-Timestamp': slack.timestamp, 'X-Slack-Signature': slack.signature }, slack.body);
    const v = createVerifier({ scheme: slackSignature({ signingSecret: slack.secret }), now: () => Number(slack.timestamp) * 1000 });
    assert.deepEqual(await v.verify(request), { keyId: 'slack', alg: 'hmac-sha256', scheme: 'slack', label: 'slack', created: Number(slack.timestamp) });
  });

  test('the example request today → ERR_SIG_EXPIRED', async () => {
    const slack = vectors!.slack;
    const request = webhookRequest({ 'X-Slack-Request-Timestamp': slack.timestamp, 'X-Slack-Signature': slack.signature }, slack.body);
    assert.equal(await rejection(verifier({ signingSecret: slack.secret }).verify(request)), 'ERR_SIG_EXPIRED');
  });
});

describe('slackSignature: verification', () => {
  test('a request signed with the signing secret → accepted with its timestamp as created', async () => {
    assert.deepEqual(await verifier().verify(signed()), { keyId: 'slack', alg: 'hmac-sha256', scheme: 'slack', label: 'slack', created: NOW });
  });

  test('the timestamp at either edge of the window → accepted', async () => {
    const v = verifier();
    await v.verify(signed({ timestamp: NOW - 300 }));
    await v.verify(signed({ timestamp: NOW + 300 }));
  });

  test('the timestamp is signed as sent: leading zeros are part of the base string', async () => {
    const digest = slackSignatureHeaders({ body: BODY, signingSecret: SECRET, timestamp: NOW })['X-Slack-Signature'];
    const padded = webhookRequest({ 'X-Slack-Request-Timestamp': `0${NOW}`, 'X-Slack-Signature': digest }, BODY);
    assert.equal(await rejection(verifier().verify(padded)), 'ERR_SIG_INVALID');
  });

  const sig = (): string => slackSignatureHeaders({ body: BODY, signingSecret: SECRET, timestamp: NOW })['X-Slack-Signature'];
  const cases: Array<[string, () => ReturnType<typeof webhookRequest>, string]> = [
    ['no X-Slack-Signature', () => webhookRequest({ 'X-Slack-Request-Timestamp': String(NOW) }, BODY), 'ERR_SIG_MISSING'],
    ['no X-Slack-Request-Timestamp', () => webhookRequest({ 'X-Slack-Signature': sig() }, BODY), 'ERR_SIG_MALFORMED'],
    ['a timestamp that is not digits', () => webhookRequest({ 'X-Slack-Request-Timestamp': '17e8', 'X-Slack-Signature': sig() }, BODY), 'ERR_SIG_MALFORMED'],
    ['a version other than v0', () => webhookRequest({ 'X-Slack-Request-Timestamp': String(NOW), 'X-Slack-Signature': sig().replace('v0=', 'v1=') }, BODY), 'ERR_SIG_MALFORMED'],
    ['a signature one hex digit short', () => webhookRequest({ 'X-Slack-Request-Timestamp': String(NOW), 'X-Slack-Signature': sig().slice(0, -1) }, BODY), 'ERR_SIG_MALFORMED'],
    ['a signature with a non-hex digit', () => webhookRequest({ 'X-Slack-Request-Timestamp': String(NOW), 'X-Slack-Signature': `${sig().slice(0, -1)}g` }, BODY), 'ERR_SIG_MALFORMED'],
    ['a timestamp 301 s in the past', () => signed({ timestamp: NOW - 301 }), 'ERR_SIG_EXPIRED'],
    ['a timestamp 301 s in the future', () => signed({ timestamp: NOW + 301 }), 'ERR_SIG_EXPIRED'],
    ['another signing secret', () => signed({ secret: 'other' }), 'ERR_SIG_INVALID'],
    ['a timestamp changed after signing', () => webhookRequest({ 'X-Slack-Request-Timestamp': String(NOW + 1), 'X-Slack-Signature': sig() }, BODY), 'ERR_SIG_INVALID'],
  ];
  for (const [what, request, code] of cases) {
    test(`${what} → ${code}`, async () => assert.equal(await rejection(verifier().verify(request())), code));
  }

  test('upper-case hex → accepted (the same digest)', async () => {
    const request = webhookRequest({ 'X-Slack-Request-Timestamp': String(NOW), 'X-Slack-Signature': `v0=${sig().slice(3).toUpperCase()}` }, BODY);
    assert.equal(await rejection(verifier().verify(request)), undefined);
  });

  test('the same signed request twice → the second is ERR_SIG_REPLAYED', async () => {
    const v = verifier();
    await v.verify(signed());
    assert.equal(await rejection(v.verify(signed())), 'ERR_SIG_REPLAYED');
  });

  test('the same body signed at another second → accepted (a new request)', async () => {
    const v = verifier();
    await v.verify(signed());
    await v.verify(signed({ timestamp: NOW + 1 }));
  });

  test('with debug, ERR_SIG_INVALID carries v0:<timestamp>:<body>', async () => {
    const error = await signatureError(verifier({ signingSecret: SECRET }, { debug: true }).verify(signed({ secret: 'other' })));
    assert.equal(error.signatureBase, `v0:${NOW}:${BODY}`);
  });

  test('challenge() names the scheme, the header, the algorithm and the version', () => {
    assert.deepEqual(slackSignature({ signingSecret: SECRET }).challenge(), {
      'Accept-Signature': 'slack; header="X-Slack-Signature"; alg="hmac-sha256"; version="v0"',
    });
  });
});
