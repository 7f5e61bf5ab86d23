/**
 * Fastify verifying the signed scenario's requests with http-message-signatures
 * (`verifyMessage` and its hmac-sha256 verifier), and doing the rest of what
 * signwire's `verifySignature` does, so that both servers do the same work:
 *
 * - the raw body bytes, kept by a buffer body parser that then hands them to
 *   Fastify's own JSON parser, and checked against the `sha-256` member of
 *   Content-Digest;
 * - the covered components and parameters signwire requires, and `created`
 *   within ±300 s of the server's clock;
 * - the nonce, claimed once per key only after the signature is valid, in a
 *   bounded Map that forgets each nonce after 2 × 300 + 1 s.
 *
 * Any failure answers 401 (a full nonce store 503), as signwire does.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { createVerifier, httpbis } from 'http-message-signatures';
import { KEY_ID, SECRET } from './bench-key.mjs';
import { ready } from './control.mjs';

const WINDOW_S = 300;
const NONCE_TTL_MS = (2 * WINDOW_S + 1) * 1000;
const MAX_NONCES = 5_000_000;
const KEYS = new Map([[KEY_ID, { id: KEY_ID, algs: ['hmac-sha256'], verify: createVerifier(SECRET, 'hmac-sha256') }]]);

/** Every supported member must match the body, and there must be one (signwire also accepts sha-512). */
function digestMatches(field, body) {
  const member = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]*={0,2}):\s*(?:,|$)/.exec(field ?? '');
  if (member === null) return false;
  const expected = Buffer.from(member[1], 'base64');
  const actual = createHash('sha256').update(body).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** `keyid\nnonce` → expiry in ms, in claim order, which with one TTL is expiry order. */
const nonces = new Map();

function claimNonce(id) {
  const now = Date.now();
  for (const [seen, expiry] of nonces) {
    if (expiry > now) break;
    nonces.delete(seen);
  }
  if (nonces.has(id)) return 'replayed';
  if (nonces.size >= MAX_NONCES) return 'full';
  nonces.set(id, now + NONCE_TTL_MS);
  return 'claimed';
}

/** The verified signature's parameters, or undefined. */
async function verifiedParams(request) {
  let params;
  const now = Math.floor(Date.now() / 1000);
  const config = {
    keyLookup: async (found) => {
      params = found;
      return KEYS.get(found.keyid) ?? null;
    },
    requiredParams: ['created', 'nonce', 'keyid'],
    requiredFields: ['@method', '@authority', '@path', '@query', 'content-digest'],
    maxAge: WINDOW_S,
    notAfter: now + WINDOW_S,
  };
  const message = { method: request.method, url: new URL(request.url, `http://${request.host}`), headers: request.headers };
  const valid = await httpbis.verifyMessage(config, message).catch(() => false);
  return valid === true ? params : undefined;
}

async function verifySigned(request, reply) {
  const params = request.rawBody !== null && digestMatches(request.headers['content-digest'], request.rawBody)
    ? await verifiedParams(request)
    : undefined;
  if (params === undefined) return reply.code(401).send({ error: { code: 'unauthorized' } });
  const claim = claimNonce(`${params.keyid}\n${params.nonce}`);
  if (claim === 'replayed') return reply.code(401).send({ error: { code: 'replayed' } });
  if (claim === 'full') return reply.code(503).send({ error: { code: 'nonce store full' } });
}

const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
const parseJson = app.getDefaultJsonParser('error', 'error');
app.decorateRequest('rawBody', null);
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
  request.rawBody = body;
  parseJson(request, body, done);
});

app.post('/orders', { preHandler: verifySigned }, async (request, reply) => {
  reply.code(201);
  return request.body;
});

await app.listen({ port: 0, host: '127.0.0.1' });
ready(app.server.address().port);
