/**
 * `app.request()`: one request through the app without a socket. The
 * request is serialized to bytes and read by the same parser a socket feeds;
 * the response is written by the same writer into memory and read back. So
 * an in-process test exercises framing, header validation and error
 * responses exactly as a client would see them.
 */
import { DEFAULT_LIMITS, type Limits } from '../wire/limits.ts';
import type { Handler } from '../wire/connection-host.ts';
import { ParseError } from '../wire/errors.ts';
import { KeepAliveTails } from '../wire/head.ts';
import { BODY, END, HEAD, NEED_MORE, RequestParser } from '../wire/parser.ts';
import { WireRequest, type BodyFlow, type PeerInfo } from '../wire/request.ts';
import { WireResponse, type ResponseSink } from '../wire/response.ts';
import { dateLine, errorResponse } from '../wire/writer.ts';
import { readResponse } from './read-response.ts';

export interface InProcessInit {
  readonly method?: string;
  readonly headers?: Record<string, string> | Headers | Array<[string, string]>;
  readonly body?: string | Uint8Array;
  /** The client address the app sees (default 127.0.0.1). */
  readonly remoteAddress?: string;
}

export interface InProcessResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body bytes, decoded from the transfer framing. */
  readonly body: Buffer;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
}

const NO_FLOW: BodyFlow = { bodyWanted() {}, bodyDrained() {} };

/** Runs `handler` on one request given like `fetch` arguments; resolves with the response. */
export async function requestInProcess(
  handler: Handler,
  input: string | URL | Request,
  init: InProcessInit = {},
  limits: Limits = DEFAULT_LIMITS,
): Promise<InProcessResponse> {
  return rawRequestInProcess(handler, await serializeRequest(input, init), limits, init.remoteAddress);
}

/**
 * Runs `handler` on one request given as the bytes a client sends (for
 * tests that need what `fetch` arguments cannot say, such as a field
 * repeated on two lines); resolves with the response.
 *
 * @example
 * await rawRequestInProcess(app.handler, Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'));
 */
export async function rawRequestInProcess(
  handler: Handler,
  bytes: Buffer,
  limits: Limits = DEFAULT_LIMITS,
  remoteAddress = '127.0.0.1',
): Promise<InProcessResponse> {
  const output: Buffer[] = [];
  await new Promise<void>((resolve) => {
    const parser = new RequestParser(limits);
    parser.push(bytes);
    try {
      run(parser, handler, output, resolve, remoteAddress);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      output.push(Buffer.from(errorResponse(error.status, error.code, error.message), 'latin1'));
      resolve();
    }
  });
  return readResponse(Buffer.concat(output));
}

/** In-process responses never keep a connection alive (`keepAliveAllowed` is false): no lines needed. */
const NEVER_KEPT_ALIVE = new KeepAliveTails('');

function run(parser: RequestParser, handler: Handler, output: Buffer[], done: () => void, remoteAddress: string): void {
  if (parser.next() !== HEAD) throw new ParseError('ERR_HTTP_INCOMPLETE_BODY', 400, 'incomplete request');
  const head = parser.head!;
  const peer: PeerInfo = { remoteAddress, remotePort: 0, encrypted: false };
  const req = new WireRequest(head, peer, NO_FLOW);
  for (let kind = parser.next(); kind !== NEED_MORE; kind = parser.next()) {
    if (kind === BODY) req.pushChunk(Buffer.from(parser.chunk));
    if (kind === END) {
      req.finish(parser.trailers);
      break;
    }
  }
  const sink: ResponseSink = {
    keepAlive: NEVER_KEPT_ALIVE,
    dateLine: dateLine(),
    write(data, encoding) {
      output.push(typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : Buffer.from(data));
      return true;
    },
    keepAliveAllowed: () => false,
    responseFinished: () => done(),
    drained: () => Promise.resolve(),
    abortConnection: () => done(),
  };
  const res = new WireResponse(sink, head.method === 'HEAD', head.minorVersion === 0);
  Promise.resolve()
    .then(() => handler(req, res))
    .catch(() => {
      if (!res.finished) {
        res.statusCode = 500;
        res.end();
      }
    });
}

/** The request as HTTP/1.1 bytes; a Host header is added when missing. */
async function serializeRequest(input: string | URL | Request, init: InProcessInit): Promise<Buffer> {
  const request = input instanceof Request ? input : undefined;
  const raw = typeof input === 'string' && (input.startsWith('/') || input === '*'); // '*': OPTIONS * (asterisk-form)
  const url = raw ? new URL('http://localhost/') : new URL(request?.url ?? String(input), 'http://localhost');
  const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers ?? request?.headers);
  const body = init.body ?? (request?.body ? new Uint8Array(await request.arrayBuffer()) : undefined);
  const bodyBytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  if (!headers.has('host')) headers.set('host', url.host);
  if (bodyBytes !== undefined) headers.set('content-length', String(bodyBytes.length));
  // A string path is sent exactly as given (no URL normalization), so tests can send raw targets.
  const target = raw ? (input as string) : `${url.pathname}${url.search}`;
  let head = `${method} ${target} HTTP/1.1\r\n`;
  headers.forEach((value, name) => (head += `${name}: ${value}\r\n`));
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), bodyBytes ?? Buffer.alloc(0)]);
}
