/**
 * The request a wire handler receives: what the parser read, and the body as
 * a stream of chunks that the connection feeds as they arrive.
 *
 * The body is read either whole (`await req.body()`, the exact bytes as one
 * Buffer, cached) or as an async iterable of chunks (`for await (const chunk
 * of req)`), not both. Reading it is what sends `100 Continue` when the
 * client asked for one.
 */
import type { Socket } from 'node:net';
import { SignwireError } from '../errors.ts';
import type { ParseError } from './errors.ts';
import { WireUsageError } from './errors.ts';
import type { RequestHead } from './parser.ts';
import { equalsLowerCase } from './tokens.ts';

/** What a request tells its connection about how its body is consumed. */
export interface BodyFlow {
  /** The handler started reading the body. */
  bodyWanted(): void;
  /** The handler took queued body bytes; reading may resume. */
  bodyDrained(): void;
}

/** Where the request came from. */
export interface PeerInfo {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly encrypted: boolean;
}

/** The peer of a socket, read once (a closed socket no longer knows its address). */
export function peerOf(socket: Socket): PeerInfo {
  return {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    encrypted: 'encrypted' in socket && socket.encrypted === true,
  };
}

const NO_TRAILERS: readonly string[] = Object.freeze([]);
const EMPTY_BODY = Buffer.alloc(0);

const NOT_READ = 0;
const READ_WHOLE = 1;
const READ_STREAM = 2;

export class WireRequest implements AsyncIterable<Buffer> {
  /** The method, as sent ("GET"). */
  readonly method: string;
  /** The request-target exactly as sent ("/users/7?q=x", or an absolute URL, or "*"). */
  readonly url: string;
  /** "1.1" or "1.0". */
  readonly httpVersion: '1.0' | '1.1';
  /** Header fields as sent: [name, value, name, value, …]. */
  readonly rawHeaders: readonly string[];
  /** Trailer fields of a chunked body, once the body has been read. */
  trailers: readonly string[] = NO_TRAILERS;
  /** The connection's peer. */
  readonly peer: PeerInfo;

  readonly #head: RequestHead;
  readonly #flow: BodyFlow;
  /** Body chunks not yet taken; made when the first arrives (most requests have no body). */
  #queue: Buffer[] | undefined;
  #queuedBytes = 0;
  #complete: boolean;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #mode = NOT_READ;
  #whole: Promise<Buffer> | undefined;

  constructor(head: RequestHead, peer: PeerInfo, flow: BodyFlow) {
    this.#head = head;
    this.method = head.method;
    this.url = head.target;
    this.httpVersion = head.minorVersion === 1 ? '1.1' : '1.0';
    this.rawHeaders = head.rawHeaders;
    this.peer = peer;
    this.#flow = flow;
    this.#complete = !hasBody(head);
  }

  /**
   * The value of a header field, found case-insensitively; repeated fields are
   * joined with ", " (with "; " for Cookie). `undefined` when absent.
   *
   * @example
   * req.header('content-type'); // 'application/json'
   */
  header(name: string): string | undefined {
    const raw = this.rawHeaders;
    const wanted = name.toLowerCase();
    let found: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const candidate = raw[i]!;
      if (!equalsLowerCase(candidate, wanted)) continue;
      const value = raw[i + 1]!;
      found = found === undefined ? value : `${found}${wanted === 'cookie' ? '; ' : ', '}${value}`;
    }
    return found;
  }

  /** True when the request declares a body (Content-Length > 0 or chunked). */
  get hasBody(): boolean {
    return hasBody(this.#head);
  }

  /** True once every body byte has arrived. */
  get complete(): boolean {
    return this.#complete;
  }

  /** True when the client asked for `100 Continue` before sending its body. */
  get expectsContinue(): boolean {
    return this.#head.expect === '100-continue' && this.#head.minorVersion === 1;
  }

  /** True when the client allows another request on this connection. */
  get keepAlive(): boolean {
    return this.#head.keepAlive;
  }

  /**
   * The whole body, as the exact bytes received. Read once and cached.
   *
   * @example
   * const bytes = await req.body(); // Buffer
   */
  body(): Promise<Buffer> {
    if (this.#whole !== undefined) return this.#whole;
    if (this.#mode === READ_STREAM) {
      return Promise.reject(new WireUsageError('ERR_HTTP_BODY_CONSUMED', 'the body is being read as a stream'));
    }
    this.#mode = READ_WHOLE;
    this.#whole = this.#complete && this.#error === undefined ? Promise.resolve(this.#takeAll()) : this.#collect();
    return this.#whole;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    if (this.#mode !== NOT_READ) throw new WireUsageError('ERR_HTTP_BODY_CONSUMED', 'the body was already read');
    this.#mode = READ_STREAM;
    for (;;) {
      const chunk = await this.#nextChunk();
      if (chunk === undefined) return;
      yield chunk;
    }
  }

  async #collect(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = await this.#nextChunk();
      if (chunk === undefined) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks.push(chunk);
    }
  }

  /**
   * The whole body when every byte has already arrived (a small body comes
   * with its head): no read loop, no promise per chunk.
   */
  #takeAll(): Buffer {
    this.#flow.bodyWanted();
    const queue = this.#queue;
    this.#queue = undefined;
    this.#queuedBytes = 0;
    if (queue === undefined || queue.length === 0) return EMPTY_BODY;
    const whole = queue.length === 1 ? queue[0]! : Buffer.concat(queue);
    this.#flow.bodyDrained();
    return whole;
  }

  async #nextChunk(): Promise<Buffer | undefined> {
    this.#flow.bodyWanted();
    while (this.#queue === undefined || this.#queue.length === 0) {
      if (this.#error !== undefined) throw this.#error;
      if (this.#complete) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    const chunk = this.#queue.shift()!;
    this.#queuedBytes -= chunk.length;
    this.#flow.bodyDrained();
    return chunk;
  }

  /** Bytes received but not yet taken by the handler. @internal */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** True while nobody is reading the body. @internal */
  get unread(): boolean {
    return this.#mode === NOT_READ;
  }

  /** Feeds a body chunk. @internal */
  pushChunk(chunk: Buffer): void {
    if (chunk.length === 0) return;
    (this.#queue ??= []).push(chunk);
    this.#queuedBytes += chunk.length;
    this.#wakeReader();
  }

  /** Marks the body complete. @internal */
  finish(trailers: readonly string[]): void {
    this.trailers = trailers;
    this.#complete = true;
    this.#wakeReader();
  }

  /** Fails the body: the connection broke or the rest of it was refused. @internal */
  abort(error: ParseError | SignwireError): void {
    if (this.#complete) return;
    this.#error = error;
    this.#wakeReader();
  }

  /** Drops queued bytes (the handler finished without reading them). @internal */
  discardQueued(): void {
    this.#queue = undefined;
    this.#queuedBytes = 0;
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function hasBody(head: RequestHead): boolean {
  return head.chunked || head.contentLength > 0;
}
