/** signwire hello world, from the built package (dist/), so production code is measured. */
import { createServer } from '../../dist/index.js';
import { ready } from './control.mjs';

const server = createServer((req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end('Hello, World!');
});
await server.listen({ port: 0, host: '127.0.0.1' });
ready(server.port);
