/**
 * The ceiling for any Node server: a raw `net` server that does not parse.
 * It counts the request heads ending in each chunk and answers all of them
 * with one write of canned responses, as soon as the chunk is read (see
 * canned.mjs for both).
 */
import net from 'node:net';
import { ready } from './control.mjs';
import { cannedResponses, countHeads } from './canned.mjs';

function serve(socket) {
  socket.setNoDelay(true);
  const heads = countHeads();
  socket.on('data', (chunk) => {
    const count = heads(chunk);
    if (count > 0) socket.write(cannedResponses(count));
  });
  socket.on('error', () => socket.destroy());
}

const server = net.createServer(serve);
server.listen(0, '127.0.0.1', () => ready(server.address().port));
