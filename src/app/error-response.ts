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

/**
 * Sets the error response on `c`; a promise only when a custom handler is
 * async. Errors that are not a client's fault (5xx) are logged once, here.
 * Once the head has left, nothing can be answered: the connection is closed.
 */
export function handleError(c: Context, error: unknown, custom: ErrorHandler | undefined, logger: Logger): Promise<void> | undefined {
  const http = toHttpError(error);
  if (http.status >= 500) logger.error(error);
  if (c.res.headersSent) {
    c.res.destroy();
    return undefined;
  }
  resetResponse(c, http.status);
  if (custom === undefined) {
    defaultAnswer(c, http);
    return undefined;
  }
  try {
    const result = custom(error, c);
    if (!(result instanceof Promise)) return answered(c, http);
    return result.then(
      () => answered(c, http),
      (again: unknown) => failedAgain(c, again, logger),
    );
  } catch (again) {
    return failedAgain(c, again, logger);
  }
}

/** A custom handler that chose no response leaves the default answer in place. */
function answered(c: Context, http: HttpError): undefined {
  if (!c.responded) defaultAnswer(c, http);
  return undefined;
}

/** The custom error handler itself failed: log it and answer 500. */
function failedAgain(c: Context, error: unknown, logger: Logger): undefined {
  logger.error(error);
  resetResponse(c, 500);
  defaultAnswer(c, INTERNAL);
  return undefined;
}

function defaultAnswer(c: Context, http: HttpError): void {
  for (const [name, value] of Object.entries(http.headers)) c.res.setHeader(name, value);
  c.json({ error: { code: http.code, message: http.publicMessage } }, http.status);
}

const INTERNAL = new HttpError(500, 'Internal Server Error', { code: 'ERR_INTERNAL', expose: false });

/**
 * Errors the app layer understands keep their status; everything else is a 500.
 *
 * @example
 * toHttpError(new Error('boom')).status; // 500
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof SignwireError && 'status' in error && typeof error.status === 'number' && error.status >= 400 && error.status < 600) {
    return new HttpError(error.status, error.message, { code: error.code });
  }
  return INTERNAL;
}

/** Drops whatever the failed handler set, and starts from the error's status. */
function resetResponse(c: Context, status: number): void {
  for (const [name] of c.res.headerEntries()) c.res.removeHeader(name);
  c.res.statusCode = status;
  c.output = undefined;
  c.responded = false;
}
