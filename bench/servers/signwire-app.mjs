/**
 * signwire App: the routes of the app scenarios, written as the README
 * writes them, from the built package (dist/), so production code is measured.
 * `/orders` is the signed scenario's route without `verifySignature` (compare
 * signwire-signed.mjs): it ignores the signature fields it is sent.
 */
import { App } from '../../dist/index.js';
import { ready } from './control.mjs';

const app = new App();
app.get('/', (c) => c.text('Hello, World!'));
app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null }));
app.post('/echo', async (c) => c.json(await c.req.json()));
app.post('/orders', async (c) => c.json(await c.req.json(), 201));

const server = await app.listen({ port: 0, host: '127.0.0.1' });
ready(server.port);
