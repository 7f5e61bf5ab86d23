/**
 * The one error base of signwire. Every layer has its own family
 * (`ParseError` for the wire, `HttpError` for the app, `SignatureError` for
 * signing), and every error carries a stable `code` that tests, docs and
 * clients can rely on. Messages are for people; codes are for programs.
 */

/** Codes raised by the wire layer (the HTTP/1.1 parser, writer and connection). */
export type WireErrorCode =
  | 'ERR_HTTP_METHOD'
  | 'ERR_HTTP_METHOD_NOT_IMPLEMENTED'
  | 'ERR_HTTP_TARGET'
  | 'ERR_HTTP_URI_TOO_LONG'
  | 'ERR_HTTP_VERSION'
  | 'ERR_HTTP_VERSION_NOT_SUPPORTED'
  | 'ERR_HTTP_LINE_ENDING'
  | 'ERR_HTTP_HEADER'
  | 'ERR_HTTP_HEADERS_TOO_LARGE'
  | 'ERR_HTTP_HOST'
  | 'ERR_HTTP_CONTENT_LENGTH'
  | 'ERR_HTTP_TRANSFER_ENCODING'
  | 'ERR_HTTP_CODING_NOT_IMPLEMENTED'
  | 'ERR_HTTP_CHUNK'
  | 'ERR_HTTP_BODY_TOO_LARGE'
  | 'ERR_HTTP_EXPECTATION'
  | 'ERR_HTTP_HEADERS_TIMEOUT'
  | 'ERR_HTTP_BODY_TIMEOUT'
  | 'ERR_HTTP_INCOMPLETE_BODY'
  | 'ERR_HTTP_UNAVAILABLE'
  | 'ERR_HTTP_INVALID_HEADER'
  | 'ERR_HTTP_RESPONSE_STATE'
  | 'ERR_HTTP_BODY_CONSUMED'
  | 'ERR_INVALID_OPTION';

/** Codes raised by the app layer (routing, bodies, cookies, files). */
export type AppErrorCode =
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_BAD_PATH'
  | 'ERR_BAD_QUERY'
  | 'ERR_BODY_JSON'
  | 'ERR_BODY_FORM'
  | 'ERR_FORM_LIMIT'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_RANGE_NOT_SATISFIABLE'
  | 'ERR_PRECONDITION_FAILED'
  | 'ERR_NEXT_CALLED_TWICE'
  | 'ERR_INVALID_COOKIE';

/** Codes raised by the signing layer (verification and replay protection). */
export type SignatureErrorCode =
  | 'ERR_SIG_MISSING'
  | 'ERR_SIG_MALFORMED'
  | 'ERR_SIG_UNKNOWN_KEY'
  | 'ERR_SIG_ALG_MISMATCH'
  | 'ERR_SIG_COMPONENTS'
  | 'ERR_SIG_EXPIRED'
  | 'ERR_SIG_DIGEST'
  | 'ERR_SIG_INVALID'
  | 'ERR_SIG_REPLAYED'
  | 'ERR_SIG_STORE_UNAVAILABLE';

/** Codes shared by every layer. */
export type CommonErrorCode = 'ERR_INTERNAL' | 'ERR_INVALID_KEY';

/** Every stable error code signwire produces. Each one is documented in docs/errors.md. */
export type ErrorCode = WireErrorCode | AppErrorCode | SignatureErrorCode | CommonErrorCode;

/**
 * Base class of every error signwire throws on purpose.
 *
 * @example
 * try { parser.push(bytes); } catch (err) {
 *   if (err instanceof SignwireError) console.log(err.code);
 * }
 */
export class SignwireError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
