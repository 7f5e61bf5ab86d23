/**
 * Opens many idle keep-alive connections to 127.0.0.1:PORT for the idle
 * memory measurement. Usage: node idle-connections.mjs PORT COUNT
 *
 * Speaks in lines with the harness: prints `warm` after a warm-up (connections
 * that make one GET and close); on `open` opens COUNT connections, each
 * sending one keep-alive GET and reading the whole response, then idling, and
 * prints `opened OK FAILED`; on `check` prints `alive N` (connections the
 * server has not closed); exits on `close` or when stdin ends.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';

const [port, count] = process.argv.slice(2).map(Number);
const REQUEST = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
const BATCH = 250;
const TIMEOUT_MS = 10_000;
const open = new Set();

/** One connection that sends a GET and resolves once a whole 200 response is read. */
function connectAndGet() {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write(REQUEST));
    let received = '';
    const fail = () => (socket.destroy(), resolve(null));
    socket.setTimeout(TIMEOUT_MS, fail);
    socket.on('error', fail);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received)?.[1] ?? NaN);
      if (received.length < headEnd + 4 + length) return;
      socket.setTimeout(0);
      socket.removeAllListeners('data');
      socket.on('data', () => {});
      if (!received.startsWith('HTTP/1.1 200 ')) return fail();
      resolve(socket);
    });
  });
}

async function openMany(total, keep) {
  let ok = 0;
  for (let start = 0; start < total; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, total - start) }, connectAndGet);
    for (const socket of await Promise.all(batch)) {
      if (socket === null) continue;
      ok++;
      if (!keep) socket.destroy();
      else {
        open.add(socket);
        socket.on('close', () => open.delete(socket));
      }
    }
  }
  return ok;
}

function closeAll() {
  for (const socket of open) socket.destroy();
  process.exit(0);
}

await openMany(500, false);
console.log('warm');
createInterface({ input: process.stdin })
  .on('line', async (line) => {
    if (line === 'open') {
      const ok = await openMany(count, true);
      console.log(`opened ${ok} ${count - ok}`);
    } else if (line === 'check') console.log(`alive ${open.size}`);
    else if (line === 'close') closeAll();
  })
  .on('close', closeAll);
