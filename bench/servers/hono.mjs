/**
 * Hono on @hono/node-server (Hono's adapter onto node:http): the three routes
 * of the app scenarios, as Hono's documentation writes them. The keep-alive
 * timeout is raised from node's 5 s to signwire's 65 s, as for node:http.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { ready } from './control.mjs';

const app = new Hono();
app.get('/', (c) => c.text('Hello, World!'));
app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null }));
app.post('/echo', async (c) => c.json(await c.req.json()));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => ready(info.port));
server.keepAliveTimeout = 65_000;
