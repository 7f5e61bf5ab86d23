/**
 * The ceiling for any Node server: a raw `net` server that does not parse.
 * It counts the request heads ending in each chunk ("\r\n\r\n"; GETs only,
 * no bodies) and answers all of them with one write of canned responses,
 * byte for byte what signwire sends (Date refreshed every second).
 */
import net from 'node:net';
import { ready } from './control.mjs';

const HEAD_END = Buffer.from('\r\n\r\n');
const BODY = 'Hello, World!';
let canned = new Map(); // count → that many responses in one buffer
let date = '';

function refreshDate() {
  date = new Date().toUTCString();
  canned = new Map();
}

function responses(count) {
  let buffer = canned.get(count);
  if (buffer === undefined) {
    const one =
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: ${date}\r\nContent-Length: ${BODY.length}\r\n` +
      `Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n\r\n${BODY}`;
    buffer = Buffer.from(one.repeat(count), 'latin1');
    if (count <= 64) canned.set(count, buffer);
  }
  return buffer;
}

function serve(socket) {
  socket.setNoDelay(true);
  let tail = null; // the last bytes of a chunk that may begin a "\r\n\r\n" split across chunks
  socket.on('data', (chunk) => {
    if (tail !== null) chunk = Buffer.concat([tail, chunk]);
    let count = 0;
    let from = 0;
    for (let at = chunk.indexOf(HEAD_END); at !== -1; at = chunk.indexOf(HEAD_END, from)) {
      count++;
      from = at + HEAD_END.length;
    }
    const last = chunk[chunk.length - 1];
    tail = from < chunk.length && (last === 13 || last === 10) ? chunk.subarray(Math.max(from, chunk.length - 3)) : null;
    if (count > 0) socket.write(responses(count));
  });
  socket.on('error', () => socket.destroy());
}

refreshDate();
setInterval(refreshDate, 1000).unref();
const server = net.createServer(serve);
server.listen(0, '127.0.0.1', () => ready(server.address().port));
