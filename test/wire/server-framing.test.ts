/**
 * Message framing over real sockets (RFC 9112 §6, §7): Content-Length,
 * Transfer-Encoding, the chunked coding, and request smuggling attempts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResponses, rawExchange, startServer } from '../helpers/server.ts';
import { assertRejected, exchange, get, recordingHandler } from '../helpers/sockets.ts';

const ok = (_req: unknown, res: { end(body: string): void }): void => res.end('ok');
const head = (lines: readonly string[], version = '1.1'): string =>
  `POST / HTTP/${version}\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;

test('rejects Content-Length together with Transfer-Encoding with 400 ERR_HTTP_TRANSFER_ENCODING', async (t) => {
  const server = await startServer(t, ok);
  const input = head(['Host: a', 'Content-Length: 5', 'Transfer-Encoding: chunked']) + '5\r\nhello\r\n0\r\n\r\n';
  await assertRejected(server.port, input, 400, 'ERR_HTTP_TRANSFER_ENCODING');
});

const invalidLengths: Array<[string, string]> = [
  ['a plus sign', '+5'],
  ['a minus sign', '-5'],
  ['a space inside', '1 0'],
  ['hex digits', '0x5'],
  ['a list of equal values', '1, 1'],
  ['an empty value', ''],
  ['a value that overflows', '99999999999999999999999'],
  ['letters', 'five'],
];
for (const [label, value] of invalidLengths) {
  test(`rejects a Content-Length with ${label} (${JSON.stringify(value)}) with 400 ERR_HTTP_CONTENT_LENGTH`, async (t) => {
    const server = await startServer(t, ok);
    await assertRejected(server.port, head(['Host: a', `Content-Length: ${value}`]) + 'x', 400, 'ERR_HTTP_CONTENT_LENGTH');
  });
}

test('rejects two equal Content-Length fields with 400 ERR_HTTP_CONTENT_LENGTH', async (t) => {
  const server = await startServer(t, ok);
  const input = head(['Host: a', 'Content-Length: 1', 'Content-Length: 1']) + 'x';
  await assertRejected(server.port, input, 400, 'ERR_HTTP_CONTENT_LENGTH');
});

test('rejects two different Content-Length fields with 400 ERR_HTTP_CONTENT_LENGTH', async (t) => {
  const server = await startServer(t, ok);
  const input = head(['Host: a', 'Content-Length: 1', 'Content-Length: 2']) + 'xy';
  await assertRejected(server.port, input, 400, 'ERR_HTTP_CONTENT_LENGTH');
});

for (const coding of ['gzip', 'identity', 'chunked, identity', 'chunked, gzip']) {
  test(`rejects Transfer-Encoding "${coding}" (last coding not chunked) with 400 ERR_HTTP_TRANSFER_ENCODING`, async (t) => {
    const server = await startServer(t, ok);
    await assertRejected(server.port, head(['Host: a', `Transfer-Encoding: ${coding}`]) + 'x', 400, 'ERR_HTTP_TRANSFER_ENCODING');
  });
}

test('rejects an empty Transfer-Encoding with 400 ERR_HTTP_TRANSFER_ENCODING', async (t) => {
  const server = await startServer(t, ok);
  await assertRejected(server.port, head(['Host: a', 'Transfer-Encoding: ']), 400, 'ERR_HTTP_TRANSFER_ENCODING');
});

test('rejects Transfer-Encoding on an HTTP/1.0 request with 400 ERR_HTTP_TRANSFER_ENCODING', async (t) => {
  const server = await startServer(t, ok);
  const input = head(['Host: a', 'Transfer-Encoding: chunked'], '1.0') + '0\r\n\r\n';
  await assertRejected(server.port, input, 400, 'ERR_HTTP_TRANSFER_ENCODING');
});

test('rejects chunked applied twice with 400 ERR_HTTP_TRANSFER_ENCODING', async (t) => {
  const server = await startServer(t, ok);
  const input = head(['Host: a', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked']) + '0\r\n\r\n';
  await assertRejected(server.port, input, 400, 'ERR_HTTP_TRANSFER_ENCODING');
});

for (const coding of ['gzip, chunked', 'foo, chunked']) {
  test(`answers an unknown coding before chunked ("${coding}") with 501 ERR_HTTP_CODING_NOT_IMPLEMENTED`, async (t) => {
    const server = await startServer(t, ok);
    const input = head(['Host: a', `Transfer-Encoding: ${coding}`]) + '0\r\n\r\n';
    await assertRejected(server.port, input, 501, 'ERR_HTTP_CODING_NOT_IMPLEMENTED');
  });
}

const CHUNKED_WITH_EXTRAS =
  '5;name=token\r\nhello\r\n' +
  '6 ; q="quoted; \\"value\\"" ; flag\r\n world\r\n' +
  '0;last=1\r\nX-Checksum: abc\r\nX-Other:  two words \r\n\r\n';

test('delivers a chunked body with extensions and trailers to the handler intact, and serves the next request', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const input = head(['Host: a', 'Transfer-Encoding: chunked']) + CHUNKED_WITH_EXTRAS + get('/next');
  const { data } = await exchange(server.port, input, 2);
  const responses = parseResponses(data);
  assert.deepEqual(responses.map((r) => r.status), [200, 200]);
  assert.equal(seen[0]!.body, 'hello world');
  assert.deepEqual(seen[0]!.trailers, ['X-Checksum', 'abc', 'X-Other', 'two words']);
  assert.equal(seen[1]!.url, '/next');
});

test('decodes the same chunked body sent one byte per write', async (t) => {
  const { handler, seen } = recordingHandler();
  const server = await startServer(t, handler);
  const input = head(['Host: a', 'Transfer-Encoding: chunked']) + CHUNKED_WITH_EXTRAS;
  const bytes = [...Buffer.from(input, 'latin1')].map((byte) => Buffer.from([byte]));
  const { data } = await rawExchange(server.port, bytes, { pauseMs: 1 });
  assert.equal(parseResponses(data)[0]?.status, 200);
  assert.equal(seen[0]!.body, 'hello world');
  assert.deepEqual(seen[0]!.trailers, ['X-Checksum', 'abc', 'X-Other', 'two words']);
});

const malformedChunks: Array<[string, string]> = [
  ['a non-hex size', 'x\r\nhello\r\n0\r\n\r\n'],
  ['a "0x" prefixed size', '0x5\r\nhello\r\n0\r\n\r\n'],
  ['a negative size', '-5\r\nhello\r\n0\r\n\r\n'],
  ['a size with a leading space', ' 5\r\nhello\r\n0\r\n\r\n'],
  ['two sizes on one line', '5 5\r\nhello\r\n0\r\n\r\n'],
  ['an empty size line', '\r\nhello\r\n0\r\n\r\n'],
  ['a size that overflows', 'fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n'],
  ['an extension without a name', '5;\r\nhello\r\n0\r\n\r\n'],
  ['an extension with "=" and no value', '5;a=\r\nhello\r\n0\r\n\r\n'],
  ['an extension with an unterminated quoted value', '5;a="x\r\nhello\r\n0\r\n\r\n'],
  ['an extension with a control character', '5;a\x01\r\nhello\r\n0\r\n\r\n'],
  ['chunk data longer than its size', '5\r\nhelloX\r\n0\r\n\r\n'],
  ['chunk data shorter than its size', '5\r\nhell\r\n0\r\n\r\n'],
  ['chunk data not followed by CRLF', '5\r\nhello0\r\n\r\n'],
  ['chunk data followed by a bare LF', '5\r\nhello\n0\r\n\r\n'],
];
for (const [label, body] of malformedChunks) {
  test(`rejects a chunked body with ${label} with 400 ERR_HTTP_CHUNK`, async (t) => {
    const { handler } = recordingHandler();
    const server = await startServer(t, handler);
    const input = head(['Host: a', 'Transfer-Encoding: chunked']) + body;
    await assertRejected(server.port, input, 400, 'ERR_HTTP_CHUNK');
  });
}

const SMUGGLED = get('/smuggled');
const smuggling: Array<[string, string]> = [
  ['CL.TE', head(['Host: a', `Content-Length: ${5 + SMUGGLED.length}`, 'Transfer-Encoding: chunked']) + `0\r\n\r\n${SMUGGLED}`],
  ['TE.CL', head(['Host: a', 'Transfer-Encoding: chunked', 'Content-Length: 4']) + `${(SMUGGLED.length).toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`],
  ['TE.TE with "Transfer-Encoding: xchunked"', head(['Host: a', 'Transfer-Encoding: chunked', 'Transfer-Encoding: xchunked']) + `0\r\n\r\n${SMUGGLED}`],
  ['TE.TE with "xchunked" alone', head(['Host: a', 'Transfer-Encoding: xchunked']) + `0\r\n\r\n${SMUGGLED}`],
  ['TE.TE with a folded " chunked"', head(['Host: a', 'Content-Length: 5', 'Transfer-Encoding:', ' chunked']) + `0\r\n\r\n${SMUGGLED}`],
  ['TE.TE with a line " Transfer-Encoding: chunked"', head(['Host: a', 'Content-Length: 5', ' Transfer-Encoding: chunked']) + `0\r\n\r\n${SMUGGLED}`],
  ['TE.TE with "chunked, identity"', head(['Host: a', 'Transfer-Encoding: chunked, identity']) + `0\r\n\r\n${SMUGGLED}`],
  ['TE.TE with a space before the colon', head(['Host: a', 'Content-Length: 5', 'Transfer-Encoding : chunked']) + `0\r\n\r\n${SMUGGLED}`],
  ['TE.TE with a vertical tab before chunked', head(['Host: a', 'Content-Length: 5', 'Transfer-Encoding:\x0bchunked']) + `0\r\n\r\n${SMUGGLED}`],
];
for (const [label, input] of smuggling) {
  test(`refuses a ${label} smuggling attempt and never sees the second request`, async (t) => {
    const { handler, seen } = recordingHandler();
    const server = await startServer(t, handler);
    const { data, closed } = await rawExchange(server.port, input);
    const responses = parseResponses(data);
    assert.equal(responses.length, 1);
    assert.ok(responses[0]!.status >= 400, `status ${responses[0]!.status}`);
    assert.equal(responses[0]!.headers['connection'], 'close');
    assert.equal(closed, true);
    assert.deepEqual(seen.filter((r) => r.url === '/smuggled'), []);
  });
}
