/**
 * The incremental HTTP/1.1 request parser. Pure: bytes go in with `push()`,
 * events come out of `next()`, one at a time, so the caller decides when to
 * stop (pipelined requests wait in the parser's buffer until the previous
 * response is done). It works on bytes; strings are made only for the parts
 * a request exposes (method, target, header names and values).
 *
 * A request split at any byte offset yields the same events (the tests check
 * every offset). Anything refused throws a `ParseError` carrying the status
 * to answer with; after that the parser is unusable and the connection closes.
 *
 * @example
 * const parser = new RequestParser(DEFAULT_LIMITS);
 * parser.push(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 * parser.next() === HEAD; // parser.head.method === 'GET'
 * parser.next() === END;
 */
import { CHUNK_DATA, CHUNK_END, ChunkedDecoder, findLineEnd } from './chunked.ts';
import { ParseError } from './errors.ts';
import { parseFieldLine } from './field-line.ts';
import { decideFraming, type Framing } from './framing.ts';
import type { Limits } from './limits.ts';
import { parseRequestLine, type RequestLine } from './request-line.ts';

/** Kinds of event `next()` returns. */
export const NEED_MORE = 0;
export const HEAD = 1;
export const BODY = 2;
export const END = 3;

export interface RequestHead extends RequestLine, Framing {
  /** Header fields as sent: [name, value, name, value, …]. */
  readonly rawHeaders: string[];
}

const IN_HEAD = 0;
const IN_BODY = 1;
const IN_CHUNKED = 2;
const AT_END = 3;

const EMPTY = Buffer.alloc(0);
const MAX_LEADING_EMPTY_LINES = 8;

export class RequestParser {
  /** The head of the current request, set when `next()` returns HEAD. */
  head: RequestHead | undefined;
  /** The body bytes of the last BODY event (a view of the input; copy it to keep it past the next push). */
  chunk: Buffer = EMPTY;
  /** Trailer fields of a chunked request, set when `next()` returns END. */
  trailers: string[] = [];

  #buf: Buffer = EMPTY;
  #pos = 0;
  #state = IN_HEAD;
  #line: RequestLine | undefined;
  #fields: string[] = [];
  #headBytes = 0;
  #leadingEmptyLines = 0;
  #remaining = 0;
  #chunked: ChunkedDecoder | undefined;
  readonly #limits: Limits;

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  /** Appends received bytes. Unconsumed bytes are kept; consumed ones are released. */
  push(chunk: Buffer): void {
    if (this.#pos >= this.#buf.length) this.#buf = chunk;
    else this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
    this.#pos = 0;
  }

  /** Bytes received but not yet consumed by an event. */
  get buffered(): number {
    return this.#buf.length - this.#pos;
  }

  /** True between requests: no byte of the next request has been consumed. */
  get idle(): boolean {
    return this.#state === IN_HEAD && this.#line === undefined && this.#pos >= this.#buf.length;
  }

  /** Produces the next event from buffered bytes. Throws `ParseError`. */
  next(): number {
    switch (this.#state) {
      case IN_HEAD:
        return this.#parseHead();
      case IN_BODY:
        return this.#readBody();
      case IN_CHUNKED:
        return this.#readChunked();
      default:
        this.#state = IN_HEAD;
        return END;
    }
  }

  #parseHead(): number {
    const buf = this.#buf;
    const limits = this.#limits;
    while (this.#pos < buf.length) {
      const start = this.#pos;
      const max = this.#line === undefined ? limits.maxTargetBytes + 32 : limits.maxHeaderBytes - this.#headBytes;
      const end = findHeadLineEnd(buf, start, max, this.#line === undefined);
      if (end === -1) return NEED_MORE;
      this.#pos = end + 2;
      if (this.#line === undefined) {
        // RFC 9112 §2.2: ignore at least one empty line before the request-line.
        if (end === start && this.#leadingEmptyLines++ < MAX_LEADING_EMPTY_LINES) continue;
        this.#line = parseRequestLine(buf, start, end, limits.maxTargetBytes);
        this.#leadingEmptyLines = 0;
        continue;
      }
      this.#headBytes += end + 2 - start;
      if (end === start) return this.#finishHead();
      parseFieldLine(buf, start, end, this.#fields);
      if (this.#fields.length / 2 > limits.maxHeaderCount) {
        throw new ParseError('ERR_HTTP_HEADERS_TOO_LARGE', 431, 'too many header fields');
      }
    }
    return NEED_MORE;
  }

  #finishHead(): number {
    const line = this.#line!;
    const rawHeaders = this.#fields;
    const framing = decideFraming(rawHeaders, line.minorVersion);
    if (framing.contentLength > this.#limits.maxBodyBytes) {
      throw new ParseError('ERR_HTTP_BODY_TOO_LARGE', 413, 'request body is larger than the limit');
    }
    this.head = {
      method: line.method,
      target: line.target,
      minorVersion: line.minorVersion,
      rawHeaders,
      contentLength: framing.contentLength,
      chunked: framing.chunked,
      keepAlive: framing.keepAlive,
      expect: framing.expect,
    };
    this.trailers = [];
    this.#line = undefined;
    this.#fields = [];
    this.#headBytes = 0;
    if (framing.chunked) {
      this.#chunked = new ChunkedDecoder(this.#limits);
      this.#state = IN_CHUNKED;
    } else if (framing.contentLength > 0) {
      this.#remaining = framing.contentLength;
      this.#state = IN_BODY;
    } else {
      this.#state = AT_END;
    }
    return HEAD;
  }

  #readBody(): number {
    const available = this.#buf.length - this.#pos;
    if (available === 0) return NEED_MORE;
    const take = Math.min(available, this.#remaining);
    this.chunk = this.#buf.subarray(this.#pos, this.#pos + take);
    this.#pos += take;
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = AT_END;
    return BODY;
  }

  #readChunked(): number {
    const decoder = this.#chunked!;
    const kind = decoder.step(this.#buf, this.#pos);
    this.#pos = decoder.pos;
    if (kind === CHUNK_DATA) {
      this.chunk = decoder.data;
      return BODY;
    }
    if (kind === CHUNK_END) {
      this.trailers = decoder.trailers;
      this.#chunked = undefined;
      this.#state = IN_HEAD;
      return END;
    }
    return NEED_MORE;
  }
}

/** Like `findLineEnd`, with the status the head's limits call for (414 on the request line, 431 after it). */
function findHeadLineEnd(buf: Buffer, start: number, max: number, requestLine: boolean): number {
  try {
    return findLineEnd(buf, start, max, requestLine ? 'request line' : 'header section');
  } catch (err) {
    if (requestLine && err instanceof ParseError && err.status === 431) {
      throw new ParseError('ERR_HTTP_URI_TOO_LONG', 414, 'request line is longer than the limit');
    }
    throw err;
  }
}
