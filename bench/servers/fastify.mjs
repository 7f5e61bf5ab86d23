/**
 * Fastify: the three routes of the app scenarios, written as Fastify's own
 * benchmarks write them: no logger, a response schema for the JSON route (so
 * it is serialized by fast-json-stringify), the default JSON body parser for
 * the echo. The keep-alive timeout is set to signwire's 65 s (Fastify's
 * default is 72 s), so both announce the same `Keep-Alive: timeout=65`.
 */
import Fastify from 'fastify';
import { ready } from './control.mjs';

const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });

const user = {
  schema: {
    response: {
      200: {
        type: 'object',
        properties: { id: { type: 'string' }, q: { type: ['string', 'null'] } },
      },
    },
  },
};

app.get('/', async () => 'Hello, World!');
app.get('/users/:id', user, async (request) => ({ id: request.params.id, q: request.query.q ?? null }));
app.post('/echo', async (request) => request.body);

await app.listen({ port: 0, host: '127.0.0.1' });
ready(app.server.address().port);
