/**
 * One client connection: feeds received bytes to the parser, runs the
 * handler for one request at a time (pipelined requests wait, in order, in
 * the parser's bounded buffer; a request that arrives is handled at the end
 * of the poll phase, with the others of the turn: end-of-poll.ts), applies
 * backpressure both ways, and answers what goes wrong on its own (a bad
 * request, a timeout, a handler that throws). Its phases, their deadlines
 * and how it closes are its lifecycle's (connection-lifecycle.ts), which it
 * extends.
 */
import type { Socket } from 'node:net';
import { SignwireError } from '../errors.ts';
import { isThenable } from '../thenable.ts';
import { ParseError } from './errors.ts';
import { BODY, END, HEAD, NEED_MORE, RequestParser } from './parser.ts';
import type { ConnectionHost } from './connection-host.ts';
import { CLOSED, ConnectionLifecycle, IDLE, IN_BODY, IN_HANDLER, IN_HEAD, LINGER } from './connection-lifecycle.ts';
import { dispatchAtEndOfPoll, type DeferredDispatch } from './end-of-poll.ts';
import type { KeepAliveTails } from './head.ts';
import { WireRequest, peerOf, type BodyFlow, type PeerInfo } from './request.ts';
import { WireResponse, type ResponseSink } from './response.ts';
import { CONTINUE_RESPONSE, INTERNAL_ERROR_BODY, errorResponse } from './writer.ts';

export class Connection extends ConnectionLifecycle implements BodyFlow, ResponseSink, DeferredDispatch {
  readonly #parser: RequestParser;
  readonly #peer: PeerInfo;
  #req: WireRequest | undefined;
  #res: WireResponse | undefined;
  #requests = 0;
  #bodyReceived = 0;
  #discarded = 0;
  #discardBody = false;
  /** The parser has delivered the END of the current request. */
  #messageEnded = false;
  /** The current request's body came with its head: its handler runs at END, with the whole body there. */
  #dispatchAtEnd = false;
  #continueSent = false;
  #pumping = false;
  /** In the socket's data callback: a request parsed now waits for the end of the poll phase. */
  #receiving = false;

  constructor(socket: Socket, host: ConnectionHost) {
    super(socket, host);
    this.#parser = new RequestParser(host.limits);
    this.#peer = peerOf(socket);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onPeerEnd());
    socket.on('drain', () => this.#onDrain());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#onClose());
    this.enter(IDLE, host.limits.keepAliveTimeoutMs);
  }

  get keepAlive(): KeepAliveTails {
    return this.host.keepAlive;
  }

  get dateLine(): string {
    return this.host.dateLine;
  }

  // ── input ──────────────────────────────────────────────────────────────

  #onData(chunk: Buffer): void {
    if (this.phase >= LINGER) return;
    this.#parser.push(chunk);
    if (this.phase === IDLE) this.enter(IN_HEAD, this.limits.headersTimeoutMs);
    this.#receiving = true; // a request parsed now is handled at the end of the poll phase (see end-of-poll.ts)
    this.#pump();
    this.#receiving = false;
  }

  /** Pulls parser events until it needs more bytes or must wait for the handler. */
  #pump(): void {
    if (this.#pumping || this.phase >= LINGER) return;
    this.#pumping = true;
    try {
      while (this.phase < LINGER && this.#mayParse()) {
        const kind = this.#parser.next();
        if (kind === NEED_MORE) break;
        if (kind === HEAD) this.#onHead();
        else if (kind === BODY) this.#onBody(this.#parser.chunk);
        else if (kind === END) this.#onMessageEnd();
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#pumping = false;
    }
    if (this.peerEnded && this.#req === undefined) this.closeGracefully();
    this.#updateReading();
    this.#uncork();
  }

  #mayParse(): boolean {
    const req = this.#req;
    if (req === undefined) return !this.socket.writableNeedDrain;
    if (this.#messageEnded) return false; // answered in order: the next request waits
    return this.#discardBody || req.queuedBytes <= this.limits.readAheadBytes;
  }

  #onHead(): void {
    const head = this.#parser.head!;
    this.#requests++;
    this.out.cork(); // the answer leaves at the end of this turn, with the others (see OutputBatch)
    const req = new WireRequest(head, this.#peer, this);
    const res = new WireResponse(this, head.method === 'HEAD', head.minorVersion === 0);
    this.#req = req;
    this.#res = res;
    this.#bodyReceived = 0;
    this.#discarded = 0;
    this.#discardBody = false;
    this.#continueSent = false;
    this.#messageEnded = false;
    if (req.complete) this.enter(IN_HANDLER, 0);
    else this.enter(IN_BODY, this.limits.bodyTimeoutMs);
    if (this.host.draining) {
      this.respondError(new ParseError('ERR_HTTP_UNAVAILABLE', 503, 'the server is shutting down'));
    } else if (head.expect !== undefined && head.minorVersion === 1 && !req.expectsContinue) {
      this.respondError(new ParseError('ERR_HTTP_EXPECTATION', 417, 'only "Expect: 100-continue" is supported'));
    } else if (head.contentLength > 0 && head.contentLength <= this.limits.readAheadBytes && this.#parser.bodyBuffered) {
      this.#dispatchAtEnd = true; // read on: the handler finds `req.complete` (see #onMessageEnd)
    } else {
      this.#dispatch(req, res);
    }
  }

  #onBody(chunk: Buffer): void {
    this.#bodyReceived += chunk.length;
    if (this.#discardBody) {
      this.#discarded += chunk.length;
      if (this.#discarded > this.limits.maxDrainBytes) this.closeGracefully();
      return;
    }
    this.#req!.pushChunk(chunk);
    const timeoutMs = this.limits.bodyTimeoutMs;
    if (!this.paused && timeoutMs > 0) this.deadline = this.host.now + timeoutMs; // 0: no deadline, as for every timeout
  }

  #onMessageEnd(): void {
    this.#messageEnded = true;
    this.#req!.finish(this.#parser.trailers);
    const dispatchNow = this.#dispatchAtEnd;
    this.#dispatchAtEnd = false;
    if (!dispatchNow && this.#res!.finished) return this.#afterExchange();
    this.enter(IN_HANDLER, 0);
    if (dispatchNow) this.#dispatch(this.#req!, this.#res!); // an answer given at once goes on through responseFinished
  }

  // ── the handler ────────────────────────────────────────────────────────

  #dispatch(req: WireRequest, res: WireResponse): void {
    // A request that arrived with the others of this turn runs with them; one that was waiting behind an
    // answer just given (pipelined) runs at once, where the handlers are already running.
    if (this.#receiving) dispatchAtEndOfPoll(this);
    else this.#run(req, res);
  }

  /** The end of the poll phase: the request parsed in the data callback, unless the connection is closing since. */
  dispatchDeferred(): void {
    if (this.phase < LINGER && this.#req !== undefined) this.#run(this.#req, this.#res!);
  }

  #run(req: WireRequest, res: WireResponse): void {
    try {
      const result = this.host.handler(req, res);
      if (isThenable(result)) result.then(undefined, (error: unknown) => this.#handlerFailed(error, res));
    } catch (error) {
      this.#handlerFailed(error, res);
    }
  }

  /** A thrown error becomes a 500 (the connection survives) unless the head is already out. */
  #handlerFailed(error: unknown, res: WireResponse): void {
    this.host.reportError(error);
    if (res !== this.#res || res.finished) return;
    if (res.headersSent) {
      this.destroy();
      return;
    }
    res.abort();
    const fresh = new WireResponse(this, this.#req!.method === 'HEAD', this.#req!.httpVersion === '1.0');
    this.#res = fresh;
    fresh.statusCode = 500;
    fresh.setHeader('Content-Type', 'application/json');
    fresh.end(INTERNAL_ERROR_BODY);
  }

  // ── ResponseSink ───────────────────────────────────────────────────────

  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean {
    if (this.phase === CLOSED) return false;
    return this.out.write(data, encoding);
  }

  keepAliveAllowed(): boolean {
    const req = this.#req;
    if (req === undefined || !req.keepAlive || this.host.draining || this.peerEnded) return false;
    const max = this.limits.maxRequestsPerSocket;
    if (max > 0 && this.#requests >= max) return false;
    // A body still arriving is fine if the handler is reading it, or if we can drain it after
    // the response; otherwise (too large, unknown size, held back for 100 Continue) say close now.
    return req.complete || !req.unread || this.#canDrain(req);
  }

  responseFinished(keepAlive: boolean): void {
    const req = this.#req;
    if (req === undefined) return;
    if (!keepAlive) {
      this.closeGracefully();
    } else if (this.#messageEnded) {
      this.#afterExchange();
    } else if (this.#canDrain(req)) {
      this.#discardBody = true;
      req.discardQueued();
      this.#pump();
    } else {
      this.closeGracefully();
    }
    this.#uncork();
  }

  abortConnection(): void {
    this.destroy();
  }

  drained(): Promise<void> {
    return this.phase === CLOSED ? Promise.resolve() : this.out.drained();
  }

  // ── BodyFlow ───────────────────────────────────────────────────────────

  bodyWanted(): void {
    if (this.#continueSent || !this.#req!.expectsContinue || this.#res!.headersSent) return;
    this.#continueSent = true;
    this.write(CONTINUE_RESPONSE, 'latin1');
  }

  bodyDrained(): void {
    if (this.paused || this.#parser.buffered > 0) this.#pump();
  }

  // ── transitions ────────────────────────────────────────────────────────

  #canDrain(req: WireRequest): boolean {
    if (req.expectsContinue && !this.#continueSent) return false;
    const head = this.#parser.head!;
    if (head.chunked) return false; // of unknown size: the response must not promise keep-alive
    return head.contentLength - this.#bodyReceived <= this.limits.maxDrainBytes;
  }

  /** The response is out and the request fully read: on to the next request. */
  #afterExchange(): void {
    this.#req = undefined;
    this.#res = undefined;
    if (this.host.draining) {
      this.closeGracefully();
      return;
    }
    if (this.#parser.buffered > 0) {
      this.enter(IN_HEAD, this.limits.headersTimeoutMs);
    } else {
      this.#parser.release();
      this.enter(IDLE, this.limits.keepAliveTimeoutMs);
    }
    this.#pump();
  }

  #onPeerEnd(): void {
    this.peerEnded = true;
    if (this.phase >= LINGER) {
      if (this.phase === LINGER) this.destroySoon();
      return;
    }
    const req = this.#req;
    if (req !== undefined && !req.complete && !this.#discardBody) {
      this.respondError(new ParseError('ERR_HTTP_INCOMPLETE_BODY', 400, 'the connection ended before the body did'));
      return;
    }
    this.#pump();
  }

  #onDrain(): void {
    this.out.releaseWaiters();
    this.#pump();
  }

  #onClose(): void {
    this.phase = CLOSED;
    this.deadline = 0;
    this.#req?.abort(new SignwireError('ERR_HTTP_INCOMPLETE_BODY', 'the connection closed'));
    this.#res?.abort();
    this.#onDrain();
    this.host.connectionClosed(this);
  }

  #fail(error: unknown): void {
    if (error instanceof ParseError) {
      this.respondError(error);
    } else {
      this.host.reportError(error);
      this.destroy();
    }
  }

  /** Answers with an error of our own and half-closes. */
  protected override respondError(error: ParseError): void {
    this.#req?.abort(error);
    const res = this.#res;
    if (res !== undefined && (res.headersSent || res.finished) && !res.aborted) {
      this.destroy(); // the response has started: its framing cannot be trusted any more
      return;
    }
    res?.abort();
    this.write(errorResponse(error.status, error.code, error.message), 'latin1');
    this.closeGracefully();
  }

  // ── flow control ───────────────────────────────────────────────────────

  /** Pauses reading while the output is full, or while more than `readAheadBytes` wait for the handler (body or pipelined requests). */
  #updateReading(): void {
    if (this.phase >= LINGER) return;
    const req = this.#req;
    const limit = this.limits.readAheadBytes;
    this.pauseReading(
      this.socket.writableNeedDrain ||
        (req !== undefined && !req.complete && !this.#discardBody && req.queuedBytes > limit) ||
        (req !== undefined && this.#messageEnded && this.#parser.buffered > limit),
    );
  }

  /** Ends the output batch at the end of this turn (now when closing), unless a pump is running. */
  #uncork(): void {
    if (!this.out.corked || this.#pumping) return;
    if (this.phase < LINGER) this.out.flushSoon();
    else this.out.flush();
  }
}
