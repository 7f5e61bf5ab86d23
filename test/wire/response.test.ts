/**
 * The response writer without a socket: what goes on the wire for each way
 * a handler can answer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WireResponse, WireUsageError } from '../../src/index.ts';
import { KeepAliveTails } from '../../src/wire/head.ts';
import type { ResponseSink } from '../../src/wire/response.ts';

class RecordingSink implements ResponseSink {
  readonly keepAlive = new KeepAliveTails('Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n');
  readonly dateLine = 'Date: Mon, 23 Nov 2026 20:00:00 GMT\r\n';
  output = '';
  finishedWith: boolean | undefined;
  allowKeepAlive = true;

  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean {
    this.output += typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8').toString('latin1') : Buffer.from(data).toString('latin1');
    return true;
  }
  keepAliveAllowed(): boolean {
    return this.allowKeepAlive;
  }
  responseFinished(keepAlive: boolean): void {
    this.finishedWith = keepAlive;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  aborted = false;
  abortConnection(): void {
    this.aborted = true;
  }
}

function respond(answer: (res: WireResponse) => void, options: { head?: boolean; http10?: boolean; keepAlive?: boolean } = {}): RecordingSink {
  const sink = new RecordingSink();
  sink.allowKeepAlive = options.keepAlive ?? true;
  answer(new WireResponse(sink, options.head ?? false, options.http10 ?? false));
  return sink;
}

const DATE = 'Date: Mon, 23 Nov 2026 20:00:00 GMT\r\n';
const KEEP = 'Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n';

describe('framing', () => {
  test('end(body) sends Content-Length and the body in one piece', () => {
    const sink = respond((res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.end('héllo');
    });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${DATE}Content-Length: 6\r\n${KEEP}\r\n${Buffer.from('héllo').toString('latin1')}`);
    assert.equal(sink.finishedWith, true);
  });

  test('write() before end() sends a chunked body with a last chunk', () => {
    const sink = respond((res) => {
      res.write('ab');
      res.write(Buffer.from('cde'));
      res.end();
    });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\n${DATE}Transfer-Encoding: chunked\r\n${KEEP}\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n`);
  });

  test('a declared Content-Length is used for written bodies and enforced', () => {
    const sink = respond((res) => {
      res.setHeader('Content-Length', 4);
      res.write('ab');
      res.end('cd');
    });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\n${DATE}Content-Length: 4\r\n${KEEP}\r\nabcd`);
    assert.throws(() => respond((res) => { res.setHeader('Content-Length', 1); res.end('ab'); }), WireUsageError);
    assert.throws(() => respond((res) => { res.setHeader('Content-Length', 1); res.write('a'); res.write('b'); }), WireUsageError);
  });

  test('trailers force a chunked body and follow the last chunk', () => {
    const sink = respond((res) => {
      res.setTrailer('Digest', 'sha-256=abc');
      res.end('x');
    });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\n${DATE}Transfer-Encoding: chunked\r\n${KEEP}\r\n1\r\nx\r\n0\r\nDigest: sha-256=abc\r\n\r\n`);
  });

  test('HTTP/1.0 without a length is delimited by closing the connection', () => {
    const sink = respond((res) => {
      res.write('a');
      res.end();
    }, { http10: true });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\n${DATE}Connection: close\r\n\r\na`);
    assert.equal(sink.finishedWith, false);
  });
});

describe('responses without a body', () => {
  test('HEAD gets the Content-Length of the body it would have had, and no body', () => {
    const sink = respond((res) => res.end('hello'), { head: true });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\n${DATE}Content-Length: 5\r\n${KEEP}\r\n`);
  });

  for (const status of [204, 304]) {
    test(`${status} has no body and no framing header`, () => {
      const sink = respond((res) => {
        res.statusCode = status;
        res.end('ignored');
      });
      assert.equal(sink.output, `HTTP/1.1 ${status} ${status === 204 ? 'No Content' : 'Not Modified'}\r\n${DATE}${KEEP}\r\n`);
    });
  }
});

describe('headers', () => {
  test('a CR or LF in a header value throws ERR_HTTP_INVALID_HEADER', () => {
    assert.throws(() => respond((res) => res.setHeader('X-A', 'a\r\nInjected: 1')), (e: unknown) => e instanceof WireUsageError && e.code === 'ERR_HTTP_INVALID_HEADER');
    assert.throws(() => respond((res) => res.setHeader('X A', 'a')), (e: unknown) => e instanceof WireUsageError && e.code === 'ERR_HTTP_INVALID_HEADER');
    assert.throws(() => respond((res) => res.setTrailer('X', 'a\nb')), WireUsageError);
  });

  test('setHeader replaces case-insensitively; arrays send one line per value', () => {
    const sink = respond((res) => {
      res.setHeader('x-a', '1');
      res.setHeader('X-A', '2');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end();
    });
    assert.match(sink.output, /\r\nX-A: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n/);
    assert.doesNotMatch(sink.output, /x-a: 1/);
  });

  test('Connection: close set by the handler is honoured; framing headers stay the server\'s', () => {
    const sink = respond((res) => {
      res.setHeader('Connection', 'close');
      res.setHeader('Transfer-Encoding', 'gzip');
      res.end('a');
    });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\n${DATE}Content-Length: 1\r\nConnection: close\r\n\r\na`);
    assert.equal(sink.finishedWith, false);
  });

  test('obs-text in a header value is written as latin1 bytes', () => {
    const sink = respond((res) => {
      res.setHeader('X-Name', 'caf\u00e9');
      res.end('ü');
    });
    assert.ok(sink.output.includes('X-Name: caf\u00e9\r\n'));
    assert.ok(sink.output.endsWith(Buffer.from('ü').toString('latin1')));
  });

  test('headers cannot change after they were sent, and end() cannot run twice', () => {
    assert.throws(() => respond((res) => { res.write('a'); res.setHeader('X', '1'); }), (e: unknown) => e instanceof WireUsageError && e.code === 'ERR_HTTP_RESPONSE_STATE');
    assert.throws(() => respond((res) => { res.end(); res.end(); }), WireUsageError);
    assert.throws(() => respond((res) => { res.end(); res.write('a'); }), WireUsageError);
  });

  test('destroy() after the head closes the connection; after end() it does nothing', () => {
    const cut = respond((res) => {
      res.write('partial');
      res.destroy();
      assert.equal(res.write('more'), false);
    });
    assert.equal(cut.aborted, true);
    assert.equal(cut.finishedWith, undefined);
    const whole = respond((res) => {
      res.end('done');
      res.destroy();
    });
    assert.equal(whole.aborted, false);
  });

  test('the connection decides persistence: Connection: close when it may not keep alive', () => {
    const sink = respond((res) => res.end(), { keepAlive: false });
    assert.equal(sink.output, `HTTP/1.1 200 OK\r\n${DATE}Content-Length: 0\r\nConnection: close\r\n\r\n`);
  });
});
