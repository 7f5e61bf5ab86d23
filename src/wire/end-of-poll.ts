/**
 * The end of the event loop's poll phase, where the server does two things,
 * in this order, once per turn: it runs the handlers of the requests that
 * arrived during the phase, back to back; then it writes every answer
 * collected in the turn (see OutputBatch).
 *
 * Running handlers back to back rather than each in the socket callback that
 * brought its request keeps their code and data in the CPU's caches: between
 * two socket callbacks the kernel's TCP work and Node's stream machinery run,
 * and a handler as long as a signature check then starts cold every time.
 * Measured on the signed POST of the benchmark (hmac-sha256, Content-Digest,
 * a nonce claimed), a handler run in its socket callback cost about 70 µs of
 * CPU per request served, and the same handler run at the end of the poll
 * phase about 42 µs.
 *
 * Both steps are immediates, queued together, so they run one after the
 * other in the check phase, and Node runs the microtasks queued by the first
 * before the second: an answer a handler gives once its promises settle,
 * without waiting for I/O, is written with the others. An answer given in a
 * later turn (after awaiting I/O) goes straight to its socket.
 */

/** A connection whose request waits for the end of the poll phase. */
export interface DeferredDispatch {
  /** Runs the handler now (unless the connection is closing by then). */
  dispatchDeferred(): void;
}

/** A batch of output to write at the end of the turn. */
export interface DueFlush {
  flushNow(): void;
}

const dispatches: DeferredDispatch[] = [];
const flushes: DueFlush[] = [];
let scheduled = false;

/** Runs `connection`'s handler at the end of this poll phase, before anything is written. */
export function dispatchAtEndOfPoll(connection: DeferredDispatch): void {
  dispatches.push(connection);
  schedule();
}

/** Writes `batch` at the end of this turn, after the handlers run there (and their microtasks). */
export function flushAtEndOfPoll(batch: DueFlush): void {
  flushes.push(batch);
  schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(runDispatches);
  setImmediate(runFlushes);
}

function runDispatches(): void {
  for (let i = 0; i < dispatches.length; i++) dispatches[i]!.dispatchDeferred();
  dispatches.length = 0;
}

function runFlushes(): void {
  // A flush may make another batch due: it is written in this loop too.
  for (let i = 0; i < flushes.length; i++) flushes[i]!.flushNow();
  flushes.length = 0;
  scheduled = false;
  // Requests that came since the handlers ran (from a socket fed outside the poll phase): the next turn.
  if (dispatches.length > 0) schedule();
}
