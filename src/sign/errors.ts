/**
 * Errors of the signing layer. Every verification failure is a
 * `SignatureError` with a stable code; the middleware answers it 401 (503
 * when the nonce store is unreachable) with `{ error: { code, message } }`
 * and an `Accept-Signature` header. Messages say what was wrong with the
 * request, never anything about the key or the expected signature.
 */
import { SignwireError, type SignatureErrorCode } from '../errors.ts';

export class SignatureError extends SignwireError {
  /** 401, or 503 for `ERR_SIG_STORE_UNAVAILABLE`. */
  readonly status: number;
  /** With `debug: true`, on `ERR_SIG_INVALID`: the signature base the server computed (RFC 9421, classic, webhooks). */
  readonly signatureBase: string | undefined;
  /**
   * With `debug: true`, on `ERR_SIG_INVALID`: what the server computed, by name, added to the 401 body
   * (`{ signatureBase }`, or SigV4's `{ canonicalRequest, stringToSign }`).
   */
  readonly debugInfo: Readonly<Record<string, string>> | undefined;
  declare readonly code: SignatureErrorCode;

  constructor(code: SignatureErrorCode, message: string, options: { signatureBase?: string; debugInfo?: Record<string, string>; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.status = code === 'ERR_SIG_STORE_UNAVAILABLE' ? 503 : 401;
    this.signatureBase = options.signatureBase;
    const base = options.signatureBase === undefined ? {} : { signatureBase: options.signatureBase };
    this.debugInfo = options.signatureBase === undefined && options.debugInfo === undefined ? undefined : Object.freeze({ ...base, ...options.debugInfo });
  }
}
