/**
 * What a connection and its server agree on: the handler a connection runs
 * for each request, and what it needs from the server (limits, the shared
 * clock and Date line, whether it is draining, where errors go).
 */
import type { Connection } from './connection.ts';
import type { KeepAliveTails } from './head.ts';
import type { Limits } from './limits.ts';
import type { WireRequest } from './request.ts';
import type { WireResponse } from './response.ts';

/** A wire handler: gets the request, writes the response (sync or async). */
export type Handler = (req: WireRequest, res: WireResponse) => unknown;

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly handler: Handler;
  readonly limits: Limits;
  /** The keep-alive lines of persistent responses, and the head ends made of them. */
  readonly keepAlive: KeepAliveTails;
  /** The current time in ms, refreshed by the server's sweep (deadlines need no finer clock). */
  readonly now: number;
  /** The `Date` line for responses, refreshed with `now`. */
  readonly dateLine: string;
  readonly draining: boolean;
  reportError(error: unknown): void;
  connectionClosed(connection: Connection): void;
}
