/**
 * What the raw `net` ceilings share: counting the request heads that end in
 * each chunk ("\r\n\r\n"; GETs only, no bodies), and the canned responses
 * that answer them, byte for byte what signwire sends (Date refreshed every
 * second).
 */
const HEAD_END = Buffer.from('\r\n\r\n');
const BODY = 'Hello, World!';
let canned = new Map(); // count → that many responses in one buffer
let date = '';

function refreshDate() {
  date = new Date().toUTCString();
  canned = new Map();
}
refreshDate();
setInterval(refreshDate, 1000).unref();

/** `count` responses in one buffer. */
export function cannedResponses(count) {
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

/** A counter for one connection: chunk → the number of heads it completes (a "\r\n\r\n" may be split across chunks). */
export function countHeads() {
  let tail = null; // the last bytes of a chunk that may begin a "\r\n\r\n"
  return (chunk) => {
    if (tail !== null) chunk = Buffer.concat([tail, chunk]);
    let count = 0;
    let from = 0;
    for (let at = chunk.indexOf(HEAD_END); at !== -1; at = chunk.indexOf(HEAD_END, from)) {
      count++;
      from = at + HEAD_END.length;
    }
    const last = chunk[chunk.length - 1];
    tail = from < chunk.length && (last === 13 || last === 10) ? chunk.subarray(Math.max(from, chunk.length - 3)) : null;
    return count;
  };
}
