/**
 * `stripeWebhook()` through `createVerifier` with a fixed clock and a real
 * `MemoryNonceStore`, in memory (no socket): what a verified delivery
 * reports, each failure code with the condition that produces it, the
 * order of the checks (a forgery never spends the nonce), rotation, both
 * replay modes, and the debug payload.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { MemoryNonceStore, createVerifier, type NonceStore, type VerifierOptions } from '../../../src/index.ts';
import { stripeSignatureHeader, stripeWebhook, type StripeWebhookOptions } from '../../../src/sign/webhooks/index.ts';
import { NOW, rejection, signatureError, webhookRequest } from './webhook-request.ts';

const SECRET = 'whsec_test_5f1c2e9a';
const EVENT = JSON.stringify({ id: 'evt_1NfA2b', object: 'event', type: 'payment_intent.succeeded' });

function verifier(scheme: StripeWebhookOptions = { secret: SECRET }, options: Partial<VerifierOptions> = {}) {
  return createVerifier({ scheme: stripeWebhook(scheme), now: () => NOW * 1000, ...options });
}

function delivery(options: { payload?: string; secret?: string | string[]; timestamp?: number } = {}) {
  const payload = options.payload ?? EVENT;
  const header = stripeSignatureHeader({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp ?? NOW });
  return webhookRequest({ 'Stripe-Signature': header, 'Content-Type': 'application/json' }, payload);
}

describe('stripeWebhook: accepted deliveries', () => {
  test('a delivery signed with the secret → { keyId: "stripe", alg, scheme, label, created: t }', async () => {
    assert.deepEqual(await verifier().verify(delivery()), { keyId: 'stripe', alg: 'hmac-sha256', scheme: 'stripe', label: 'stripe', created: NOW });
  });

  test('t at either edge of the window → accepted', async () => {
    const v = verifier();
    await v.verify(delivery({ timestamp: NOW - 300 }));
    await v.verify(delivery({ timestamp: NOW + 300 }));
  });

  test('several v1 (Stripe rolling a secret) → accepted when any one matches', async () => {
    assert.equal((await verifier().verify(delivery({ secret: ['whsec_other', SECRET] }))).keyId, 'stripe');
  });

  test('a list of secrets → the one that signed is reported as stripe#<position>', async () => {
    const v = verifier({ secret: ['whsec_new', SECRET] });
    assert.equal((await v.verify(delivery())).keyId, 'stripe#2');
    assert.equal((await v.verify(delivery({ secret: 'whsec_new' }))).keyId, 'stripe#1');
  });

  test('keyId names the key reported', async () => {
    assert.equal((await verifier({ secret: SECRET, keyId: 'acct-eu' }).verify(delivery())).keyId, 'acct-eu');
  });
});

describe('stripeWebhook: refusals, in the order of the checks', () => {
  const cases: Array<[string, () => ReturnType<typeof webhookRequest>, string]> = [
    ['no Stripe-Signature', () => webhookRequest({}, EVENT), 'ERR_SIG_MISSING'],
    ['a header without v1', () => webhookRequest({ 'Stripe-Signature': `t=${NOW},v0=${'a'.repeat(64)}` }, EVENT), 'ERR_SIG_MALFORMED'],
    ['a v1 that is not 64 hex digits', () => webhookRequest({ 'Stripe-Signature': `t=${NOW},v1=abc` }, EVENT), 'ERR_SIG_MALFORMED'],
    ['t 301 s in the past', () => delivery({ timestamp: NOW - 301 }), 'ERR_SIG_EXPIRED'],
    ['t 301 s in the future (Stripe\'s library would accept it)', () => delivery({ timestamp: NOW + 301 }), 'ERR_SIG_EXPIRED'],
    ['a stale t with a wrong signature (the window is checked first)', () => delivery({ timestamp: NOW - 3600, secret: 'whsec_wrong' }), 'ERR_SIG_EXPIRED'],
    ['another secret', () => delivery({ secret: 'whsec_wrong' }), 'ERR_SIG_INVALID'],
    ['a body changed after signing', () => webhookRequest({ 'Stripe-Signature': stripeSignatureHeader({ payload: EVENT, secret: SECRET, timestamp: NOW }) }, `${EVENT} `), 'ERR_SIG_INVALID'],
  ];
  for (const [what, request, code] of cases) {
    test(`${what} → ${code}`, async () => assert.equal(await rejection(verifier().verify(request())), code));
  }

  test('the same delivery twice → the second is ERR_SIG_REPLAYED', async () => {
    const v = verifier();
    await v.verify(delivery());
    assert.equal(await rejection(v.verify(delivery())), 'ERR_SIG_REPLAYED');
  });

  test('a forged body under a captured header → ERR_SIG_INVALID, and the genuine delivery is still accepted after it', async () => {
    const v = verifier();
    const header = stripeSignatureHeader({ payload: EVENT, secret: SECRET, timestamp: NOW });
    assert.equal(await rejection(v.verify(webhookRequest({ 'Stripe-Signature': header }, '{"id":"evt_forged"}'))), 'ERR_SIG_INVALID');
    assert.equal(await rejection(v.verify(webhookRequest({ 'Stripe-Signature': header }, EVENT))), undefined);
  });

  test('the same event re-signed by Stripe at a later t (a retry) → accepted: a new delivery', async () => {
    const v = verifier();
    await v.verify(delivery());
    await v.verify(delivery({ timestamp: NOW + 60 }));
  });

  test('a nonce store that cannot answer → ERR_SIG_STORE_UNAVAILABLE (503)', async () => {
    const down: NonceStore = { claim: () => Promise.reject(new Error('connection refused')) };
    const error = await signatureError(verifier({ secret: SECRET }, { nonces: down }).verify(delivery()));
    assert.equal(error.code, 'ERR_SIG_STORE_UNAVAILABLE');
    assert.equal(error.status, 503);
  });
});

describe('stripeWebhook: replay "event" claims the event id', () => {
  const byEvent = (): ReturnType<typeof verifier> => verifier({ secret: SECRET, replay: 'event' }, { nonces: new MemoryNonceStore() });

  test('the same event re-signed at a later t → ERR_SIG_REPLAYED', async () => {
    const v = byEvent();
    await v.verify(delivery());
    assert.equal(await rejection(v.verify(delivery({ timestamp: NOW + 60 }))), 'ERR_SIG_REPLAYED');
  });

  test('another event → accepted', async () => {
    const v = byEvent();
    await v.verify(delivery());
    await v.verify(delivery({ payload: JSON.stringify({ id: 'evt_2', object: 'event' }) }));
  });

  const bodies: Array<[string, string]> = [
    ['a body that is not JSON', '{"id": "evt_1"'],
    ['a JSON array', '["evt_1"]'],
    ['JSON null', 'null'],
    ['an event without id', '{"object":"event"}'],
    ['a numeric id', '{"id":42}'],
    ['an empty id', '{"id":""}'],
    ['an id over 255 characters', JSON.stringify({ id: `evt_${'x'.repeat(252)}` })],
  ];
  for (const [what, payload] of bodies) {
    test(`${what}, validly signed → ERR_SIG_MALFORMED`, async () => {
      assert.equal(await rejection(byEvent().verify(delivery({ payload }))), 'ERR_SIG_MALFORMED');
    });
  }

  test('a body that is not JSON under a wrong signature → ERR_SIG_INVALID (the signature is checked first)', async () => {
    assert.equal(await rejection(byEvent().verify(delivery({ payload: 'not json', secret: 'whsec_wrong' }))), 'ERR_SIG_INVALID');
  });
});

describe('stripeWebhook: debug', () => {
  test('with debug, ERR_SIG_INVALID carries "<t>." and the body, never the secret', async () => {
    const error = await signatureError(verifier({ secret: SECRET }, { debug: true }).verify(delivery({ secret: 'whsec_wrong' })));
    assert.equal(error.code, 'ERR_SIG_INVALID');
    assert.equal(error.signatureBase, `${NOW}.${EVENT}`);
    assert.ok(!error.signatureBase.includes(SECRET) && !error.message.includes(SECRET));
  });

  test('without debug, ERR_SIG_INVALID carries no payload', async () => {
    assert.equal((await signatureError(verifier().verify(delivery({ secret: 'whsec_wrong' })))).signatureBase, undefined);
  });

  test('with debug, a body over 4096 bytes is summarized by its length and SHA-256', async () => {
    const payload = JSON.stringify({ id: 'evt_big', pad: 'x'.repeat(5000) });
    const error = await signatureError(verifier({ secret: SECRET }, { debug: true }).verify(delivery({ payload, secret: 'whsec_wrong' })));
    const digest = createHash('sha256').update(payload).digest('base64');
    assert.equal(error.signatureBase, `${NOW}.[${Buffer.byteLength(payload)} bytes, sha-256=:${digest}:]`);
  });

  test('with debug, a body that is not UTF-8 is summarized', async () => {
    const body = Buffer.from([0x7b, 0xff, 0x7d]);
    const header = stripeSignatureHeader({ payload: body, secret: 'whsec_wrong', timestamp: NOW });
    const error = await signatureError(verifier({ secret: SECRET }, { debug: true }).verify(webhookRequest({ 'Stripe-Signature': header }, body)));
    assert.match(error.signatureBase ?? '', new RegExp(`^${NOW}\\.\\[3 bytes, sha-256=:[A-Za-z0-9+/]+=*:\\]$`));
  });

  test('challenge() names the scheme, the header and the algorithm', () => {
    assert.deepEqual(stripeWebhook({ secret: SECRET }).challenge(), { 'Accept-Signature': 'stripe; header="Stripe-Signature"; alg="hmac-sha256"' });
  });
});
