/**
 * Property tests of the request parser: arbitrary bytes in arbitrary pieces
 * never make it throw anything but `ParseError`, never loop, and never keep
 * more than a bounded number of bytes; and well-formed requests parse to the
 * same messages however they are split.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NEED_MORE, ParseError, RequestParser, resolveLimits } from '../../src/index.ts';
import { parseAll } from '../helpers/parse.ts';

const limits = resolveLimits({ maxTargetBytes: 256, maxHeaderBytes: 512, maxHeaderCount: 16, maxBodyBytes: 4096, maxChunkLineBytes: 64 });
/** The most a parser may hold after every event has been pulled: the longest unfinished line it accepts. */
const MAX_HELD = Math.max(limits.maxTargetBytes + 32, limits.maxHeaderBytes, limits.maxChunkLineBytes) + 2;

/** Splits `bytes` at the given cut points. */
function cut(bytes: Uint8Array, points: number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of sorted) {
    pieces.push(Buffer.from(bytes.subarray(from, point)));
    from = point;
  }
  pieces.push(Buffer.from(bytes.subarray(from)));
  return pieces;
}

const HTTPISH = ['GET ', 'POST ', '/', ' HTTP/1.1', '\r\n', '\r', '\n', 'Host: a', 'Content-Length: ', 'Transfer-Encoding: chunked', ':', ' ', '0', '5', 'a', ';x=y', '\t', '\x00', '\xff'];

const noisyInput = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.array(fc.constantFrom(...HTTPISH), { maxLength: 200 }).map((parts) => new Uint8Array(Buffer.from(parts.join(''), 'latin1'))),
);

test('arbitrary bytes in arbitrary pieces only ever raise ParseError, and the parser holds a bounded number of bytes', () => {
  fc.assert(
    fc.property(noisyInput, fc.array(fc.nat(), { maxLength: 8 }), (bytes, points) => {
      const parser = new RequestParser(limits);
      try {
        for (const piece of cut(bytes, points)) {
          parser.push(piece);
          let events = 0;
          while (parser.next() !== NEED_MORE) assert.ok(++events <= bytes.length + 2, 'the parser made no progress');
          assert.ok(parser.buffered <= MAX_HELD, `holds ${parser.buffered} bytes`);
        }
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        assert.ok([400, 413, 414, 431, 501, 505].includes(error.status), `status ${error.status}`);
      }
    }),
    { numRuns: 2000 },
  );
});

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldValue = fc.stringMatching(/^[!-~]([ !-~]{0,20}[!-~])?$/);
const body = fc.string({ maxLength: 300 }).map((text) => Buffer.from(text, 'utf8').toString('latin1'));

const wellFormed = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
  path: fc.stringMatching(/^\/[A-Za-z0-9._~%!$&'()*+,;=:@/?-]{0,40}$/),
  headers: fc.array(fc.tuple(token.filter((n) => !/^(host|content-length|transfer-encoding|connection|expect)$/i.test(n)), fieldValue), { maxLength: 6 }),
  body,
  chunked: fc.boolean(),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
});

type WellFormed = typeof wellFormed extends fc.Arbitrary<infer T> ? T : never;

function serialize(request: WellFormed): Buffer {
  let head = `${request.method} ${request.path} HTTP/1.1\r\nHost: example.com\r\n`;
  for (const [name, value] of request.headers) head += `${name}: ${value}\r\n`;
  if (!request.chunked) return Buffer.from(`${head}Content-Length: ${request.body.length}\r\n\r\n${request.body}`, 'latin1');
  let out = `${head}Transfer-Encoding: chunked\r\n\r\n`;
  let rest = request.body;
  for (let i = 0; rest.length > 0; i++) {
    const piece = rest.slice(0, request.chunkSizes[i % request.chunkSizes.length]);
    out += `${piece.length.toString(16)}\r\n${piece}\r\n`;
    rest = rest.slice(piece.length);
  }
  return Buffer.from(`${out}0\r\n\r\n`, 'latin1');
}

test('well-formed requests parse to the same message however they are split', () => {
  fc.assert(
    fc.property(fc.array(wellFormed, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 6 }), (requests, points) => {
      const input = Buffer.concat(requests.map(serialize));
      const outcome = parseAll(cut(input, points), limits);
      assert.equal(outcome.error, undefined);
      assert.deepEqual(
        outcome.messages.map((m) => [m.method, m.target, m.body]),
        requests.map((r) => [r.method, r.path, r.body]),
      );
    }),
    { numRuns: 1000 },
  );
});
