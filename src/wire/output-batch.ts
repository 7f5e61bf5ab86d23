/**
 * A connection's output. Writes go straight to the socket, except while a
 * batch of pipelined requests is answered: then the socket is corked and
 * plain UTF-8 text is joined, so the whole batch leaves in one write (what
 * the canned-response ceiling does).
 */
import type { Socket } from 'node:net';

export class OutputBatch {
  readonly #socket: Socket;
  #corked = false;
  /** UTF-8 text written while corked, sent as one string when the batch is flushed. */
  #text = '';
  #flushScheduled = false;

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

  /** Writes (or, in a batch, collects) `data`; false when the socket buffer is full. */
  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean {
    if (this.#corked && typeof data === 'string' && (encoding === undefined || encoding === 'utf8')) {
      this.#text += data;
      return true;
    }
    this.#flushText();
    return encoding === undefined ? this.#socket.write(data) : this.#socket.write(data, encoding);
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

  #flushText(): void {
    if (this.#text === '') return;
    const text = this.#text;
    this.#text = '';
    this.#socket.write(text);
  }
}
