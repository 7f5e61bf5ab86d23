/**
 * Request methods the server knows. A well-formed method outside this set is
 * answered 501 Not Implemented (RFC 9110 §9.1); a malformed one, 400.
 *
 * The set is the HTTP methods of RFC 9110, PATCH (RFC 5789), QUERY
 * (draft-ietf-httpbis-safe-method-w-body) and the WebDAV / CalDAV / UPnP
 * methods Node's own parser accepts. CONNECT is known but answered 501: this
 * server does not tunnel (see docs/compliance.md).
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY',
  'COPY', 'LOCK', 'MKCOL', 'MOVE', 'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK',
  'BIND', 'REBIND', 'UNBIND', 'ACL', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE',
  'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PURGE', 'MKCALENDAR', 'LINK', 'UNLINK',
]);
