/**
 * The context `c` every handler and middleware receives: the request
 * (`c.req`), the response being built (status, headers, `output`), and
 * per-request state (`c.set` / `c.get`).
 *
 * Headers and status go straight onto the wire response; the body waits in
 * `c.output` until the middleware chain is done, so middleware can still
 * inspect or replace it after `await next()`.
 *
 * @example
 * app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
 */
import { WireUsageError } from '../wire/errors.ts';
import type { WireResponse } from '../wire/response.ts';
import { serializeCookie, type CookieOptions } from './cookies.ts';
import type { AppRequest } from './request.ts';
import { sendFile, type FileOptions } from './static.ts';

/** What a response body can be. */
export type Output = string | Uint8Array | AsyncIterable<string | Uint8Array> | undefined;

/**
 * Per-request variables. Augment it to type your own keys:
 * `declare module 'signwire' { interface ContextVariables { user: User } }`.
 */
export interface ContextVariables {
  [key: string]: unknown;
}

type HeaderRecord = Readonly<Record<string, string>>;

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';
const HTML = 'text/html; charset=utf-8';

export class Context {
  readonly req: AppRequest;
  /** The wire response: status and headers are set on it directly. */
  readonly res: WireResponse;
  /** The body to send once the middleware chain is done. */
  output: Output = undefined;
  /** True once a handler chose a response (a body or an explicit status). */
  responded = false;
  /** The prefix the running middleware was mounted at with `app.use(prefix, mw)` ("" for none). */
  mountPath = '';
  #vars: Map<string, unknown> | undefined;

  constructor(req: AppRequest, res: WireResponse) {
    this.req = req;
    this.res = res;
  }

  /** Sets the status code (200-999; 1xx cannot be a final status). */
  status(code: number): this {
    this.res.statusCode = checkStatus(code);
    this.responded = true;
    return this;
  }

  /** Sets a response header (replacing one of the same name). */
  header(name: string, value: string): this {
    this.res.setHeader(name, value);
    return this;
  }

  /** A text/plain response. */
  text(text: string, status?: number, headers?: HeaderRecord): void {
    this.#reply(text, TEXT, status, headers);
  }

  /** An application/json response of `JSON.stringify(value)`. */
  json(value: unknown, status?: number, headers?: HeaderRecord): void {
    this.#reply(JSON.stringify(value) ?? 'null', JSON_TYPE, status, headers);
  }

  /** A text/html response. */
  html(html: string, status?: number, headers?: HeaderRecord): void {
    this.#reply(html, HTML, status, headers);
  }

  /** A response of raw bytes (or text), with the Content-Type already set or application/octet-stream. */
  body(data: string | Uint8Array | null, status?: number, headers?: HeaderRecord): void {
    const type = this.res.hasHeader('content-type') ? undefined : 'application/octet-stream';
    this.#reply(data ?? undefined, type, status, headers);
  }

  /** A redirect (302 by default) to `location`. */
  redirect(location: string, status = 302): void {
    this.res.setHeader('Location', location);
    this.#reply(undefined, undefined, status, undefined);
  }

  /** A streamed response: chunks are written as the iterable yields them, with backpressure. */
  stream(source: AsyncIterable<string | Uint8Array>, status?: number, headers?: HeaderRecord): void {
    const type = this.res.hasHeader('content-type') ? undefined : 'application/octet-stream';
    this.#reply(source, type, status, headers);
  }

  /**
   * A file from disk, streamed, with Content-Type, ETag, Last-Modified,
   * conditional GET (304) and single ranges (206 / 416).
   */
  file(path: string, options?: FileOptions): Promise<void> {
    this.responded = true;
    return sendFile(this, path, options);
  }

  /** Adds a Set-Cookie header; name, value and attributes are validated. */
  setCookie(name: string, value: string, options?: CookieOptions): this {
    this.res.appendHeader('Set-Cookie', serializeCookie(name, value, options));
    return this;
  }

  /** Stores a per-request value. */
  set<K extends keyof ContextVariables & string>(key: K, value: ContextVariables[K]): void {
    (this.#vars ??= new Map()).set(key, value);
  }

  /** Reads a per-request value. */
  get<K extends keyof ContextVariables & string>(key: K): ContextVariables[K] | undefined {
    return this.#vars?.get(key) as ContextVariables[K] | undefined;
  }

  #reply(output: Output, type: string | undefined, status: number | undefined, headers: HeaderRecord | undefined): void {
    if (type !== undefined) this.res.setHeader('Content-Type', type);
    if (status !== undefined) this.res.statusCode = checkStatus(status);
    if (headers !== undefined) for (const name in headers) this.res.setHeader(name, headers[name]!);
    this.output = output;
    this.responded = true;
  }
}

function checkStatus(code: number): number {
  if (Number.isInteger(code) && code >= 200 && code <= 999) return code;
  throw new WireUsageError('ERR_HTTP_RESPONSE_STATE', `invalid status code ${String(code)}`);
}
