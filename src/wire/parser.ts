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
import { detached } from '../detached.ts';
import { CHUNK_DATA, CHUNK_END, ChunkedDecoder } from './chunked.ts';
import { ParseError } from './errors.ts';
import { parseFieldLine } from './field-line.ts';
import { decideFraming, type Framing } from './framing.ts';
import type { Limits } from './limits.ts';
import { latin1 } from './latin1.ts';
import { parseRequestLine, type RequestLine } from './request-line.ts';
import { CR, LF } from './tokens.ts';

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
const EMPTY_TRAILERS: string[] = [];
const CRLF = Buffer.from('\r\n');

function tooLargeHead(): ParseError {
  return new ParseError('ERR_HTTP_HEADERS_TOO_LARGE', 431, 'request head is larger than the limit');
}

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
  /** Where to resume searching for the end of a head that is still arriving. */
  #scanFrom = 0;
  /**
   * `#buf[#textStart, #textStart + #text.length)` as text, one char per byte:
   * converted once per received chunk and shared by the pipelined heads in it.
   */
  #text = '';
  #textStart = 0;
  #leadingEmptyLines = 0;
  #remaining = 0;
  #chunked: ChunkedDecoder | undefined;
  /** The last request's Host value, found valid (see `decideFraming`). */
  #checkedHost: string | undefined;
  readonly #limits: Limits;

  /**
   * The longest head accepted: request line (target + room for method and
   * version) and header section. A field, not a private getter: V8 calls
   * private getters through its runtime, and this is read for every head.
   */
  readonly #maxHead: number;

  constructor(limits: Limits) {
    this.#limits = limits;
    this.#maxHead = limits.maxTargetBytes + 32 + limits.maxHeaderBytes;
  }

  /** Appends received bytes. Unconsumed bytes are kept; consumed ones are released. */
  push(chunk: Buffer): void {
    this.#text = '';
    if (this.#pos >= this.#buf.length) {
      this.#buf = chunk;
      this.#scanFrom = 0;
    } else {
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), chunk]);
      this.#scanFrom = Math.max(0, this.#scanFrom - this.#pos);
    }
    this.#pos = 0;
  }

  /**
   * Between requests, with nothing buffered: lets go of the last chunk, its
   * text and the last head (whose strings are slices of that text), so an
   * idle connection holds none of them.
   */
  release(): void {
    if (!this.idle) return;
    this.head = undefined;
    this.#buf = EMPTY;
    this.#pos = 0;
    this.#scanFrom = 0;
    this.#text = '';
    this.#textStart = 0;
  }

  /** Bytes received but not yet consumed by an event. */
  get buffered(): number {
    return this.#buf.length - this.#pos;
  }

  /**
   * True right after HEAD when the whole Content-Length body has already
   * arrived: the next events are its BODY and END, with no wait between.
   */
  get bodyBuffered(): boolean {
    return this.#state === IN_BODY && this.#buf.length - this.#pos >= this.#remaining;
  }

  /** True between requests: no byte of the next request has been consumed. */
  get idle(): boolean {
    return this.#state === IN_HEAD && this.#pos >= this.#buf.length;
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
        this.#scanFrom = this.#pos;
        return END;
    }
  }

  #parseHead(): number {
    const buf = this.#buf;
    if (this.#pos >= buf.length || !this.#skipLeadingEmptyLines()) return NEED_MORE;
    const start = this.#pos;
    const text = this.#headText(start);
    const found = text.indexOf('\r\n\r\n', Math.max(this.#scanFrom, start) - this.#textStart);
    if (found === -1) {
      this.#checkPartialHead(start);
      if (this.#textStart + text.length < buf.length) throw tooLargeHead(); // the converted window is full
      return NEED_MORE;
    }
    const end = this.#textStart + found;
    if (end - start > this.#maxHead) {
      this.#checkPartialHead(start); // names the limit that was passed
      throw tooLargeHead();
    }
    this.#pos = end + 4;
    this.#scanFrom = this.#pos;
    return this.#finishHead(text, start - this.#textStart, found + 2);
  }

  /** The text of the buffer from `start`: the chunk's converted text when it covers `start`, else a new window. */
  #headText(start: number): string {
    const buf = this.#buf;
    if (this.#text !== '' && start >= this.#textStart && this.#textStart + this.#text.length === buf.length) return this.#text;
    this.#textStart = start;
    this.#text = latin1(buf, start, Math.min(buf.length, start + this.#maxHead + 4));
    return this.#text;
  }

  /** RFC 9112 §2.2: ignore a few empty lines before the request-line. False when more bytes are needed. */
  #skipLeadingEmptyLines(): boolean {
    const buf = this.#buf;
    while (buf[this.#pos] === CR || buf[this.#pos] === LF) {
      if (this.#pos + 1 >= buf.length) return false;
      if (buf[this.#pos] !== CR || buf[this.#pos + 1] !== LF || this.#leadingEmptyLines >= MAX_LEADING_EMPTY_LINES) {
        throw new ParseError('ERR_HTTP_LINE_ENDING', 400, 'unexpected line ending before the request line');
      }
      this.#pos += 2;
      this.#leadingEmptyLines++;
      this.#scanFrom = this.#pos;
    }
    return true;
  }

  /**
   * A head still arriving: refuses it as soon as it passes a limit or shows a
   * bare LF, instead of waiting for a blank line that may never come.
   */
  #checkPartialHead(start: number): void {
    const buf = this.#buf;
    for (let lf = buf.indexOf(LF, Math.max(start, this.#scanFrom)); lf !== -1; lf = buf.indexOf(LF, lf + 1)) {
      if (buf[lf - 1] !== CR || lf === start) throw new ParseError('ERR_HTTP_LINE_ENDING', 400, 'bare LF in the request head');
    }
    this.#scanFrom = Math.max(start, buf.length - 3);
    const lineEnd = buf.indexOf(CRLF, start);
    const lineLength = (lineEnd === -1 ? buf.length : lineEnd) - start;
    if (lineLength > this.#limits.maxTargetBytes + 32) {
      throw new ParseError('ERR_HTTP_URI_TOO_LONG', 414, 'request line is longer than the limit');
    }
    if (lineEnd !== -1 && buf.length - lineEnd - 2 > this.#limits.maxHeaderBytes) throw tooLargeHead();
  }

  /** Parses the head in `text[from, to)` (each line ending in CRLF, the blank line excluded). */
  #finishHead(text: string, from: number, to: number): number {
    const limits = this.#limits;
    const lineEnd = text.indexOf('\r\n', from);
    const line = parseRequestLine(text, from, lineEnd, limits.maxTargetBytes);
    if (to - lineEnd - 2 > limits.maxHeaderBytes) throw tooLargeHead();
    // Made to hold the first field exactly: an empty array grown by a store reserves room for 17 or more.
    const rawHeaders: string[] = lineEnd + 2 < to ? ['', ''] : [];
    let count = 0;
    for (let lineStart = lineEnd + 2; lineStart < to; ) {
      lineStart = parseFieldLine(text, lineStart, rawHeaders, count) + 2;
      count += 2;
      if (count > limits.maxHeaderCount * 2) throw new ParseError('ERR_HTTP_HEADERS_TOO_LARGE', 431, 'too many header fields');
    }
    const framing = decideFraming(rawHeaders, line.minorVersion, this.#checkedHost);
    // Copied when it changes (rarely): kept between requests, a slice would keep this chunk's text alive.
    // Unchanged, `decideFraming` returns the kept string itself, so this test compares no characters.
    if (framing.host !== this.#checkedHost) this.#checkedHost = framing.host === undefined ? undefined : detached(framing.host);
    if (framing.contentLength > limits.maxBodyBytes) {
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
      host: framing.host,
    };
    this.trailers = EMPTY_TRAILERS;
    this.#leadingEmptyLines = 0;
    if (framing.chunked) {
      this.#chunked = new ChunkedDecoder(limits);
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
      this.#scanFrom = this.#pos;
      return END;
    }
    return NEED_MORE;
  }
}
