/**
 * The ceiling of raw-net.mjs, writing as signwire does: the canned answers of
 * every connection served in a turn of the event loop are written at the end
 * of that turn (setImmediate), instead of as each chunk is read. Shown next
 * to raw-net.mjs so the tables separate what signwire gains from writing at
 * the end of the turn from what its parsing and answering cost.
 */
import net from 'node:net';
import { ready } from './control.mjs';
import { cannedResponses, countHeads } from './canned.mjs';

/** Sockets with answers to write at the end of this turn, and the answers. */
const due = [];

function flushDue() {
  for (let i = 0; i < due.length; i += 2) due[i].write(due[i + 1]);
  due.length = 0;
}

function serve(socket) {
  socket.setNoDelay(true);
  const heads = countHeads();
  socket.on('data', (chunk) => {
    const count = heads(chunk);
    if (count === 0) return;
    if (due.length === 0) setImmediate(flushDue);
    due.push(socket, cannedResponses(count));
  });
  socket.on('error', () => socket.destroy());
}

const server = net.createServer(serve);
server.listen(0, '127.0.0.1', () => ready(server.address().port));
