/**
 * The response a wire handler writes. Headers are collected until the first
 * `write()` or `end()`, then the head goes out in one piece, with the framing
 * the server chooses:
 *
 * - `end(body)` with nothing written before: `Content-Length`.
 * - `write()` first: `Transfer-Encoding: chunked` (HTTP/1.1), or the
 *   declared `Content-Length`, or for HTTP/1.0 a body delimited by closing.
 * - HEAD requests and 1xx / 204 / 304 statuses: a head and no body, ever.
 *
 * The server owns `Connection`, `Keep-Alive` and `Transfer-Encoding`: values a
 * handler sets for them are not sent, except that `Connection: close` is
 * honoured. Every outgoing name and value is validated (no CR/LF injection).
 */
import { WireUsageError } from './errors.ts';
import { KeepAliveTails, headPrefix, isManaged } from './head.ts';
import { statusHasNoBody } from './status.ts';
import { checkOutgoingField, checkOutgoingValue, chunkHeader, lastChunk, lookupName, outgoingName } from './writer.ts';

/** What a response needs from its connection. */
export interface ResponseSink {
  /** Writes bytes to the socket; false when its buffer is full. */
  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean;
  /** Whether the connection may stay open after this response. */
  keepAliveAllowed(): boolean;
  /** The keep-alive lines of persistent responses, and the head ends made of them. */
  readonly keepAlive: KeepAliveTails;
  /** The `Date` line to send (kept fresh by the server's clock). */
  readonly dateLine: string;
  /** Called once the last byte is written. */
  responseFinished(keepAlive: boolean): void;
  /** Resolves when the socket buffer has drained. */
  drained(): Promise<void>;
  /** Closes the connection at once: the response cannot be completed. */
  abortConnection(): void;
}

const NO_TRAILERS: string[] = [];
/** Never written to: `appendHeader` replaces it. */
const NO_FIELDS: string[] = [];

export class WireResponse {
  /** The status code to send; 200 unless changed before the head is written. */
  statusCode = 200;

  readonly #sink: ResponseSink;
  readonly #isHead: boolean;
  readonly #http10: boolean;
  /**
   * Header fields set so far, flat: [name as given, name lower-cased, value,
   * …] (one array, not three). NO_FIELDS until the first is set, then an
   * array made for it: an empty array grown by a push reserves room for 19.
   */
  #fields: string[] = NO_FIELDS;
  #trailers: string[] = NO_TRAILERS;
  #latin1 = false;
  /** A header the server manages (Connection, Transfer-Encoding, …) was set. */
  #managed = false;
  #headersSent = false;
  #finished = false;
  #aborted = false;
  #chunked = false;
  #noBody = false;
  #keepAlive = false;
  #declaredLength = -1;
  #written = 0;

  constructor(sink: ResponseSink, isHead: boolean, http10: boolean) {
    this.#sink = sink;
    this.#isHead = isHead;
    this.#http10 = http10;
  }

  /** True once the status line and headers have been written. */
  get headersSent(): boolean {
    return this.#headersSent;
  }

  /** Body bytes written so far (after HEAD / no-body rules: what the client receives). */
  get bytesWritten(): number {
    return this.#isHead || this.#noBody ? 0 : this.#written;
  }

  /** True once `end()` has run (or the connection took the response over). */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * Sets a header, replacing any of the same name (case-insensitive). An
   * array sends one field line per value (for Set-Cookie).
   *
   * @example
   * res.setHeader('Content-Type', 'text/plain; charset=utf-8');
   */
  setHeader(name: string, value: string | number | readonly string[]): this {
    this.removeHeader(name);
    if (typeof value === 'object') for (const item of value) this.appendHeader(name, item);
    else this.appendHeader(name, typeof value === 'string' ? value : String(value));
    return this;
  }

  /** Adds a field line without removing others of the same name. */
  appendHeader(name: string, value: string): this {
    this.#checkHeadOpen();
    const lower = outgoingName(name);
    if (checkOutgoingValue(name, value)) this.#latin1 = true;
    if (isManaged(lower)) this.#managed = true;
    if (this.#fields === NO_FIELDS) this.#fields = [name, lower, value];
    else this.#fields.push(name, lower, value);
    return this;
  }

  /** The value of a header set so far (joined with ", " when repeated), or undefined. */
  getHeader(name: string): string | undefined {
    const wanted = lookupName(name);
    const fields = this.#fields;
    let found: string | undefined;
    for (let i = 1; i < fields.length; i += 3) {
      if (fields[i] !== wanted) continue;
      found = found === undefined ? fields[i + 1]! : `${found}, ${fields[i + 1]!}`;
    }
    return found;
  }

  hasHeader(name: string): boolean {
    return this.getHeader(name) !== undefined;
  }

  removeHeader(name: string): this {
    this.#checkHeadOpen();
    const fields = this.#fields;
    if (fields.length === 0) return this;
    const wanted = lookupName(name);
    for (let i = fields.length - 2; i > 0; i -= 3) {
      if (fields[i] === wanted) fields.splice(i - 1, 3);
    }
    return this;
  }

  /** Header fields set so far, as [name, value] pairs. */
  headerEntries(): Array<[string, string]> {
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < this.#fields.length; i += 3) entries.push([this.#fields[i]!, this.#fields[i + 2]!]);
    return entries;
  }

  /** Adds a trailer field; the response is then sent chunked (HTTP/1.1) so the trailer can follow the body. */
  setTrailer(name: string, value: string): this {
    checkOutgoingField(name, value);
    if (this.#finished) throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', 'the response has ended');
    if (this.#trailers === NO_TRAILERS) this.#trailers = [];
    this.#trailers.push(name, value);
    return this;
  }

  /**
   * Writes a piece of the body; sends the head first if needed. Returns false
   * when the socket buffer is full: wait for `drained()` before writing more.
   */
  write(chunk: string | Uint8Array): boolean {
    if (this.#aborted) return false;
    if (this.#finished) throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', 'write after end');
    if (!this.#headersSent) this.#sendHead(this.#declaredHeaderLength(), false);
    return this.#writeBody(chunk);
  }

  /**
   * Ends the response, with an optional last piece of body.
   *
   * @example
   * res.statusCode = 201;
   * res.end(JSON.stringify({ ok: true }));
   */
  end(chunk?: string | Uint8Array): void {
    if (this.#aborted) return;
    if (this.#finished) throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', 'end called twice');
    if (!this.#headersSent) {
      this.#endWhole(chunk);
    } else {
      if (chunk !== undefined && chunk.length > 0) this.#writeBody(chunk);
      if (this.#chunked) this.#sink.write(lastChunk(this.#trailers), 'latin1');
      this.#checkDeclaredLength();
    }
    this.#finished = true;
    this.#sink.responseFinished(this.#keepAlive);
  }

  /** Resolves when the socket buffer has room again. */
  drained(): Promise<void> {
    return this.#sink.drained();
  }

  /** Sends the head now, before any body (for streams that start late). */
  flushHeaders(): void {
    if (!this.#headersSent && !this.#finished) this.#sendHead(this.#declaredHeaderLength(), false);
  }

  /**
   * Abandons a response that cannot be completed (a stream failed after the
   * head went out): the connection is closed so the client sees it cut short
   * rather than complete. Does nothing once the response has ended.
   */
  destroy(): void {
    if (this.#finished) return;
    this.abort();
    this.#sink.abortConnection();
  }

  /** The connection answered or dropped the request itself; later calls are ignored. @internal */
  abort(): void {
    this.#aborted = true;
    this.#finished = true;
  }

  /** True when the connection took the response over. @internal */
  get aborted(): boolean {
    return this.#aborted;
  }

  #endWhole(chunk: string | Uint8Array | undefined): void {
    const length = chunk === undefined ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    const declared = this.#declaredHeaderLength();
    if (declared !== -1 && declared !== length && !this.#isHead) {
      throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', `Content-Length ${declared} does not match the body (${length} bytes)`);
    }
    const head = this.#sendHead(declared !== -1 ? declared : length, true);
    const headEncoding = this.#latin1 ? 'latin1' : 'ascii';
    if (this.#chunked) {
      this.#sink.write(head, headEncoding);
      if (length > 0) this.#writeBody(chunk!);
      this.#sink.write(lastChunk(this.#trailers), 'latin1');
    } else if (this.#noBody || this.#isHead || length === 0) {
      this.#sink.write(head, headEncoding);
    } else if (typeof chunk === 'string' && !this.#latin1) {
      // One write for head and body; a body of one byte per char is ASCII, copied as is.
      this.#sink.write(head + chunk, length === chunk.length ? 'ascii' : 'utf8');
    } else {
      this.#sink.write(head, headEncoding);
      this.#sink.write(chunk!);
    }
    this.#written = length;
  }

  #writeBody(chunk: string | Uint8Array): boolean {
    if (this.#noBody || this.#isHead || chunk.length === 0) return true;
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    this.#written += length;
    if (this.#declaredLength !== -1 && this.#written > this.#declaredLength) {
      throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', `body exceeds the declared Content-Length ${this.#declaredLength}`);
    }
    if (!this.#chunked) return this.#sink.write(chunk);
    if (typeof chunk === 'string') return this.#sink.write(`${chunkHeader(length)}${chunk}\r\n`);
    this.#sink.write(chunkHeader(length), 'ascii');
    this.#sink.write(chunk);
    return this.#sink.write('\r\n', 'ascii');
  }

  #checkDeclaredLength(): void {
    if (this.#declaredLength !== -1 && this.#written !== this.#declaredLength && !this.#isHead && !this.#noBody) {
      throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', `body is shorter than the declared Content-Length ${this.#declaredLength}`);
    }
  }

  /** A Content-Length the handler set, or -1. */
  #declaredHeaderLength(): number {
    if (!this.#managed) return -1; // Content-Length is a managed header: none was set
    const value = this.getHeader('content-length');
    if (value === undefined) return -1;
    if (!/^\d{1,15}$/.test(value)) throw new WireUsageError('ERR_HTTP_INVALID_HEADER', 'Content-Length must be a non-negative integer');
    return Number(value);
  }

  /** Builds the head, decides framing and persistence, and (unless `defer`) writes it. */
  #sendHead(length: number, defer: boolean): string {
    const status = this.statusCode;
    if (!Number.isInteger(status) || status < 200 || status > 999) {
      throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', `invalid status code ${String(status)}`);
    }
    this.#headersSent = true;
    this.#noBody = statusHasNoBody(status);
    let keepAlive = this.#sink.keepAliveAllowed() && !(this.#managed && this.#asksToClose());
    const tails = this.#sink.keepAlive;
    let head = headPrefix(status, this.#fields, this.#sink.dateLine);
    if (this.#noBody) {
      head += keepAlive ? `${tails.line}\r\n` : 'Connection: close\r\n\r\n';
    } else if (length !== -1 && (this.#trailers.length === 0 || this.#http10)) {
      this.#declaredLength = defer ? -1 : length;
      head += keepAlive ? tails.withLength(length) : `Content-Length: ${length}\r\nConnection: close\r\n\r\n`;
    } else if (!this.#http10) {
      this.#chunked = !this.#isHead;
      head += `Transfer-Encoding: chunked\r\n${keepAlive ? tails.line : 'Connection: close\r\n'}\r\n`;
    } else {
      keepAlive = false; // HTTP/1.0 without a length: the body ends when the connection does.
      head += 'Connection: close\r\n\r\n';
    }
    this.#keepAlive = keepAlive;
    if (!defer) this.#sink.write(head, this.#latin1 ? 'latin1' : 'ascii');
    return head;
  }

  /** The handler set `Connection: close`. */
  #asksToClose(): boolean {
    const fields = this.#fields;
    for (let i = 1; i < fields.length; i += 3) {
      if (fields[i] === 'connection' && /(^|,)\s*close\s*(,|$)/i.test(fields[i + 1]!)) return true;
    }
    return false;
  }

  #checkHeadOpen(): void {
    if (this.#headersSent) throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', 'headers were already sent');
  }
}
