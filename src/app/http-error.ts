/**
 * `HttpError`: an error that knows its HTTP status. Thrown from a handler or
 * middleware, it becomes the response `{ "error": { "code", "message" } }`.
 * Only errors marked `expose` show their message to the client; 4xx errors
 * are exposed by default, 5xx never are unless asked.
 *
 * @example
 * throw new HttpError(403, 'partner is suspended', { code: 'ERR_PARTNER_SUSPENDED' });
 */
import { SignwireError, type ErrorCode } from '../errors.ts';
import { STATUS_TEXT } from '../wire/status.ts';

export interface HttpErrorOptions {
  /** A stable code for programs (default: `ERR_HTTP_<status>`, e.g. `ERR_HTTP_404`). */
  readonly code?: string;
  /** Whether the message may reach the client; default true below 500. */
  readonly expose?: boolean;
  /** Headers to send with the error response (e.g. `Allow`, `WWW-Authenticate`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

export class HttpError extends SignwireError {
  readonly status: number;
  readonly expose: boolean;
  readonly headers: Readonly<Record<string, string>>;
  /** The code as given (any string); `code` holds it too, typed loosely for user codes. */
  declare readonly code: ErrorCode;

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new SignwireError('ERR_INVALID_OPTION', `HttpError status must be 400-599, got ${String(status)}`);
    }
    super((options.code ?? `ERR_HTTP_${status}`) as ErrorCode, message ?? STATUS_TEXT[status] ?? 'Error', { cause: options.cause });
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers ?? {};
  }

  /** What the client sees: the message when exposed, else the status text. */
  get publicMessage(): string {
    return this.expose ? this.message : (STATUS_TEXT[this.status] ?? 'Error');
  }
}
