/** The wire layer: an HTTP/1.1 server on raw sockets. */
export { createServer, Server, type ServerOptions, type ListenOptions, type CloseOptions } from './server.ts';
export type { Handler as WireHandler } from './connection-host.ts';
export { WireRequest, type PeerInfo } from './request.ts';
export { WireResponse } from './response.ts';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.ts';
export { ParseError, WireUsageError } from './errors.ts';
export { RequestParser, NEED_MORE, HEAD, BODY, END, type RequestHead } from './parser.ts';
export { STATUS_TEXT } from './status.ts';
