/**
 * signwire App: the three routes of the app scenarios, written as the README
 * writes them, from the built package (dist/), so production code is measured.
 */
import { App } from '../../dist/index.js';
import { ready } from './control.mjs';

const app = new App();
app.get('/', (c) => c.text('Hello, World!'));
app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null }));
app.post('/echo', async (c) => c.json(await c.req.json()));

const server = await app.listen({ port: 0, host: '127.0.0.1' });
ready(server.port);
