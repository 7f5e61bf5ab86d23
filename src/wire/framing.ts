/**
 * What the header fields of a request mean for the connection: how its body
 * is framed, whether the connection persists, what it expects, and whether
 * its Host is acceptable. Pure: header pairs in, a decision (or a
 * `ParseError`) out.
 *
 * RFC 9112 §6.1: "A server MAY reject a request that contains both
 * Content-Length and Transfer-Encoding or process such a request in
 * accordance with the Transfer-Encoding alone." We reject: it is the classic
 * request-smuggling vector.
 * RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a
 * request and the chunked transfer coding is not the final encoding, the
 * message body length cannot be determined reliably; the server MUST
 * respond with the 400 (Bad Request) status code and then close the
 * connection."
 * RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code
 * to any HTTP/1.1 request message that lacks a Host header field and to any
 * request message that contains more than one Host header field line or a
 * Host header field with an invalid field value."
 */
import { ParseError } from './errors.ts';
import { equalsLowerCase } from './tokens.ts';

export interface Framing {
  /** Body length from Content-Length; -1 when there is none (chunked, or no body). */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** True when the connection may carry another request after this one. */
  readonly keepAlive: boolean;
  /** The Expect field value, lower-cased, when present. */
  readonly expect: string | undefined;
  /** The Host field value, when present (checked). */
  readonly host: string | undefined;
}

const MAX_CONTENT_LENGTH_DIGITS = 15; // 10^15 - 1 < Number.MAX_SAFE_INTEGER

/**
 * Decides framing for `rawHeaders` (flat name/value pairs) of a request with
 * the given minor version. `checkedHost` is a Host value already found valid
 * (a connection's clients send the same one every time): equal, it is not
 * scanned again.
 */
export function decideFraming(rawHeaders: readonly string[], minorVersion: number, checkedHost?: string): Framing {
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection = '';
  let expect: string | undefined;
  let host: string | undefined;
  let hostCount = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    switch (name.length) {
      case 4:
        if (equalsLowerCase(name, 'host')) {
          hostCount++;
          if (checkedHost !== undefined && sameChars(value, checkedHost)) {
            host = checkedHost; // the same string back: the caller's own comparison is then by identity
          } else {
            checkHost(value);
            host = value;
          }
        }
        break;
      case 6:
        if (equalsLowerCase(name, 'expect')) expect = value.toLowerCase();
        break;
      case 10:
        if (equalsLowerCase(name, 'connection')) connection += `${value.toLowerCase()},`;
        break;
      case 14:
        if (equalsLowerCase(name, 'content-length')) {
          if (contentLength !== -1) throw badLength('duplicate Content-Length');
          contentLength = parseContentLength(value);
        }
        break;
      case 17:
        if (equalsLowerCase(name, 'transfer-encoding')) {
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
        }
        break;
    }
  }
  if (minorVersion === 1 && hostCount !== 1) {
    throw new ParseError('ERR_HTTP_HOST', 400, hostCount === 0 ? 'missing Host header' : 'more than one Host header');
  }
  if (hostCount > 1) throw new ParseError('ERR_HTTP_HOST', 400, 'more than one Host header');
  const chunked = transferEncoding !== undefined && checkTransferEncoding(transferEncoding, minorVersion, contentLength);
  return { contentLength, chunked, keepAlive: decideKeepAlive(connection, minorVersion), expect, host };
}

/**
 * `a === b`, compared char by char here: `a` is a slice of a request's text,
 * which V8's own string comparison handles in its runtime, several times slower.
 */
function sameChars(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  }
  return true;
}

/** RFC 9110 §8.6: Content-Length = 1*DIGIT. No sign, no list, no whitespace inside. */
function parseContentLength(value: string): number {
  if (value.length === 0) throw badLength('empty Content-Length');
  if (value.length > MAX_CONTENT_LENGTH_DIGITS) throw badLength('Content-Length is too large');
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) throw badLength('invalid character in Content-Length');
    n = n * 10 + digit;
  }
  return n;
}

function badLength(message: string): ParseError {
  return new ParseError('ERR_HTTP_CONTENT_LENGTH', 400, message);
}

/**
 * RFC 9112 §6.1 / §7: transfer-coding list; only `chunked` is implemented, and it must come last.
 * Returns true (the body is chunked) or throws.
 */
function checkTransferEncoding(value: string, minorVersion: number, contentLength: number): boolean {
  const bad = (message: string): ParseError => new ParseError('ERR_HTTP_TRANSFER_ENCODING', 400, message);
  if (contentLength !== -1) throw bad('Transfer-Encoding together with Content-Length');
  if (minorVersion === 0) throw bad('Transfer-Encoding in an HTTP/1.0 request');
  const codings = value.split(',').map((part) => part.trim().toLowerCase());
  if (codings.some((coding) => coding === '')) throw bad('empty transfer coding');
  const last = codings[codings.length - 1];
  if (last !== 'chunked') throw bad('the final transfer coding is not chunked');
  if (codings.length > 1) {
    if (codings.slice(0, -1).includes('chunked')) throw bad('chunked applied more than once');
    throw new ParseError('ERR_HTTP_CODING_NOT_IMPLEMENTED', 501, `transfer coding "${codings[0]}" is not implemented`);
  }
  return true;
}

/** RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive". */
function decideKeepAlive(connection: string, minorVersion: number): boolean {
  if (connection === '') return minorVersion === 1;
  const options = connection.split(',').map((option) => option.trim());
  if (options.includes('close')) return false;
  return minorVersion === 1 || options.includes('keep-alive');
}

/**
 * RFC 9110 §7.2 / RFC 3986 §3.2.2: Host = uri-host [ ":" port ].
 * A reg-name (unreserved, pct-encoded, sub-delims) or IPv4 address, or an
 * IP-literal in brackets, then an optional numeric port.
 */
const REG_NAME = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%!$&'()*+,;=") {
  REG_NAME[char.charCodeAt(0)] = 1;
}
const IP_LITERAL = /^\[[0-9A-Fa-f:.vV]+\](?::[0-9]*)?$/;

function checkHost(value: string): void {
  if (value.charCodeAt(0) === 0x5b) {
    if (IP_LITERAL.test(value)) return;
    throw badHost();
  }
  let i = 0;
  while (i < value.length && REG_NAME[value.charCodeAt(i)] === 1) i++;
  if (i < value.length && value.charCodeAt(i) === 0x3a) {
    for (i++; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code < 0x30 || code > 0x39) throw badHost();
    }
  }
  if (i !== value.length) throw badHost();
}

function badHost(): ParseError {
  return new ParseError('ERR_HTTP_HOST', 400, 'invalid Host header');
}
