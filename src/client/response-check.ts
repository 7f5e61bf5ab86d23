/**
 * The response check of `signedFetch({ verifyResponse })`: each response is
 * verified (`verifyResponse`) against the request exactly as it was signed
 * and sent, its headers included, so the `;req` components and
 * `"signature";req` line up with what the server signed.
 *
 * `Content-Digest` is over the bytes as sent, while fetch decodes a
 * `Content-Encoding` before the body can be read: with a check, a request
 * that names no `Accept-Encoding` asks for `identity`. (Browsers do not let
 * a page set that field: there, a server that compresses signed answers
 * fails the check with `ERR_SIG_DIGEST`.)
 *
 * A response that fails is refused: its body is cancelled, so the
 * connection is freed, and the call rejects with the `SignatureError`
 * (`ERR_SIG_*`).
 */
import { SignwireError } from '../errors.ts';
import { keyLookup } from './response-keys.ts';
import { verifyResponse, type VerifyResponseOptions } from './verify-response.ts';

/** What to check responses with: `verifyResponse`'s options without `request`, which `signedFetch` fills in. */
export type ResponseCheckOptions = Omit<VerifyResponseOptions, 'request'>;

/** Verifies one response to the request that was sent; rejects when it fails. */
export type ResponseCheck = (response: Response, request: { method: string; url: string; headers: Headers }) => Promise<void>;

/**
 * A check for `options`; its keys are checked now (`ERR_INVALID_OPTION`), not on the first response.
 *
 * @example
 * const check = responseCheck({ key: serverPublicPem, alg: 'ed25519' });
 * await check(await fetch(request), { method: 'GET', url, headers });
 */
export function responseCheck(options: ResponseCheckOptions): ResponseCheck {
  if (typeof options !== 'object' || options === null) {
    throw new SignwireError('ERR_INVALID_OPTION', 'signedFetch "verifyResponse" needs { key, alg } or { keys }');
  }
  keyLookup(options);
  return async (response, request) => {
    try {
      await verifyResponse(response, { ...options, request });
    } catch (error) {
      await response.body?.cancel().catch(() => undefined);
      throw error;
    }
  };
}

/**
 * Asks for the content as the server signed it, unless the caller chose an encoding.
 *
 * @example
 * const headers = new Headers(); askIdentity(headers); headers.get('accept-encoding'); // 'identity'
 */
export function askIdentity(headers: Headers): void {
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'identity');
}
