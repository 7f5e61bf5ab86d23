/**
 * Test helpers for conversations with the wire server that `rawExchange`
 * cannot script: a raw client that sends when the test says so and lets the
 * test await what the server sent (a number of complete responses, a string,
 * the close), plus small builders and pollers. Every wait is bounded.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { WireHandler as Handler } from '../../src/index.ts';
import { errorCode, parseResponses, rawExchange, type ParsedResponse } from './server.ts';

/** A request head: `GET /path HTTP/1.1` with `Host: a`, extra field lines, and the empty line. */
export function get(path = '/', extra: readonly string[] = [], version = '1.1'): string {
  const host = version === '1.1' ? ['Host: a'] : [];
  return `GET ${path} HTTP/${version}\r\n${[...host, ...extra].map((line) => `${line}\r\n`).join('')}\r\n`;
}

/** A complete HTTP/1.1 POST with a Content-Length body. */
export function post(path: string, body: string | Buffer, extra: readonly string[] = []): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = `POST ${path} HTTP/1.1\r\nHost: a\r\n${extra.map((line) => `${line}\r\n`).join('')}Content-Length: ${bytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

/**
 * How many complete responses `data` holds (Content-Length, chunked or
 * bodiless framing; interim 1xx responses count too), or -1 when the bytes
 * cannot be split.
 */
export function countComplete(data: Buffer, options: { headRequest?: boolean } = {}): number {
  let pos = 0;
  let count = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', pos);
    if (headEnd === -1) return count;
    const head = data.subarray(pos, headEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    const chunked = /\r\ntransfer-encoding: *chunked/i.test(head);
    pos = headEnd + 4;
    if (status < 200 || status === 204 || status === 304 || options.headRequest === true) {
      // no body
    } else if (chunked) {
      const end = chunkedEnd(data, pos);
      if (end === -1) return count;
      pos = end;
    } else if (length !== null) {
      pos += Number(length[1]);
      if (pos > data.length) return count;
    } else {
      return count; // delimited by the close: complete only once closed, counted by the caller
    }
    count++;
  }
}

function chunkedEnd(data: Buffer, start: number): number {
  let pos = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', pos);
    if (lineEnd === -1) return -1;
    const size = parseInt(data.subarray(pos, lineEnd).toString('latin1'), 16);
    pos = lineEnd + 2;
    if (size === 0) {
      const end = data.indexOf('\r\n\r\n', pos - 2);
      return end === -1 ? -1 : end + 4;
    }
    pos += size + 2;
    if (pos > data.length) return -1;
  }
}

/** A raw client connection driven step by step by a test. */
export class RawClient {
  readonly socket: net.Socket;
  closed = false;
  reset = false;
  /** Received bytes in a buffer that doubles when full, so appending stays linear for large responses. */
  #buf = Buffer.alloc(0);
  #length = 0;
  #waiters = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      if (this.#length + chunk.length > this.#buf.length) {
        const grown = Buffer.alloc(Math.max(this.#length + chunk.length, this.#buf.length * 2, 4096));
        this.#buf.copy(grown, 0, 0, this.#length);
        this.#buf = grown;
      }
      chunk.copy(this.#buf, this.#length);
      this.#length += chunk.length;
      this.#notify();
    });
    socket.on('error', () => (this.reset = true));
    socket.on('close', () => {
      this.closed = true;
      this.#notify();
    });
  }

  /** Connects to 127.0.0.1:`port`; resolves once connected. */
  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  /** Everything received so far. */
  get data(): Buffer {
    return this.#buf.subarray(0, this.#length);
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#length;
  }

  write(data: string | Buffer): boolean {
    return this.socket.write(data);
  }

  /** Resolves once `predicate(received bytes)` holds; rejects after `timeoutMs` or if the server closes first. */
  waitFor(predicate: (data: Buffer) => boolean, what: string, timeoutMs = 1500): Promise<void> {
    return this.#until(() => {
      if (predicate(this.data)) return true;
      return this.closed ? new Error(`closed before ${what}: ${preview(this.data)}`) : false;
    }, () => `timed out waiting for ${what}: ${preview(this.data)}`, timeoutMs);
  }

  /** Resolves with the first `count` responses once they are complete. */
  async responses(count: number, options: { headRequest?: boolean; timeoutMs?: number } = {}): Promise<ParsedResponse[]> {
    await this.waitFor((data) => countComplete(data, options) >= count, `${count} response(s)`, options.timeoutMs);
    return parseResponses(this.data, options);
  }

  /** Resolves once the server has closed the connection; rejects after `timeoutMs`. */
  waitForClose(timeoutMs = 1500): Promise<void> {
    return this.#until(() => this.closed, () => `connection still open after ${timeoutMs} ms`, timeoutMs);
  }

  /** Re-checks `state` on every event until it is true (resolve) or an Error (reject); `late()` after `timeoutMs`. */
  #until(state: () => boolean | Error, late: () => string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const now = state();
        if (now === true) done();
        else if (now instanceof Error) done(now);
      };
      const timer = setTimeout(() => done(new Error(late())), timeoutMs);
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      this.#waiters.add(check);
      check();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

function preview(data: Buffer): string {
  return JSON.stringify(data.subarray(0, 300).toString('latin1'));
}

/** Polls `condition` every few milliseconds until it holds; throws after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 1500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Polls `sample` until it has stopped changing for `quietMs` (a socket
 * buffer that stopped moving); resolves with the last value.
 */
export async function waitUntilSteady(sample: () => number, quietMs = 100, timeoutMs = 1500): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = sample();
  let since = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = sample();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
    if (Date.now() > deadline) throw new Error('value never settled');
  }
}

/** A promise and its resolve function, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Connects and expects the connection to be refused (or reset at once). */
export function connectOutcome(port: number): Promise<'refused' | 'closed' | 'open'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let connected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, 500);
    socket.on('connect', () => (connected = true));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(connected ? 'closed' : 'refused');
    });
  });
}

/**
 * Sends `input` on a fresh connection and asserts the server refused it the
 * strict way: exactly one response, with `status`, the JSON error `code`,
 * `Connection: close`, and then the connection closed (the half-close lets
 * the response arrive instead of a reset).
 */
export async function assertRejected(
  port: number,
  input: string | Buffer | Array<string | Buffer>,
  status: number,
  code: string | undefined,
): Promise<void> {
  const { data, closed } = await rawExchange(port, input, { timeoutMs: 1000 });
  const responses = parseResponses(data);
  assert.equal(responses.length, 1, `one response expected, got ${JSON.stringify(data.toString('latin1'))}`);
  const response = responses[0]!;
  assert.equal(response.status, status);
  if (code !== undefined) assert.equal(errorCode(response), code);
  assert.equal(response.headers['connection'], 'close');
  assert.equal(closed, true, 'the server closes the connection');
}

/** A handler that records each request and answers 200 with a JSON summary of it (body read whole). */
export function recordingHandler(): { handler: Handler; seen: Array<{ method: string; url: string; body: string; trailers: readonly string[] }> } {
  const seen: Array<{ method: string; url: string; body: string; trailers: readonly string[] }> = [];
  const handler: Handler = async (req, res) => {
    const body = (await req.body()).toString('latin1');
    const entry = { method: req.method, url: req.url, body, trailers: req.trailers };
    seen.push(entry);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(entry));
  };
  return { handler, seen };
}

/**
 * Sends `input` on a fresh connection and resolves as soon as `count`
 * responses are complete (no waiting for silence), then disconnects.
 * `closed` tells whether the server had closed the connection by then.
 */
export async function exchange(
  port: number,
  input: string | Buffer,
  count = 1,
  options: { headRequest?: boolean; timeoutMs?: number } = {},
): Promise<{ responses: ParsedResponse[]; data: Buffer; closed: boolean }> {
  const client = await RawClient.connect(port);
  try {
    client.write(input);
    const responses = await client.responses(count, options);
    return { responses, data: Buffer.from(client.data), closed: client.closed };
  } finally {
    client.destroy();
  }
}
