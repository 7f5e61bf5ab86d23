/**
 * A reference, not a product: the least work that still verifies the signed
 * scenario's requests, on the same signwire App route as the unsigned and
 * signed servers. It shows what a verifier cannot avoid on this machine
 * (hashing the body, the HMAC, remembering the nonce), so the tables can say
 * how much of the signed POST's cost is that floor and how much is
 * `verifySignature`'s parsing and checking.
 *
 * Hand-written for this one request shape, and nothing more:
 * - the covered components must be exactly the ones the scenario signs, in
 *   its order, and the signature label `sig1`; no Structured Fields parser;
 * - `created` and `nonce` found by regular expressions, `keyid` by a substring
 *   test; `created` within ±300 s;
 * - the body's SHA-256 against the `sha-256=:…:` field as a string, the HMAC
 *   over a base built in one template;
 * - the nonce in a Set, never forgotten (a benchmark run is short), bounded
 *   like signwire's (503 when full).
 *
 * Anything else answers 401. Do not copy it: it accepts no other client.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { App } from '../../dist/index.js';
import { KEY_ID, SECRET } from './bench-key.mjs';
import { ready } from './control.mjs';

const COVERED = '("@method" "@authority" "@path" "@query" "content-digest" "content-type")';
const PREFIX = `sig1=${COVERED};`;
const WINDOW_S = 300;
const MAX_NONCES = 5_000_000;
const nonces = new Set();

const refuse = (c, status = 401) => c.json({ error: { code: 'ERR_SIG_INVALID' } }, status);

async function minimalVerify(c, next) {
  const input = c.req.header('signature-input');
  const signature = c.req.header('signature');
  const digest = c.req.header('content-digest');
  if (input === undefined || signature === undefined || digest === undefined || !input.startsWith(PREFIX)) return refuse(c);
  const created = Number(/;created=(\d+)/.exec(input)?.[1]);
  const nonce = /;nonce="([^"]*)"/.exec(input)?.[1];
  if (!(Math.abs(Date.now() / 1000 - created) <= WINDOW_S) || !nonce || !input.includes(`;keyid="${KEY_ID}"`)) return refuse(c);
  if (digest !== `sha-256=:${hash('sha256', await c.req.body(), 'base64')}:`) return refuse(c);
  const base =
    `"@method": ${c.req.method}\n"@authority": ${c.req.header('host')}\n"@path": ${c.req.path}\n` +
    `"@query": ?${c.req.search}\n"content-digest": ${digest}\n` +
    `"content-type": ${c.req.header('content-type')}\n"@signature-params": ${input.slice(5)}`;
  const expected = createHmac('sha256', SECRET).update(base, 'latin1').digest();
  const given = Buffer.from(signature.startsWith('sig1=:') ? signature.slice(6, -1) : '', 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(c);
  const id = `${KEY_ID}\n${nonce}`;
  if (nonces.has(id)) return refuse(c);
  if (nonces.size >= MAX_NONCES) return refuse(c, 503);
  nonces.add(id);
  await next();
}

const app = new App();
app.post('/orders', minimalVerify, async (c) => c.json(await c.req.json(), 201));

const server = await app.listen({ port: 0, host: '127.0.0.1' });
ready(server.port);
