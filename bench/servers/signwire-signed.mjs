/**
 * signwire App verifying signed requests: the route of the signed scenario
 * as docs/signing.md writes it, an hmac-sha256 key and a memory nonce store
 * sized for a benchmark's rate (a full store answers 503; the default holds
 * 100 000 nonces). From the built package (dist/), so production code is
 * measured.
 */
import { App, MemoryNonceStore, verifySignature } from '../../dist/index.js';
import { KEY_ID, SECRET } from './bench-key.mjs';
import { ready } from './control.mjs';

const app = new App();
const signed = verifySignature({
  keys: { [KEY_ID]: { alg: 'hmac-sha256', secret: SECRET } },
  nonces: new MemoryNonceStore({ maxEntries: 5_000_000 }),
});
app.post('/orders', signed, async (c) => c.json(await c.req.json(), 201));

const server = await app.listen({ port: 0, host: '127.0.0.1' });
ready(server.port);
