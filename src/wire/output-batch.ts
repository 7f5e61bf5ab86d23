/**
 * A connection's output, written at the end of the event loop's turn.
 *
 * Once a request arrives, its connection starts a batch: response text is
 * joined, then every connection answered in this turn writes its batch in
 * one go, after the poll phase and the handlers run there (end-of-poll.ts;
 * as uWebSockets corks per loop iteration).
 * The socket itself is corked only when bytes (a Buffer body) join the
 * batch, so that they leave with the text around them; text alone is one
 * plain write, without the stream's own buffering. Pipelined requests thus
 * leave in one write, as the canned-response ceiling answers them. And
 * answers to many connections go out back to back instead of spread over
 * the turn: a client on another core, waiting for them, is woken once for
 * several instead of once for each, and waking a sleeping process is among
 * the most expensive things a response costs the kernel. A response written
 * in a later turn (a handler that awaited I/O) goes straight to the socket.
 *
 * Backpressure holds while collecting: past `MAX_JOINED` chars the text goes
 * to the socket, whose buffer reports when it is full, and a write collected
 * while it is full says so too.
 *
 * Text comes in three encodings. 'ascii' text is the same bytes in latin1
 * and UTF-8, so it joins either; 'latin1' and 'utf8' text do not mix (a
 * batch switching between them is written in pieces). Text known to be
 * ASCII is written as latin1, which Node copies without transcoding.
 *
 * It also holds whoever waits for a full socket buffer to drain.
 */
import type { Socket } from 'node:net';
import { flushAtEndOfPoll } from './end-of-poll.ts';

/** Text joined before it is handed to the socket: its default high-water mark. */
const MAX_JOINED = 16 * 1024;

export class OutputBatch {
  readonly #socket: Socket;
  /** A batch is being collected. */
  #corked = false;
  /** The socket itself is corked: bytes were written during this batch (text alone needs no cork). */
  #socketCorked = false;
  /** Text written while corked, sent as one string when the batch is flushed. */
  #text = '';
  /** How `#text` must be encoded: 'latin1' (also when all ASCII) or 'utf8'. */
  #textEncoding: 'latin1' | 'utf8' = 'latin1';
  #flushDue = false;
  #drainWaiters: Array<() => void> = [];

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  /** True while a batch is being collected. */
  get corked(): boolean {
    return this.#corked;
  }

  /** Starts a batch. */
  cork(): void {
    this.#corked = true;
  }

  /**
   * Writes (or, in a batch, collects) `data`; false when the socket buffer is
   * full. Strings default to UTF-8; 'ascii' promises every char is below 0x80.
   */
  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean {
    if (typeof data !== 'string') {
      // Text and bytes of one batch leave together: the socket holds them until the batch ends.
      if (this.#corked && !this.#socketCorked) {
        this.#socketCorked = true;
        this.#socket.cork();
      }
      this.#flushText();
      return this.#socket.write(data);
    }
    const textEncoding = encoding === 'ascii' || encoding === 'latin1' ? 'latin1' : 'utf8';
    if (!this.#corked) return this.#socket.write(data, textEncoding);
    if (encoding !== 'ascii' && textEncoding !== this.#textEncoding) {
      this.#flushText();
      this.#textEncoding = textEncoding;
    }
    this.#text += data;
    return this.#text.length < MAX_JOINED ? !this.#socket.writableNeedDrain : this.#flushText();
  }

  /** Ends the batch: the collected text and everything corked leave now. */
  flush(): void {
    if (!this.#corked) return;
    this.#corked = false;
    if (this.#socket.destroyed) {
      this.#text = ''; // the connection is gone: nothing to send it to
      this.#socketCorked = false;
      return;
    }
    this.#flushText();
    if (this.#socketCorked) {
      this.#socketCorked = false;
      this.#socket.uncork();
    }
  }

  /** Ends the batch at the end of this turn of the event loop, with every other batch due. */
  flushSoon(): void {
    if (this.#flushDue) return;
    this.#flushDue = true;
    flushAtEndOfPoll(this);
  }

  /** The end of the turn: see `flushSoon`. @internal */
  flushNow(): void {
    this.#flushDue = false;
    this.flush();
  }

  /** Resolves once the socket buffer has room again (at once when it has). */
  drained(): Promise<void> {
    if (!this.#socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** The socket drained, or closed: every waiter goes on. */
  releaseWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Hands the collected text to the socket; false when its buffer is full. */
  #flushText(): boolean {
    if (this.#text === '') return true;
    const text = this.#text;
    this.#text = '';
    return this.#socket.write(text, this.#textEncoding);
  }
}
