/**
 * Where a webhook scheme's secret comes from: the scheme itself (then
 * `verifySignature` needs no `keys`), or `verifySignature`'s `keys` under
 * the scheme's key id(s) — never both, never neither — and the checks of
 * every scheme option at construction.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { MemoryNonceStore, classicSign, createVerifier, verifySignature, type KeyConfig, type KeySource, type Scheme } from '../../../src/index.ts';
import { githubWebhook, slackSignature, stripeSignatureHeader, stripeWebhook } from '../../../src/sign/webhooks/index.ts';
import { NOW, rejection, webhookRequest } from './webhook-request.ts';

const SECRET = 'whsec_keys_41c0';
const PAYLOAD = '{"id":"evt_keys"}';

function delivery(secret = SECRET) {
  return webhookRequest({ 'Stripe-Signature': stripeSignatureHeader({ payload: PAYLOAD, secret, timestamp: NOW }) }, PAYLOAD);
}

function verify(scheme: Scheme, keys?: KeySource) {
  const verifier = createVerifier({ scheme, now: () => NOW * 1000, ...(keys === undefined ? {} : { keys }) });
  return verifier.verify(delivery());
}

describe('verifySignature keys: the scheme\'s own or the option\'s', () => {
  test('a scheme built with its secret needs no keys', () => {
    for (const scheme of [stripeWebhook({ secret: SECRET }), slackSignature({ signingSecret: SECRET }), githubWebhook({ secret: SECRET })]) {
      assert.equal(typeof verifySignature({ scheme }), 'function');
    }
  });

  test('a scheme\'s own secret and keys together → ERR_INVALID_OPTION', () => {
    assert.throws(() => verifySignature({ scheme: stripeWebhook({ secret: SECRET }), keys: { stripe: { secret: SECRET } } }), { code: 'ERR_INVALID_OPTION' });
  });

  test('neither a secret nor keys → ERR_INVALID_OPTION, and rfc9421 and classicSign still require keys', () => {
    for (const options of [{}, { scheme: classicSign() }, { scheme: stripeWebhook() }, { scheme: slackSignature() }, { scheme: githubWebhook() }]) {
      assert.throws(() => verifySignature(options), (error: Error & { code?: string }) => {
        return error.code === 'ERR_INVALID_OPTION' && error.message.includes('"keys"');
      });
    }
  });

  test('without a secret, the key "stripe" of keys is used', async () => {
    assert.equal((await verify(stripeWebhook(), { stripe: { secret: SECRET } })).keyId, 'stripe');
  });

  test('keys as a lookup function or a KeyStore work the same', async () => {
    const asked: string[] = [];
    const lookup = (id: string): KeyConfig | undefined => (asked.push(id), id === 'stripe' ? { alg: 'hmac-sha256', secret: SECRET } : undefined);
    assert.equal((await verify(stripeWebhook(), lookup)).keyId, 'stripe');
    assert.deepEqual(asked, ['stripe']);
    assert.equal((await verify(stripeWebhook(), { get: lookup })).keyId, 'stripe');
  });

  test('a list of key ids (a rotation) → each is tried in order and the one that signed is reported', async () => {
    const keys = { 'stripe-new': { secret: 'whsec_new' }, 'stripe-old': { secret: SECRET } };
    assert.equal((await verify(stripeWebhook({ keyId: ['stripe-new', 'stripe-old'] }), keys)).keyId, 'stripe-old');
  });

  test('a key id absent from keys is skipped; all absent → ERR_SIG_UNKNOWN_KEY', async () => {
    assert.equal((await verify(stripeWebhook({ keyId: ['gone', 'stripe'] }), { stripe: { secret: SECRET } })).keyId, 'stripe');
    assert.equal(await rejection(verify(stripeWebhook({ keyId: 'acct-a' }), { stripe: { secret: SECRET } })), 'ERR_SIG_UNKNOWN_KEY');
  });

  test('a public key under the scheme\'s key id → ERR_SIG_ALG_MISMATCH', async () => {
    const publicKey = generateKeyPairSync('ed25519').publicKey;
    assert.equal(await rejection(verify(stripeWebhook(), { stripe: { alg: 'ed25519', publicKey } })), 'ERR_SIG_ALG_MISMATCH');
  });

  test('deliveries are claimed per key: the same delivery to two endpoints with their own key ids → both accepted', async () => {
    const keys = { 'acct-a': { secret: SECRET }, 'acct-b': { secret: SECRET } };
    const nonces = new MemoryNonceStore();
    const a = createVerifier({ scheme: stripeWebhook({ keyId: 'acct-a' }), keys, nonces, now: () => NOW * 1000 });
    const b = createVerifier({ scheme: stripeWebhook({ keyId: 'acct-b' }), keys, nonces, now: () => NOW * 1000 });
    await a.verify(delivery());
    await b.verify(delivery());
    assert.equal(await rejection(a.verify(delivery())), 'ERR_SIG_REPLAYED');
  });
});

describe('webhook scheme options are checked at construction', () => {
  const bad: Array<[string, () => unknown]> = [
    ['an unknown option', () => stripeWebhook({ secrett: SECRET } as never)],
    ['an empty secret', () => stripeWebhook({ secret: '' })],
    ['empty bytes as secret', () => githubWebhook({ secret: new Uint8Array(0) })],
    ['an empty list of secrets', () => slackSignature({ signingSecret: [] })],
    ['nine secrets', () => stripeWebhook({ secret: Array.from({ length: 9 }, (_, i) => `whsec_${i}`) })],
    ['a secret that is a number', () => stripeWebhook({ secret: 42 as never })],
    ['a list of key ids with a secret', () => stripeWebhook({ secret: SECRET, keyId: ['a', 'b'] })],
    ['an empty key id', () => slackSignature({ keyId: '' })],
    ['an empty list of key ids', () => githubWebhook({ keyId: [] })],
    ['replay other than signature or event', () => stripeWebhook({ secret: SECRET, replay: 'id' as never })],
    ['requireDelivery that is not a boolean', () => githubWebhook({ secret: SECRET, requireDelivery: 'no' as never })],
    ['legacySha1 that is not a boolean', () => githubWebhook({ secret: SECRET, legacySha1: 1 as never })],
    ['Slack\'s "secret" instead of "signingSecret"', () => slackSignature({ secret: SECRET } as never)],
    ['options that are not an object', () => githubWebhook('secret' as never)],
  ];
  for (const [what, build] of bad) {
    test(`${what} → ERR_INVALID_OPTION`, () => assert.throws(build, { code: 'ERR_INVALID_OPTION' }));
  }

  test('a scheme carries its secret as keys ("stripe", or "stripe#1", "stripe#2" for a list)', () => {
    assert.deepEqual(Object.keys(stripeWebhook({ secret: SECRET }).keys ?? {}), ['stripe']);
    assert.deepEqual(Object.keys(stripeWebhook({ secret: [SECRET, 'whsec_2'] }).keys ?? {}), ['stripe#1', 'stripe#2']);
    assert.equal(stripeWebhook().keys, undefined);
  });
});
