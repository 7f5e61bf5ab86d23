/**
 * Every limit and timeout of the wire server, in one frozen object. Each
 * entry says its default and what happens when a peer goes past it; the same
 * table, with reasons, is in docs/limits.md. Options are validated here, at
 * the boundary, so the rest of the server can trust them.
 */
import { resolveIntegerOptions } from '../options.ts';

export interface Limits {
  /** Longest request-target, in bytes. Past it: 414 URI Too Long. */
  readonly maxTargetBytes: number;
  /** Largest request head (request line + header fields), in bytes. Past it: 431. */
  readonly maxHeaderBytes: number;
  /** Most header fields in one request (trailers count too). Past it: 431. */
  readonly maxHeaderCount: number;
  /** Largest request body, in bytes, decided from Content-Length before reading and counted while reading chunked bodies. Past it: 413. */
  readonly maxBodyBytes: number;
  /** Longest chunk-size line (size and extensions), in bytes. Past it: 400. */
  readonly maxChunkLineBytes: number;
  /** Time allowed to receive a whole request head, from its first byte (slowloris). Past it: 408 and close. */
  readonly headersTimeoutMs: number;
  /** Longest pause between two pieces of a request body. Past it: 408 and close. */
  readonly bodyTimeoutMs: number;
  /** How long an idle keep-alive connection stays open; announced as `Keep-Alive: timeout=`. Past it: closed silently. */
  readonly keepAliveTimeoutMs: number;
  /** Requests served on one connection before it is closed with `Connection: close`. 0 = no limit. */
  readonly maxRequestsPerSocket: number;
  /** Open connections at once. A connection past it is closed at once. */
  readonly maxConnections: number;
  /** Bytes read ahead of the handler: pipelined requests behind an unfinished one, or body bytes not yet taken. Reading from the socket pauses past it. */
  readonly readAheadBytes: number;
  /** Bytes of an unread request body the server reads and discards to keep a connection alive; a larger unread body closes it. */
  readonly maxDrainBytes: number;
  /** After an error response, how long the server keeps reading (and discarding) before it closes, so the response is not lost to a reset. */
  readonly lingerMs: number;
}

/**
 * The defaults. Frozen: copy it with your changes instead.
 *
 * @example
 * createServer(handler, { limits: { maxBodyBytes: 10 * 1024 * 1024 } });
 */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxTargetBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 1024 * 1024,
  maxChunkLineBytes: 1024,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxRequestsPerSocket: 0,
  maxConnections: 10_000,
  readAheadBytes: 64 * 1024,
  maxDrainBytes: 64 * 1024,
  lingerMs: 2_000,
});

/** Limits with some entries replaced; unknown names and bad values throw `ERR_INVALID_OPTION`. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  return resolveIntegerOptions(DEFAULT_LIMITS, overrides, 'limit');
}
