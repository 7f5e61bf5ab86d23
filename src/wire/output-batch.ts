/**
 * A connection's output. Writes go straight to the socket, except while a
 * batch of pipelined requests is answered: then the socket is corked and
 * text is joined, so the whole batch leaves in one write (what the
 * canned-response ceiling does).
 *
 * Text comes in three encodings. 'ascii' text is the same bytes in latin1
 * and UTF-8, so it joins either; 'latin1' and 'utf8' text do not mix (a
 * batch switching between them is written in pieces). Text known to be
 * ASCII is written as latin1, which Node copies without transcoding.
 *
 * It also holds whoever waits for a full socket buffer to drain.
 */
import type { Socket } from 'node:net';

export class OutputBatch {
  readonly #socket: Socket;
  #corked = false;
  /** Text written while corked, sent as one string when the batch is flushed. */
  #text = '';
  /** How `#text` must be encoded: 'latin1' (also when all ASCII) or 'utf8'. */
  #textEncoding: 'latin1' | 'utf8' = 'latin1';
  #flushScheduled = false;
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
    if (this.#corked) return;
    this.#corked = true;
    this.#socket.cork();
  }

  /**
   * Writes (or, in a batch, collects) `data`; false when the socket buffer is
   * full. Strings default to UTF-8; 'ascii' promises every char is below 0x80.
   */
  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean {
    if (typeof data !== 'string') {
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
    return true;
  }

  /** Ends the batch: the collected text and everything corked leave now. */
  flush(): void {
    if (!this.#corked) return;
    this.#flushText();
    this.#corked = false;
    this.#socket.uncork();
  }

  /** Ends the batch at the end of this turn of the event loop (a handler is still running). */
  flushSoon(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.flush();
    });
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

  #flushText(): void {
    if (this.#text === '') return;
    const text = this.#text;
    this.#text = '';
    this.#socket.write(text, this.#textEncoding);
  }
}
