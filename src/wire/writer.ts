/**
 * Pure pieces of the response writer: the cached Date field, chunk framing,
 * trailer sections and the complete error responses the connection sends on
 * its own. The `WireResponse` class assembles heads from these.
 *
 * RFC 9112 §7.1:  chunk = chunk-size CRLF chunk-data CRLF;
 *                 last-chunk = 1*("0") CRLF; then trailer-section CRLF.
 * RFC 9110 §6.6.1: an origin server with a clock MUST send Date.
 */
import { detached } from '../detached.ts';
import { WireUsageError } from './errors.ts';
import { statusLine } from './status.ts';
import { INVALID, OBS_TEXT, fieldValueKind, isToken } from './tokens.ts';

let nextSecond = 0;
let cachedDateLine = '';

/** "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n", rebuilt at most once a second. */
export function dateLine(now = Date.now()): string {
  if (now >= nextSecond || now < nextSecond - 1000) {
    const second = now - (now % 1000);
    nextSecond = second + 1000;
    cachedDateLine = `Date: ${new Date(second).toUTCString()}\r\n`;
  }
  return cachedDateLine;
}

/** Valid outgoing names, lower-cased; names are usually literals, so a handful of entries serve every response. */
const lowerNames = new Map<string, string>();
const MAX_CACHED_NAMES = 1024;

/** The lower-cased form of an outgoing header name; throws unless it is a token. */
export function outgoingName(name: string): string {
  const lower = lowerNames.get(name);
  if (lower !== undefined) return lower;
  if (!isToken(name)) {
    throw new WireUsageError('ERR_HTTP_INVALID_HEADER', `invalid header name ${JSON.stringify(name)}`);
  }
  return lowerAndKeep(lowerNames, name);
}

/** A header name lower-cased for a lookup (`getHeader`, `removeHeader`); never throws. */
export function lookupName(name: string): string {
  return lowerNames.get(name) ?? lookedUp.get(name) ?? lowerAndKeep(lookedUp, name);
}

/** Names looked up (not necessarily valid tokens), lower-cased, kept apart from the outgoing ones. */
const lookedUp = new Map<string, string>();

/** `name` lower-cased, remembered in `cache` while it has room, as a copy (a name may be a slice of a request). */
function lowerAndKeep(cache: Map<string, string>, name: string): string {
  if (cache.size >= MAX_CACHED_NAMES) return name.toLowerCase();
  const kept = detached(name);
  const lower = kept.toLowerCase();
  cache.set(kept, lower);
  return lower;
}

/**
 * Throws unless `value` has no CR, LF, NUL or other control character but
 * HTAB. Returns true when it has bytes above 0x7f (obs-text), which must be
 * written as latin1.
 */
export function checkOutgoingValue(name: string, value: string): boolean {
  const known = checkedValues.get(value);
  if (known !== undefined) return known;
  const kind = fieldValueKind(value);
  if (kind === INVALID) throw new WireUsageError('ERR_HTTP_INVALID_HEADER', `invalid value for header "${name}"`);
  const obsText = kind === OBS_TEXT;
  if (value.length <= MAX_CACHED_VALUE_LENGTH && checkedValues.size < MAX_CACHED_NAMES) checkedValues.set(detached(value), obsText);
  return obsText;
}

/**
 * Short values found valid, with whether they need latin1: most values are
 * literals ("text/plain", "no-store"), each checked once instead of per response.
 */
const checkedValues = new Map<string, boolean>();
const MAX_CACHED_VALUE_LENGTH = 64;

/** Both checks, for trailers. */
export function checkOutgoingField(name: string, value: string): boolean {
  outgoingName(name);
  return checkOutgoingValue(name, value);
}

/** The framing line before a chunk of `byteLength` bytes: "1a\r\n". */
export function chunkHeader(byteLength: number): string {
  return `${byteLength.toString(16)}\r\n`;
}

/** The last chunk and the trailer section: "0\r\n" + trailer fields + "\r\n". */
export function lastChunk(trailers: readonly string[]): string {
  let out = '0\r\n';
  for (let i = 0; i < trailers.length; i += 2) out += `${trailers[i]}: ${trailers[i + 1]}\r\n`;
  return `${out}\r\n`;
}

/** The interim response sent when a handler starts reading a body the client is holding back. */
export const CONTINUE_RESPONSE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * A complete JSON error response with `Connection: close`, for what the
 * connection answers on its own (parse errors, timeouts, draining).
 */
export function errorResponse(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message } });
  return (
    `${statusLine(status)}${dateLine()}Content-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** The body of the 500 that answers a handler's uncaught error: nothing about the error itself. */
export const INTERNAL_ERROR_BODY = JSON.stringify({ error: { code: 'ERR_INTERNAL', message: 'Internal Server Error' } });
