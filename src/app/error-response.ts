/**
 * What a thrown error becomes. An `HttpError` answers with its status, its
 * code and (when exposed) its message; anything else is logged with its
 * stack and answered 500 `ERR_INTERNAL` with a fixed message, so no internal
 * detail reaches the client. `app.onError` can replace the answer.
 */
import { SignwireError } from '../errors.ts';
import type { Context } from './context.ts';
import { HttpError } from './http-error.ts';
import type { Logger } from './logger.ts';

/** A custom error answer; it should set a response on `c` (e.g. `c.json(...)`). */
export type ErrorHandler = (error: unknown, c: Context) => unknown;

/** Sets the error response on `c`; a promise only when a custom handler is async. */
export function handleError(c: Context, error: unknown, custom: ErrorHandler | undefined, logger: Logger): Promise<void> | undefined {
  if (c.res.headersSent) {
    logger.error(error);
    throw error; // the response is on its way: the connection must close
  }
  resetResponse(c);
  if (custom !== undefined) {
    try {
      const result = custom(error, c);
      c.responded = true;
      return result instanceof Promise ? result.then(() => undefined, (again: unknown) => defaultAnswer(c, again, logger)) : undefined;
    } catch (again) {
      defaultAnswer(c, again, logger);
      return undefined;
    }
  }
  defaultAnswer(c, error, logger);
  return undefined;
}

function defaultAnswer(c: Context, error: unknown, logger: Logger): void {
  resetResponse(c);
  const http = toHttpError(error);
  if (http.status >= 500) logger.error(error);
  for (const [name, value] of Object.entries(http.headers)) c.res.setHeader(name, value);
  c.json({ error: { code: http.code, message: http.publicMessage } }, http.status);
}

/** Errors the app layer understands keep their status; everything else is a 500. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof SignwireError && 'status' in error && typeof error.status === 'number' && error.status >= 400 && error.status < 600) {
    return new HttpError(error.status, error.message, { code: error.code });
  }
  return new HttpError(500, 'Internal Server Error', { code: 'ERR_INTERNAL', expose: false });
}

function resetResponse(c: Context): void {
  for (const [name] of c.res.headerEntries()) c.res.removeHeader(name);
  c.res.statusCode = 200;
  c.output = undefined;
}
