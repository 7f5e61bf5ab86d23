/**
 * Logging: one access line per request (method, path, status, bytes,
 * duration) and errors with their stack. The default logs errors to stderr
 * and no access lines; `signwire serve` turns access lines on.
 */
import type { Context } from './context.ts';

export interface Logger {
  /** Receives one line per request; leave undefined for no access log. */
  readonly access?: ((line: string) => void) | undefined;
  /** Receives unexpected errors (never shown to clients). */
  error(error: unknown): void;
}

/** A logger writing to the console: access lines to stdout (when `access`), errors to stderr. */
export function consoleLogger(options: { access: boolean }): Logger {
  return {
    access: options.access ? (line) => console.log(line) : undefined,
    error: (error) => console.error(error),
  };
}

/** "GET /users/7 200 27B 0.4ms" */
export function accessLine(c: Context, durationMs: number): string {
  return `${c.req.method} ${c.req.path} ${c.res.statusCode} ${c.res.bytesWritten}B ${durationMs.toFixed(1)}ms`;
}
