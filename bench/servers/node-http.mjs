/**
 * node:http hello world: the same body and Content-Type as signwire. The
 * keep-alive timeout is raised from node's 5 s to signwire's 65 s, so both
 * send `Keep-Alive: timeout=65` and both keep idle connections open.
 */
import http from 'node:http';
import { ready } from './control.mjs';

const server = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end('Hello, World!');
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => ready(server.address().port));
