/**
 * node:http: the hello world of the wire scenarios (the same body and
 * Content-Type as signwire's `createServer` hello) and the routes of the app
 * scenarios, routed by hand as a plain node:http server would be: a URL parse
 * for the path and query, JSON.parse and JSON.stringify for the echo. The
 * keep-alive timeout is raised from node's 5 s to signwire's 65 s, so both
 * send `Keep-Alive: timeout=65` and both keep idle connections open.
 */
import http from 'node:http';
import { ready } from './control.mjs';

const USER = /^\/users\/([^/]+)$/;

function send(res, status, type, body) {
  res.statusCode = status;
  if (type !== undefined) res.setHeader('Content-Type', type);
  res.end(body);
}

function echo(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let value;
    try {
      value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'the request body is not valid JSON');
    }
    send(res, 200, 'application/json', JSON.stringify(value));
  });
}

function route(req, res) {
  if (req.method === 'GET' && req.url === '/') return send(res, 200, 'text/plain', 'Hello, World!');
  const { pathname, searchParams } = new URL(req.url, 'http://localhost');
  const user = USER.exec(pathname);
  if (req.method === 'GET' && user !== null) {
    return send(res, 200, 'application/json', JSON.stringify({ id: decodeURIComponent(user[1]), q: searchParams.get('q') }));
  }
  if (req.method === 'POST' && pathname === '/echo') return echo(req, res);
  send(res, 404, undefined, undefined);
}

const server = http.createServer(route);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => ready(server.address().port));
