/**
 * A connection's lifecycle, which `Connection` (connection.ts) runs HTTP/1.1
 * on: the phase it is in, that phase's deadline and what happens when it
 * passes, reading paused and resumed, and the close RFC 9112 §9.6 asks for:
 * after an error it half-closes and keeps reading for a while so the error
 * response arrives instead of a reset.
 *
 * Phases: IDLE (between requests) → HEAD (receiving a head) → BODY
 * (receiving a body) → HANDLER (waiting for the response) → IDLE …, and
 * LINGER (half-closed, discarding input) → CLOSED.
 *
 * A base class rather than an object of its own so that the hot path reads
 * `this.phase` as it would a private field, with no hop in between.
 */
import type { Socket } from 'node:net';
import type { ConnectionHost } from './connection-host.ts';
import { ParseError } from './errors.ts';
import type { Limits } from './limits.ts';
import { OutputBatch } from './output-batch.ts';

export const IDLE = 0;
export const IN_HEAD = 1;
export const IN_BODY = 2;
export const IN_HANDLER = 3;
export const LINGER = 4;
export const CLOSED = 5;

export abstract class ConnectionLifecycle {
  /** When the current phase times out (ms since the epoch); 0 for never. Checked by the server's sweep. */
  deadline = 0;

  protected readonly socket: Socket;
  protected readonly host: ConnectionHost;
  protected readonly limits: Limits;
  protected readonly out: OutputBatch;
  /** One of the phases above: set by `enter`, by closing, and when the socket closes. */
  protected phase = IDLE;
  /** The peer has ended its side. */
  protected peerEnded = false;
  #paused = false;

  constructor(socket: Socket, host: ConnectionHost) {
    this.socket = socket;
    this.host = host;
    this.limits = host.limits;
    this.out = new OutputBatch(socket);
  }

  /** Called by the server's sweep once `deadline` has passed. */
  timedOut(): void {
    switch (this.phase) {
      case IN_HEAD:
        this.respondError(new ParseError('ERR_HTTP_HEADERS_TIMEOUT', 408, 'the request head took too long'));
        break;
      case IN_BODY:
        this.respondError(new ParseError('ERR_HTTP_BODY_TIMEOUT', 408, 'the request body stalled'));
        break;
      case IDLE:
        this.closeGracefully();
        break;
      default:
        this.destroy();
    }
  }

  /** The server is shutting down: idle connections close now, busy ones after their response. */
  drain(): void {
    if (this.phase === IDLE) this.closeGracefully();
  }

  /** Closes at once, whatever is in progress. */
  destroy(): void {
    if (this.phase === CLOSED) return;
    this.phase = CLOSED;
    this.socket.destroy();
  }

  /** Answers with an error of our own and half-closes (how is `Connection`'s business). */
  protected abstract respondError(error: ParseError): void;

  /** Reading is paused (see `pauseReading`). */
  protected get paused(): boolean {
    return this.#paused;
  }

  protected enter(phase: number, timeoutMs: number): void {
    this.phase = phase;
    this.deadline = timeoutMs > 0 ? this.host.now + timeoutMs : 0;
  }

  /** Pauses or resumes reading from the socket; a head or body deadline waits while it is paused. */
  protected pauseReading(pause: boolean): void {
    if (pause !== this.#paused) {
      this.#paused = pause;
      if (pause) this.socket.pause();
      else this.socket.resume();
    }
    // While reading is paused we are waiting on ourselves, not on the client: no head or body deadline.
    if (this.phase !== IN_HEAD && this.phase !== IN_BODY) return;
    const timeoutMs = this.phase === IN_HEAD ? this.limits.headersTimeoutMs : this.limits.bodyTimeoutMs;
    if (pause) this.deadline = 0;
    else if (this.deadline === 0 && timeoutMs > 0) this.deadline = this.host.now + timeoutMs;
  }

  /** Ends our side, then discards input until the peer closes or `lingerMs` passes. */
  protected closeGracefully(): void {
    if (this.phase >= LINGER) return;
    // The linger clock starts once our last byte has left: a slow reader still gets the whole response.
    this.enter(LINGER, 0);
    this.out.flush(); // even mid-batch: nothing may be written after end()
    this.socket.end(() => {
      if (this.phase === LINGER) this.deadline = this.host.now + this.limits.lingerMs;
    });
    if (this.#paused) this.socket.resume();
    if (this.peerEnded) this.destroySoon();
  }

  /** Destroys the socket once everything written has been flushed. */
  protected destroySoon(): void {
    if (this.socket.writableFinished) this.socket.destroy();
    else this.socket.once('finish', () => this.socket.destroy());
  }
}
