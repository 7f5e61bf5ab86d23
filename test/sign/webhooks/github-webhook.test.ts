/**
 * `githubWebhook()` through `createVerifier`, in memory: the worked example
 * of the GitHub docs verifies, there is no window, the delivery GUID is
 * required and claimed, and the legacy sha1 header is accepted only when
 * allowed.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { createVerifier, type VerifierOptions } from '../../../src/index.ts';
import { githubSignature, githubSignatureHeaders, githubWebhook, type GithubWebhookOptions } from '../../../src/sign/webhooks/index.ts';
import { NOW, rejection, signatureError, skipVectors, vectors, webhookRequest } from './webhook-request.ts';

const SECRET = 'gh-webhook-secret-0b7e';
const PAYLOAD = JSON.stringify({ zen: 'Design for failure.', hook_id: 42 });

function verifier(scheme: GithubWebhookOptions = { secret: SECRET }, options: Partial<VerifierOptions> = {}) {
  return createVerifier({ scheme: githubWebhook(scheme), now: () => NOW * 1000, ...options });
}

function signed(options: { payload?: string; secret?: string; delivery?: string } = {}) {
  const payload = options.payload ?? PAYLOAD;
  const headers = githubSignatureHeaders({ payload, secret: options.secret ?? SECRET, delivery: options.delivery ?? randomUUID() });
  return webhookRequest({ ...headers, 'X-GitHub-Event': 'ping', 'Content-Type': 'application/json' }, payload);
}

describe('githubWebhook: the worked example of the GitHub docs', { skip: skipVectors }, () => {
  test('the example delivery verifies → { keyId: "github", alg: "hmac-sha256", created: the time of verification }', async () => {
    const github = vectors!.github;
    const request = webhookRequest({ [github.header]: github.signature, 'X-GitHub-Delivery': randomUUID() }, github.body);
    const verified = await verifier({ secret: github.secret }).verify(request);
    assert.deepEqual(verified, { keyId: 'github', alg: 'hmac-sha256', scheme: 'github', label: 'github', created: NOW });
  });
});

describe('githubWebhook: verification', () => {
  test('no window: a delivery verifies whatever the server clock says', async () => {
    const request = signed();
    assert.equal((await verifier({ secret: SECRET }, { now: () => 4_000_000_000_000 }).verify(request)).created, 4_000_000_000);
  });

  const cases: Array<[string, () => ReturnType<typeof webhookRequest>, string]> = [
    ['no X-Hub-Signature-256', () => webhookRequest({ 'X-GitHub-Delivery': randomUUID() }, PAYLOAD), 'ERR_SIG_MISSING'],
    ['only the legacy X-Hub-Signature (sha1 not allowed)', () => webhookRequest({ 'X-Hub-Signature': githubSignature(PAYLOAD, SECRET, 'sha1'), 'X-GitHub-Delivery': randomUUID() }, PAYLOAD), 'ERR_SIG_MISSING'],
    ['sha1= in X-Hub-Signature-256', () => webhookRequest({ 'X-Hub-Signature-256': githubSignature(PAYLOAD, SECRET, 'sha1'), 'X-GitHub-Delivery': randomUUID() }, PAYLOAD), 'ERR_SIG_MALFORMED'],
    ['a bare hex digest without sha256=', () => webhookRequest({ 'X-Hub-Signature-256': githubSignature(PAYLOAD, SECRET).slice(7), 'X-GitHub-Delivery': randomUUID() }, PAYLOAD), 'ERR_SIG_MALFORMED'],
    ['no X-GitHub-Delivery', () => webhookRequest({ 'X-Hub-Signature-256': githubSignature(PAYLOAD, SECRET) }, PAYLOAD), 'ERR_SIG_MALFORMED'],
    ['an X-GitHub-Delivery with spaces', () => signed({ delivery: 'a b' }), 'ERR_SIG_MALFORMED'],
    ['another secret', () => signed({ secret: 'other' }), 'ERR_SIG_INVALID'],
    ['a body changed after signing', () => webhookRequest({ 'X-Hub-Signature-256': githubSignature(PAYLOAD, SECRET), 'X-GitHub-Delivery': randomUUID() }, `${PAYLOAD}\n`), 'ERR_SIG_INVALID'],
  ];
  for (const [what, request, code] of cases) {
    test(`${what} → ${code}`, async () => assert.equal(await rejection(verifier().verify(request())), code));
  }

  test('the same delivery GUID twice (a redelivery) → the second is ERR_SIG_REPLAYED', async () => {
    const v = verifier();
    const delivery = randomUUID();
    await v.verify(signed({ delivery }));
    assert.equal(await rejection(v.verify(signed({ delivery }))), 'ERR_SIG_REPLAYED');
  });

  test('the same body under a new GUID → accepted: the GUID is not signed (the documented limit)', async () => {
    const v = verifier();
    await v.verify(signed());
    assert.equal(await rejection(v.verify(signed())), undefined);
  });

  test('requireDelivery false: no GUID → accepted, and the same signed body again → ERR_SIG_REPLAYED', async () => {
    const v = verifier({ secret: SECRET, requireDelivery: false });
    const request = (): ReturnType<typeof webhookRequest> => webhookRequest({ 'X-Hub-Signature-256': githubSignature(PAYLOAD, SECRET) }, PAYLOAD);
    await v.verify(request());
    assert.equal(await rejection(v.verify(request())), 'ERR_SIG_REPLAYED');
  });

  test('legacySha1: only X-Hub-Signature: sha1= → accepted as hmac-sha1', async () => {
    const request = webhookRequest({ 'X-Hub-Signature': githubSignature(PAYLOAD, SECRET, 'sha1'), 'X-GitHub-Delivery': randomUUID() }, PAYLOAD);
    assert.equal((await verifier({ secret: SECRET, legacySha1: true }).verify(request)).alg, 'hmac-sha1');
  });

  test('legacySha1 with both headers: X-Hub-Signature-256 decides (a wrong sha256 with a right sha1 → ERR_SIG_INVALID)', async () => {
    const request = webhookRequest({
      'X-Hub-Signature-256': githubSignature(PAYLOAD, 'other'),
      'X-Hub-Signature': githubSignature(PAYLOAD, SECRET, 'sha1'),
      'X-GitHub-Delivery': randomUUID(),
    }, PAYLOAD);
    assert.equal(await rejection(verifier({ secret: SECRET, legacySha1: true }).verify(request)), 'ERR_SIG_INVALID');
  });

  test('with debug, ERR_SIG_INVALID carries the body, the only thing GitHub signs', async () => {
    const error = await signatureError(verifier({ secret: SECRET }, { debug: true }).verify(signed({ secret: 'other' })));
    assert.equal(error.signatureBase, PAYLOAD);
  });

  test('challenge() names the scheme, the header and the algorithm', () => {
    assert.deepEqual(githubWebhook({ secret: SECRET }).challenge(), { 'Accept-Signature': 'github; header="X-Hub-Signature-256"; alg="hmac-sha256"' });
  });
});
