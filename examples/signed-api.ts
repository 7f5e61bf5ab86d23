import { App, verifySignature } from 'signwire';
import { signedFetch } from 'signwire/client';

const secret = 'replace-me-with-32-random-bytes';
const app = new App();
app.post('/orders', verifySignature({ keys: { partner: { alg: 'hmac-sha256', secret } } }), async (c) =>
  c.json({ by: c.get('signature')?.keyId, order: await c.req.json() }, 201));
const server = await app.listen({ port: 0 });

const api = signedFetch({ keyId: 'partner', key: secret, alg: 'hmac-sha256' });
const res = await api(`http://127.0.0.1:${server.port}/orders`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'book' }),
});
console.log(res.status, await res.json()); // 201 { by: 'partner', order: { item: 'book' } }
await server.close();
