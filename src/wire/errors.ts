/**
 * Errors of the wire layer. A `ParseError` means the peer sent something we
 * refuse; it carries the status code to answer with before closing. A
 * `WireUsageError` means the program using the server did something the
 * protocol does not allow (a CR in a header value, writing after `end()`).
 */
import { SignwireError, type WireErrorCode } from '../errors.ts';

/**
 * A request the parser refuses. `status` is what the connection answers
 * (400, 413, 414, 431, 501, 505) before it half-closes.
 *
 * @example
 * if (err instanceof ParseError) console.log(err.status, err.code); // 400 'ERR_HTTP_HEADER'
 */
export class ParseError extends SignwireError {
  readonly status: number;
  declare readonly code: WireErrorCode;

  constructor(code: WireErrorCode, status: number, message: string) {
    super(code, message);
    this.status = status;
  }
}

/**
 * A programming error against the response API: invalid outgoing headers,
 * writes after the end, headers set after they were sent.
 *
 * @example
 * res.setHeader('X-Bad', 'a\r\nInjected: yes'); // throws WireUsageError ERR_HTTP_INVALID_HEADER
 */
export class WireUsageError extends SignwireError {
  declare readonly code: WireErrorCode;

  constructor(code: WireErrorCode, message: string) {
    super(code, message);
  }
}
