/**
 * Reads one HTTP/1.1 response from bytes: status, headers, and the body
 * decoded from its framing (Content-Length, chunked, or until the end).
 * Used by `app.request()` to hand back what a client would have received.
 */
import type { InProcessResponse } from './in-process.ts';

export function readResponse(bytes: Buffer): InProcessResponse {
  let headEnd = bytes.indexOf('\r\n\r\n');
  let start = 0;
  // Skip interim (1xx) responses.
  while (headEnd !== -1 && bytes[start + 9] === 0x31) {
    start = headEnd + 4;
    headEnd = bytes.indexOf('\r\n\r\n', start);
  }
  const lines = bytes.subarray(start, headEnd).toString('latin1').split('\r\n');
  const status = Number(lines[0]!.slice(9, 12));
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const rest = bytes.subarray(headEnd + 4);
  const body = headers.get('transfer-encoding') === 'chunked' ? dechunk(rest) : rest.subarray(0, Number(headers.get('content-length') ?? rest.length));
  return {
    status,
    headers,
    body,
    text: () => Promise.resolve(body.toString('utf8')),
    json: <T>() => Promise.resolve(JSON.parse(body.toString('utf8')) as T),
  };
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', pos);
    if (lineEnd === -1) break;
    const size = parseInt(bytes.subarray(pos, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
