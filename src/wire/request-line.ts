/**
 * The request line, parsed from bytes.
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
import { SP, TARGET, TCHAR } from './tokens.ts';

export interface RequestLine {
  readonly method: string;
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minorVersion: number;
}

const VERSION_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

/** Parses `buf[start, end)` (the line without its CRLF). Throws `ParseError`. */
export function parseRequestLine(buf: Buffer, start: number, end: number, maxTargetBytes: number): RequestLine {
  let i = start;
  while (i < end && TCHAR[buf[i]!] === 1) i++;
  if (i === start || i >= end || buf[i] !== SP) {
    throw new ParseError('ERR_HTTP_METHOD', 400, 'malformed method in request line');
  }
  const method = buf.toString('latin1', start, i);
  const targetStart = ++i;
  while (i < end && TARGET[buf[i]!] === 1) i++;
  const targetEnd = i;
  if (targetEnd - targetStart > maxTargetBytes) {
    throw new ParseError('ERR_HTTP_URI_TOO_LONG', 414, 'request-target is longer than the limit');
  }
  if (targetEnd === targetStart || i >= end || buf[i] !== SP) {
    throw new ParseError('ERR_HTTP_TARGET', 400, 'malformed request-target');
  }
  const minorVersion = parseVersion(buf, i + 1, end);
  if (!KNOWN_METHODS.has(method)) {
    throw new ParseError('ERR_HTTP_METHOD_NOT_IMPLEMENTED', 501, `method ${method} is not implemented`);
  }
  const target = buf.toString('latin1', targetStart, targetEnd);
  checkTargetForm(method, target);
  return { method, target, minorVersion };
}

function parseVersion(buf: Buffer, start: number, end: number): number {
  if (end - start !== 8) throw badVersion();
  for (let k = 0; k < 5; k++) if (buf[start + k] !== VERSION_PREFIX[k]) throw badVersion();
  const major = buf[start + 5]! - 0x30;
  const minor = buf[start + 7]! - 0x30;
  if (major < 0 || major > 9 || buf[start + 6] !== 0x2e || minor < 0 || minor > 9) throw badVersion();
  if (major !== 1) {
    throw new ParseError('ERR_HTTP_VERSION_NOT_SUPPORTED', 505, `HTTP/${major}.${minor} is not supported`);
  }
  // RFC 9110 §2.5: a higher minor version is processed as the highest we implement.
  return minor === 0 ? 0 : 1;
}

function badVersion(): ParseError {
  return new ParseError('ERR_HTTP_VERSION', 400, 'malformed HTTP version');
}

/** RFC 9112 §3.2: which target form each method may use. */
function checkTargetForm(method: string, target: string): void {
  if (method === 'CONNECT') {
    throw new ParseError('ERR_HTTP_METHOD_NOT_IMPLEMENTED', 501, 'CONNECT is not implemented: this server does not tunnel');
  }
  const first = target.charCodeAt(0);
  if (first === 0x2f) return; // origin-form: "/" ...
  if (target === '*') {
    if (method === 'OPTIONS') return; // asterisk-form
    throw new ParseError('ERR_HTTP_TARGET', 400, 'asterisk-form is only for OPTIONS');
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/.test(target)) return; // absolute-form
  throw new ParseError('ERR_HTTP_TARGET', 400, 'request-target must be origin-form, absolute-form or "*"');
}
