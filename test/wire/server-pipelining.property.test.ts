/**
 * Property tests of whole connections over real sockets: any sequence of
 * requests (GET, HEAD, Content-Length and chunked POSTs with extensions and
 * trailers), sent back to back and cut into pieces at any bytes, is answered
 * request by request, in order, each response framed so that a client can
 * split the stream, even when the handlers finish out of order and answer in
 * different framings. A request with `Connection: close` is the last one
 * answered: what follows it on the socket is never processed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import type { WireHandler } from '../../src/index.ts';
import type { ParsedResponse } from '../helpers/server.ts';
import { startServer } from '../helpers/server.ts';
import { RawClient } from '../helpers/sockets.ts';

/** How the handler answers: the response framing asked for by the request's query. */
const FRAMINGS = ['length', 'chunked', 'empty', 'no-content'] as const;
type Framing = (typeof FRAMINGS)[number];

interface Step {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** For POST: the body, sent with Content-Length or chunked. */
  readonly body: Buffer;
  readonly chunked: boolean;
  /** Sizes of the chunks a chunked body is cut into (the rest goes in one last chunk). */
  readonly chunkSizes: readonly number[];
  readonly trailer: boolean;
  readonly framing: Framing;
  /** Milliseconds the handler waits before answering, so later requests may finish first. */
  readonly delayMs: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST'),
  body: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  chunked: fc.boolean(),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 4 }),
  trailer: fc.boolean(),
  framing: fc.constantFrom(...FRAMINGS),
  delayMs: fc.constantFrom(0, 0, 1, 3),
});

/** The request bytes of step `index`; `close` adds `Connection: close`. */
function requestBytes(s: Step, index: number, close: boolean): Buffer {
  const fields = ['Host: a', ...(close ? ['Connection: close'] : [])];
  const target = `/r/${index}?framing=${s.framing}&delay=${s.delayMs}`;
  if (s.method !== 'POST') return Buffer.from(`${s.method} ${target} HTTP/1.1\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`, 'latin1');
  if (!s.chunked) {
    const head = `POST ${target} HTTP/1.1\r\n${[...fields, `Content-Length: ${s.body.length}`].map((f) => `${f}\r\n`).join('')}\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), s.body]);
  }
  const head = `POST ${target} HTTP/1.1\r\n${[...fields, 'Transfer-Encoding: chunked'].map((f) => `${f}\r\n`).join('')}\r\n`;
  const parts: Buffer[] = [Buffer.from(head, 'latin1')];
  let from = 0;
  for (const size of [...s.chunkSizes, s.body.length]) {
    if (from >= s.body.length) break;
    const piece = s.body.subarray(from, from + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}${from === 0 ? ';ext="a b"' : ''}\r\n`, 'latin1'), piece, Buffer.from('\r\n'));
    from += piece.length;
  }
  parts.push(Buffer.from(`0\r\n${s.trailer ? 'X-Sum: 1\r\n' : ''}\r\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** What the handler says about a request: its index, method and the SHA-256 of its body. */
function summary(index: number, method: string, body: Buffer): string {
  return `${index} ${method} ${createHash('sha256').update(body).digest('hex')}`;
}

const handler: WireHandler = async (req, res) => {
  const url = new URL(req.url, 'http://a');
  const index = Number(url.pathname.slice('/r/'.length));
  const body = await req.body();
  const delay = Number(url.searchParams.get('delay'));
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  const text = summary(index, req.method, body);
  res.setHeader('X-Index', String(index));
  switch (url.searchParams.get('framing') as Framing) {
    case 'length':
      res.end(text);
      return;
    case 'chunked':
      res.write(text.slice(0, 10));
      await new Promise((resolve) => setImmediate(resolve));
      res.end(text.slice(10));
      return;
    case 'empty':
      res.end();
      return;
    case 'no-content':
      res.statusCode = 204;
      res.end();
  }
};

/** Splits `data` into responses, knowing which requests were HEAD (their responses carry no body). */
function splitResponses(data: Buffer, methods: readonly string[]): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let pos = 0;
  for (const method of methods) {
    const headEnd = data.indexOf('\r\n\r\n', pos);
    if (headEnd === -1) break;
    const lines = data.subarray(pos, headEnd).toString('latin1').split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    pos = headEnd + 4;
    let body: Buffer = Buffer.alloc(0);
    if (method !== 'HEAD' && status !== 204 && headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', pos);
        if (lineEnd === -1) return out;
        const size = parseInt(data.subarray(pos, lineEnd).toString('latin1'), 16);
        pos = lineEnd + 2;
        if (size === 0) break;
        parts.push(data.subarray(pos, pos + size));
        pos += size + 2;
      }
      const end = data.indexOf('\r\n\r\n', pos - 2);
      if (end === -1) return out;
      pos = end + 4;
      body = Buffer.concat(parts);
    } else if (method !== 'HEAD' && status !== 204) {
      const length = Number(headers['content-length']);
      if (pos + length > data.length) return out;
      body = data.subarray(pos, pos + length);
      pos += length;
    }
    out.push({ status, headers, body });
  }
  assert.equal(pos, data.length, 'bytes after the last expected response');
  return out;
}

/** Cuts `bytes` at the given points (taken modulo its length). */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of sorted) {
    if (point > from) pieces.push(bytes.subarray(from, point));
    from = point;
  }
  if (from < bytes.length) pieces.push(bytes.subarray(from));
  return pieces;
}

/** Sends the pieces with a short pause between some of them, and waits for the answers. */
async function converse(port: number, pieces: readonly Buffer[], pauses: readonly boolean[], methods: readonly string[], closes: boolean): Promise<{ responses: ParsedResponse[]; closed: boolean }> {
  const client = await RawClient.connect(port);
  try {
    for (const [i, piece] of pieces.entries()) {
      client.write(piece);
      if (pauses[i % pauses.length] === true) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await client.waitFor((data) => splitResponses(data, methods).length === methods.length, `${methods.length} responses`, 3000);
    if (closes) await client.waitForClose(3000);
    return { responses: splitResponses(client.data, methods), closed: client.closed };
  } finally {
    client.destroy();
  }
}

/** Checks response `i` answers step `i` as the handler says it should. */
function assertAnswers(response: ParsedResponse, s: Step, index: number): void {
  assert.equal(response.headers['x-index'], String(index), `response ${index} answers request ${response.headers['x-index']}`);
  if (s.framing === 'no-content') {
    assert.equal(response.status, 204);
    return;
  }
  assert.equal(response.status, 200);
  const expected = s.method === 'HEAD' || s.framing === 'empty' ? '' : summary(index, s.method, s.method === 'POST' ? s.body : Buffer.alloc(0));
  assert.equal(response.body.toString('latin1'), expected);
}

test('answers any pipelined sequence of requests in order, however its bytes are cut', async (t) => {
  const server = await startServer(t, handler);
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 10 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
      async (steps, points, pauses) => {
        const stream = Buffer.concat(steps.map((s, i) => requestBytes(s, i, false)));
        const methods = steps.map((s) => s.method);
        const { responses, closed } = await converse(server.port, cut(stream, points), pauses, methods, false);
        assert.equal(closed, false);
        steps.forEach((s, i) => assertAnswers(responses[i]!, s, i));
      },
    ),
    { numRuns: 150 },
  );
});

test('answers up to the request that says "Connection: close", then closes without processing the rest', async (t) => {
  const seen: string[] = [];
  const server = await startServer(t, (req, res) => {
    seen.push(req.url);
    return handler(req, res);
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 6 }),
      fc.array(step, { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      async (answered, ignored, points) => {
        seen.length = 0;
        const last = answered.length - 1;
        const stream = Buffer.concat([
          ...answered.map((s, i) => requestBytes(s, i, i === last)),
          ...ignored.map((s, i) => requestBytes(s, answered.length + i, false)),
        ]);
        const methods = answered.map((s) => s.method);
        const { responses, closed } = await converse(server.port, cut(stream, points), [false], methods, true);
        assert.equal(closed, true);
        answered.forEach((s, i) => assertAnswers(responses[i]!, s, i));
        assert.equal(responses[last]!.headers['connection'], 'close');
        assert.deepEqual(seen.map((url) => Number(url.slice(3, url.indexOf('?')))), answered.map((_, i) => i));
      },
    ),
    { numRuns: 100 },
  );
});
