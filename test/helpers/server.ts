/**
 * Test helpers: start a wire server on 127.0.0.1 for one test, and talk to it
 * over a raw socket.
 */
import net from 'node:net';
import type { TestContext } from 'node:test';
import { createServer, type WireHandler as Handler, type Server, type ServerOptions } from '../../src/index.ts';

/** Starts a server on a free port; it is closed when the test ends. */
export async function startServer(t: TestContext, handler: Handler, options: ServerOptions = {}): Promise<Server> {
  const server = createServer(handler, { onError: () => {}, ...options });
  await server.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close({ graceMs: 0 }));
  return server;
}

export interface RawExchange {
  /** Everything the server sent. */
  readonly data: Buffer;
  /** True when the server closed the connection (FIN or reset) before the timeout. */
  readonly closed: boolean;
  /** True when the connection was reset rather than closed cleanly. */
  readonly reset: boolean;
}

/**
 * Sends `input` (all at once, or piece by piece with a pause between) and
 * collects the answer until the server closes or `timeoutMs` of silence.
 */
export function rawExchange(
  port: number,
  input: string | Buffer | Array<string | Buffer>,
  options: { timeoutMs?: number; pauseMs?: number; endInput?: boolean } = {},
): Promise<RawExchange> {
  const { timeoutMs = 500, pauseMs = 0, endInput = false } = options;
  const pieces = Array.isArray(input) ? input : [input];
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let reset = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed, reset });
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), timeoutMs);
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      arm();
    });
    socket.on('error', () => (reset = true));
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      }
      if (endInput) socket.end();
      arm();
    });
  });
}

export interface ParsedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/**
 * Splits raw response bytes into responses (Content-Length, chunked, or
 * bodiless framing; 1xx interim responses included). For assertions only.
 */
export function parseResponses(data: Buffer, options: { headRequest?: boolean } = {}): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let pos = 0;
  while (pos < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', pos);
    if (headEnd === -1) throw new Error(`incomplete response head: ${JSON.stringify(data.subarray(pos).toString('latin1'))}`);
    const lines = data.subarray(pos, headEnd).toString('latin1').split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    pos = headEnd + 4;
    let body: Buffer = Buffer.alloc(0);
    const bodiless = status < 200 || status === 204 || status === 304 || options.headRequest === true;
    if (!bodiless && headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', pos);
        const size = parseInt(data.subarray(pos, lineEnd).toString('latin1'), 16);
        pos = lineEnd + 2;
        if (size === 0) {
          pos = data.indexOf('\r\n\r\n', pos - 2) + 4;
          break;
        }
        parts.push(data.subarray(pos, pos + size));
        pos += size + 2;
      }
      body = Buffer.concat(parts);
    } else if (!bodiless && headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = data.subarray(pos, pos + length);
      pos += length;
    } else if (!bodiless) {
      body = data.subarray(pos);
      pos = data.length;
    }
    out.push({ status, headers, body });
  }
  return out;
}

/** The `error.code` of a JSON error body. */
export function errorCode(response: ParsedResponse): string | undefined {
  try {
    return (JSON.parse(response.body.toString('utf8')) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}
