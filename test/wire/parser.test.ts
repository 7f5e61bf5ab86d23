/**
 * The request parser, without sockets: every case is parsed whole, split at
 * every byte offset, and fed one byte at a time, and must give the same
 * outcome each way.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_LIMITS, resolveLimits } from '../../src/index.ts';
import { crlf, parseAll, splitAt, type ParseOutcome } from '../helpers/parse.ts';

/** Parses whole, at every split and byte by byte; asserts all agree and returns the outcome. */
function parseEverySplit(input: Buffer, limits = DEFAULT_LIMITS): ParseOutcome {
  const whole = parseAll([input], limits);
  for (let offset = 1; offset < input.length; offset++) {
    assert.deepEqual(parseAll(splitAt(input, offset), limits), whole, `split at ${offset}`);
  }
  const bytes = [...input].map((byte) => Buffer.from([byte]));
  assert.deepEqual(parseAll(bytes, limits), whole, 'byte by byte');
  return whole;
}

function rejects(input: Buffer, code: string, status: number, limits = DEFAULT_LIMITS): void {
  const outcome = parseEverySplit(input, limits);
  assert.equal(outcome.error, code);
  assert.equal(outcome.status, status);
}

describe('request line', () => {
  test('parses method, origin-form target and version', () => {
    const { messages } = parseEverySplit(crlf('GET /users/7?q=x HTTP/1.1', 'Host: example.com', '', ''));
    assert.equal(messages.length, 1);
    assert.deepEqual(
      { method: messages[0]!.method, target: messages[0]!.target, minor: messages[0]!.minorVersion },
      { method: 'GET', target: '/users/7?q=x', minor: 1 },
    );
  });

  test('accepts absolute-form and asterisk-form for OPTIONS', () => {
    assert.equal(parseEverySplit(crlf('GET http://a.example/x HTTP/1.1', 'Host: a.example', '', '')).messages[0]!.target, 'http://a.example/x');
    assert.equal(parseEverySplit(crlf('OPTIONS * HTTP/1.1', 'Host: a', '', '')).messages[0]!.target, '*');
  });

  test('ignores empty lines before the request line', () => {
    assert.equal(parseEverySplit(crlf('', '', 'GET / HTTP/1.1', 'Host: a', '', '')).messages.length, 1);
  });

  test('rejects userinfo in an absolute-form target', () => rejects(crlf('GET http://user:pw@a.example/ HTTP/1.1', 'Host: a.example', '', ''), 'ERR_HTTP_TARGET', 400));
  test('accepts "@" in the path of an absolute-form target', () => assert.equal(parseEverySplit(crlf('GET http://a.example/@me HTTP/1.1', 'Host: a.example', '', '')).messages.length, 1));
  test('rejects asterisk-form for methods other than OPTIONS', () => rejects(crlf('GET * HTTP/1.1', 'Host: a', '', ''), 'ERR_HTTP_TARGET', 400));
  test('rejects a target that is not origin-, absolute- or asterisk-form', () => rejects(crlf('GET users HTTP/1.1', 'Host: a', '', ''), 'ERR_HTTP_TARGET', 400));
  test('rejects two spaces between parts', () => rejects(crlf('GET  / HTTP/1.1', 'Host: a', '', ''), 'ERR_HTTP_TARGET', 400));
  test('rejects a non-ASCII byte in the target', () => rejects(crlf('GET /\xe9 HTTP/1.1', 'Host: a', '', ''), 'ERR_HTTP_TARGET', 400));
  test('rejects an invalid method token with 400', () => rejects(crlf('G(T / HTTP/1.1', 'Host: a', '', ''), 'ERR_HTTP_METHOD', 400));
  test('answers an unknown method with 501', () => rejects(crlf('BREW / HTTP/1.1', 'Host: a', '', ''), 'ERR_HTTP_METHOD_NOT_IMPLEMENTED', 501));
  test('reads each everyday method as itself', () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      assert.equal(parseEverySplit(crlf(`${method} / HTTP/1.1`, 'Host: a', '', '')).messages[0]!.method, method);
    }
  });
  test('answers a method that begins like an everyday one with 501', () => {
    for (const method of ['GETS', 'GE', 'POSTX', 'PU', 'HEADS', 'DELET', 'OPTION']) {
      rejects(crlf(`${method} / HTTP/1.1`, 'Host: a', '', ''), 'ERR_HTTP_METHOD_NOT_IMPLEMENTED', 501);
    }
  });
  test('answers CONNECT with 501', () => rejects(crlf('CONNECT a.example:443 HTTP/1.1', 'Host: a.example:443', '', ''), 'ERR_HTTP_METHOD_NOT_IMPLEMENTED', 501));
  test('answers HTTP/2.0 with 505', () => rejects(crlf('GET / HTTP/2.0', 'Host: a', '', ''), 'ERR_HTTP_VERSION_NOT_SUPPORTED', 505));
  test('rejects a malformed version with 400', () => rejects(crlf('GET / HTTP/1.1x', 'Host: a', '', ''), 'ERR_HTTP_VERSION', 400));
  test('treats HTTP/1.2 as HTTP/1.1', () => assert.equal(parseEverySplit(crlf('GET / HTTP/1.2', 'Host: a', '', '')).messages[0]!.minorVersion, 1));

  test('answers a target over the limit with 414, before the line is complete', () => {
    const limits = resolveLimits({ maxTargetBytes: 64 });
    rejects(crlf(`GET /${'a'.repeat(64)} HTTP/1.1`, 'Host: a', '', ''), 'ERR_HTTP_URI_TOO_LONG', 414, limits);
    assert.equal(parseAll([Buffer.from(`GET /${'a'.repeat(200)}`)], limits).status, 414);
  });
});

describe('header fields', () => {
  test('keeps names as sent and trims optional whitespace around values', () => {
    const { messages } = parseEverySplit(crlf('GET / HTTP/1.1', 'Host: a', 'X-Token: \t abc def \t', 'Empty:', '', ''));
    assert.deepEqual(messages[0]!.rawHeaders, ['Host', 'a', 'X-Token', 'abc def', 'Empty', '']);
  });

  test('accepts obs-text in values', () => {
    assert.deepEqual(parseEverySplit(crlf('GET / HTTP/1.1', 'Host: a', 'X: caf\xe9', '', '')).messages[0]!.rawHeaders.slice(2), ['X', 'caf\xe9']);
  });

  test('rejects obs-fold', () => rejects(crlf('GET / HTTP/1.1', 'Host: a', 'X: a', ' b', '', ''), 'ERR_HTTP_HEADER', 400));
  test('rejects whitespace before the colon', () => rejects(crlf('GET / HTTP/1.1', 'Host : a', '', ''), 'ERR_HTTP_HEADER', 400));
  test('rejects an empty field name', () => rejects(crlf('GET / HTTP/1.1', 'Host: a', ': a', '', ''), 'ERR_HTTP_HEADER', 400));
  test('rejects a control character in a value', () => rejects(crlf('GET / HTTP/1.1', 'Host: a', 'X: a\x01b', '', ''), 'ERR_HTTP_HEADER', 400));
  test('rejects NUL in a name', () => rejects(crlf('GET / HTTP/1.1', 'Host: a', 'X\x00: a', '', ''), 'ERR_HTTP_HEADER', 400));
  test('rejects a bare CR in a value', () => rejects(crlf('GET / HTTP/1.1', 'Host: a', 'X: a\rb', '', ''), 'ERR_HTTP_LINE_ENDING', 400));
  test('rejects a bare LF ending a header line', () => rejects(Buffer.from('GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n'), 'ERR_HTTP_LINE_ENDING', 400));
  test('rejects a bare LF ending the request line', () => rejects(Buffer.from('GET / HTTP/1.1\nHost: a\r\n\r\n'), 'ERR_HTTP_LINE_ENDING', 400));

  test('answers too many fields with 431', () => {
    const lines = Array.from({ length: 5 }, (_, i) => `X-${i}: v`);
    rejects(crlf('GET / HTTP/1.1', 'Host: a', ...lines, '', ''), 'ERR_HTTP_HEADERS_TOO_LARGE', 431, resolveLimits({ maxHeaderCount: 4 }));
  });

  test('answers a header section over the limit with 431, before it is complete', () => {
    const limits = resolveLimits({ maxHeaderBytes: 100 });
    rejects(crlf('GET / HTTP/1.1', 'Host: a', `X: ${'v'.repeat(100)}`, '', ''), 'ERR_HTTP_HEADERS_TOO_LARGE', 431, limits);
    assert.equal(parseAll([Buffer.from(`GET / HTTP/1.1\r\nX: ${'v'.repeat(200)}`)], limits).status, 431);
  });
});

describe('Host', () => {
  test('rejects HTTP/1.1 without Host', () => rejects(crlf('GET / HTTP/1.1', '', ''), 'ERR_HTTP_HOST', 400));
  test('rejects two Host fields', () => rejects(crlf('GET / HTTP/1.1', 'Host: a', 'Host: a', '', ''), 'ERR_HTTP_HOST', 400));
  test('rejects a malformed Host', () => rejects(crlf('GET / HTTP/1.1', 'Host: a b/c', '', ''), 'ERR_HTTP_HOST', 400));
  test('accepts HTTP/1.0 without Host', () => assert.equal(parseEverySplit(crlf('GET / HTTP/1.0', '', '')).messages.length, 1));
  test('checks the Host of every request, also after a valid one on the same connection', () => {
    const outcome = parseEverySplit(crlf('GET / HTTP/1.1', 'Host: a', '', 'GET / HTTP/1.1', 'Host: a', '', 'GET / HTTP/1.1', 'Host: a b/c', '', ''));
    assert.equal(outcome.messages.length, 2);
    assert.equal(outcome.error, 'ERR_HTTP_HOST');
  });
  test('accepts an IPv6 literal with a port', () => assert.equal(parseEverySplit(crlf('GET / HTTP/1.1', 'Host: [::1]:8000', '', '')).messages.length, 1));
});

describe('Content-Length bodies', () => {
  test('reads exactly Content-Length bytes, then the next request', () => {
    const { messages } = parseEverySplit(
      crlf('POST /a HTTP/1.1', 'Host: a', 'Content-Length: 5', '', 'helloGET /b HTTP/1.1', 'Host: a', '', ''),
    );
    assert.deepEqual(messages.map((m) => [m.target, m.body]), [['/a', 'hello'], ['/b', '']]);
  });

  test('rejects Content-Length with Transfer-Encoding', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Content-Length: 3', 'Transfer-Encoding: chunked', '', '0', '', ''), 'ERR_HTTP_TRANSFER_ENCODING', 400));

  for (const value of ['-1', '+1', '1 1', '0x10', '1,1', '', '1000000000000000']) {
    test(`rejects Content-Length ${JSON.stringify(value)}`, () =>
      rejects(crlf('POST / HTTP/1.1', 'Host: a', `Content-Length: ${value}`, '', ''), 'ERR_HTTP_CONTENT_LENGTH', 400));
  }

  test('rejects a duplicated Content-Length, even with equal values', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Content-Length: 1', 'Content-Length: 1', '', 'x'), 'ERR_HTTP_CONTENT_LENGTH', 400));

  test('answers a Content-Length over the limit with 413 before any body byte', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Content-Length: 11', '', ''), 'ERR_HTTP_BODY_TOO_LARGE', 413, resolveLimits({ maxBodyBytes: 10 })));
});

describe('chunked bodies', () => {
  test('decodes chunks, extensions and trailers', () => {
    const { messages } = parseEverySplit(
      crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', '', '5;name=value;quoted="a\\"b"', 'hello', 'A ; x', '0123456789', '0', 'Digest: abc', '', ''),
    );
    assert.equal(messages[0]!.body, 'hello0123456789');
    assert.deepEqual(messages[0]!.trailers, ['Digest', 'abc']);
  });

  test('accepts transfer codings case-insensitively and with whitespace', () => {
    assert.equal(parseEverySplit(crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding:  Chunked ', '', '0', '', '')).messages.length, 1);
  });

  const bad: Array<[string, string[]]> = [
    ['a non-hex chunk size', ['zz', 'x', '0', '', '']],
    ['a space after the chunk size', ['1 ', 'x', '0', '', '']],
    ['an extension without a name', ['1;', 'x', '0', '', '']],
    ['an unterminated quoted extension', ['1;a="b', 'x', '0', '', '']],
    ['chunk data longer than its size', ['1', 'xy', '0', '', '']],
  ];
  for (const [what, lines] of bad) {
    test(`rejects ${what}`, () => rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', '', ...lines), 'ERR_HTTP_CHUNK', 400));
  }

  test('answers a chunked body over the limit with 413 while counting', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', '', '6', 'abcdef', '6', 'abcdef', '0', '', ''), 'ERR_HTTP_BODY_TOO_LARGE', 413, resolveLimits({ maxBodyBytes: 10 })));

  test('rejects a final coding other than chunked', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked, gzip', '', ''), 'ERR_HTTP_TRANSFER_ENCODING', 400));
  test('rejects chunked applied twice', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked', '', ''), 'ERR_HTTP_TRANSFER_ENCODING', 400));
  test('rejects an empty Transfer-Encoding', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding:', '', ''), 'ERR_HTTP_TRANSFER_ENCODING', 400));
  test('rejects Transfer-Encoding on HTTP/1.0', () =>
    rejects(crlf('POST / HTTP/1.0', 'Transfer-Encoding: chunked', '', '0', '', ''), 'ERR_HTTP_TRANSFER_ENCODING', 400));
  test('answers an unknown coding before chunked with 501', () =>
    rejects(crlf('POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: gzip, chunked', '', ''), 'ERR_HTTP_CODING_NOT_IMPLEMENTED', 501));
});

describe('persistence', () => {
  const keepAlive = (...lines: string[]): boolean => parseEverySplit(crlf(...lines, '', '')).messages[0]!.keepAlive;
  test('HTTP/1.1 persists by default', () => assert.equal(keepAlive('GET / HTTP/1.1', 'Host: a'), true));
  test('HTTP/1.1 with Connection: close does not persist', () => assert.equal(keepAlive('GET / HTTP/1.1', 'Host: a', 'Connection: Keep-Alive, Close'), false));
  test('HTTP/1.0 does not persist by default', () => assert.equal(keepAlive('GET / HTTP/1.0'), false));
  test('HTTP/1.0 with Connection: keep-alive persists', () => assert.equal(keepAlive('GET / HTTP/1.0', 'Connection: keep-alive'), true));
});
