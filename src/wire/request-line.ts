/**
 * The request line, parsed from the head's text (one byte per char).
 *
 * RFC 9112 §3:
 *   request-line   = method SP request-target SP HTTP-version
 *   method         = token
 *   HTTP-version   = HTTP-name "/" DIGIT "." DIGIT
 *   request-target = origin-form / absolute-form / authority-form / asterisk-form
 *
 * Exactly one SP between the parts; no leading or trailing whitespace.
 */
import { ParseError } from './errors.ts';
import { KNOWN_METHODS } from './methods.ts';
import { SP, TARGET, TCHAR, lineEndingError } from './tokens.ts';

export interface RequestLine {
  readonly method: string;
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minorVersion: number;
}

/** Parses `text[start, end)` (the line without its CRLF). Throws `ParseError`. */
export function parseRequestLine(text: string, start: number, end: number, maxTargetBytes: number): RequestLine {
  const common = commonMethod(text, start);
  let i = start + (common?.length ?? 0);
  while (i < end && TCHAR[text.charCodeAt(i)] === 1) i++;
  if (i === start || i >= end || text.charCodeAt(i) !== SP) {
    throw lineEndingError(text, i, end) ?? new ParseError('ERR_HTTP_METHOD', 400, 'malformed method in request line');
  }
  const method = common !== undefined && i === start + common.length ? common : text.substring(start, i);
  const targetStart = ++i;
  while (i < end && TARGET[text.charCodeAt(i)] === 1) i++;
  const targetEnd = i;
  if (targetEnd - targetStart > maxTargetBytes) {
    throw new ParseError('ERR_HTTP_URI_TOO_LONG', 414, 'request-target is longer than the limit');
  }
  if (targetEnd === targetStart || i >= end || text.charCodeAt(i) !== SP) {
    throw lineEndingError(text, i, end) ?? new ParseError('ERR_HTTP_TARGET', 400, 'malformed request-target');
  }
  const minorVersion = parseVersion(text, i + 1, end);
  if (method !== common && !KNOWN_METHODS.has(method)) {
    throw new ParseError('ERR_HTTP_METHOD_NOT_IMPLEMENTED', 501, `method ${method} is not implemented`);
  }
  const target = text.substring(targetStart, targetEnd);
  checkTargetForm(method, target);
  return { method, target, minorVersion };
}

/**
 * The method at `start` when it begins like one of the everyday methods, as
 * the literal (no substring made, no set lookup); the caller still checks
 * that a space follows. Checked on char codes: this runs for every request.
 */
function commonMethod(text: string, start: number): string | undefined {
  switch (text.charCodeAt(start)) {
    case 0x47: // G
      return startsWithAt(text, start, 'GET') ? 'GET' : undefined;
    case 0x50: // P
      if (startsWithAt(text, start, 'POST')) return 'POST';
      if (startsWithAt(text, start, 'PUT')) return 'PUT';
      return startsWithAt(text, start, 'PATCH') ? 'PATCH' : undefined;
    case 0x48: // H
      return startsWithAt(text, start, 'HEAD') ? 'HEAD' : undefined;
    case 0x44: // D
      return startsWithAt(text, start, 'DELETE') ? 'DELETE' : undefined;
    case 0x4f: // O
      return startsWithAt(text, start, 'OPTIONS') ? 'OPTIONS' : undefined;
    default:
      return undefined;
  }
}

function startsWithAt(text: string, start: number, literal: string): boolean {
  for (let i = 0; i < literal.length; i++) {
    if (text.charCodeAt(start + i) !== literal.charCodeAt(i)) return false;
  }
  return true;
}

function parseVersion(text: string, start: number, end: number): number {
  if (end - start !== 8 || !text.startsWith('HTTP/', start) || text.charCodeAt(start + 6) !== 0x2e) {
    throw lineEndingError(text, firstLineEnding(text, start, end), end) ?? badVersion();
  }
  const major = text.charCodeAt(start + 5) - 0x30;
  const minor = text.charCodeAt(start + 7) - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) throw badVersion();
  if (major !== 1) {
    throw new ParseError('ERR_HTTP_VERSION_NOT_SUPPORTED', 505, `HTTP/${major}.${minor} is not supported`);
  }
  // RFC 9110 §2.5: a higher minor version is processed as the highest we implement.
  return minor === 0 ? 0 : 1;
}

/** Offset of the first CR or LF in `text[start, end)`, or `end`. */
function firstLineEnding(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0d || code === 0x0a) return i;
  }
  return end;
}

function badVersion(): ParseError {
  return new ParseError('ERR_HTTP_VERSION', 400, 'malformed HTTP version');
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/;

/** RFC 9112 §3.2: which target form each method may use. */
function checkTargetForm(method: string, target: string): void {
  if (method === 'CONNECT') {
    throw new ParseError('ERR_HTTP_METHOD_NOT_IMPLEMENTED', 501, 'CONNECT is not implemented: this server does not tunnel');
  }
  if (target.charCodeAt(0) === 0x2f) return; // origin-form: "/" ...
  if (target === '*') {
    if (method === 'OPTIONS') return; // asterisk-form
    throw new ParseError('ERR_HTTP_TARGET', 400, 'asterisk-form is only for OPTIONS');
  }
  if (ABSOLUTE_FORM.test(target)) {
    // RFC 9110 §4.2.4: a recipient SHOULD parse for userinfo and treat its presence as an error.
    const authorityStart = target.indexOf('://') + 3;
    const authorityEnd = target.slice(authorityStart).search(/[/?#]/);
    const authority = authorityEnd === -1 ? target.slice(authorityStart) : target.slice(authorityStart, authorityStart + authorityEnd);
    if (authority.includes('@')) throw new ParseError('ERR_HTTP_TARGET', 400, 'userinfo is not allowed in the request-target');
    return;
  }
  throw new ParseError('ERR_HTTP_TARGET', 400, 'request-target must be origin-form, absolute-form or "*"');
}
