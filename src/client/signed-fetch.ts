/**
 * `signedFetch`: a `fetch` that signs every call with `signRequest`. The
 * call is first turned into a `Request`, exactly as fetch would send it
 * (method, URL, headers, and the default Content-Type of a text or form
 * body), then its body is read and hashed, the signature headers added,
 * and the request sent with the same bytes.
 *
 * The body must be known before sending: a string, bytes, an ArrayBuffer,
 * URLSearchParams, a Blob or FormData. A ReadableStream is refused.
 *
 * With `verifyResponse`, each response is checked against the request as
 * sent (the check needs its signature headers, which only this fetch
 * sees), and the call rejects with `ERR_SIG_*` when the response is not
 * signed by a trusted key for this request (see response-check.ts).
 */
import { SignwireError } from '../errors.ts';
import { askIdentity, responseCheck, type ResponseCheck, type ResponseCheckOptions } from './response-check.ts';
import { signRequest, type SignRequestOptions } from './sign-request.ts';
import { importSigningKey, type WebCryptoKey } from './signing-key.ts';

export interface SignedFetchOptions extends Omit<SignRequestOptions, 'nonce' | 'created' | 'expires'> {
  /** The fetch to send with; default `globalThis.fetch`. */
  readonly fetch?: typeof fetch | undefined;
  /** How long each signature is valid, in seconds (sets `expires`); default none. */
  readonly expiresIn?: number | undefined;
  /** Verify every response (`verifyResponse`, keys and policy as there); default none. */
  readonly verifyResponse?: ResponseCheckOptions | undefined;
}

/**
 * A fetch that signs every request: a fresh `created` and nonce per call,
 * so a retry is signed again rather than replayed.
 *
 * @example
 * const api = signedFetch({ keyId: 'partner-a', key: privateKeyPem, alg: 'ed25519' });
 * const res = await api('https://api.example.com/orders', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ sku: 'tea', qty: 2 }),
 * });
 *
 * @example
 * // Also check that each answer is the server's, for this request (signResponses on the server):
 * const api = signedFetch({ keyId: 'partner-a', key: secret, alg: 'hmac-sha256', verifyResponse: { key: serverPublicPem, alg: 'ed25519' } });
 * const res = await api('https://api.example.com/orders/7'); // rejects with ERR_SIG_* when the answer does not verify
 */
export function signedFetch(options: SignedFetchOptions): typeof fetch {
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== 'function') throw new SignwireError('ERR_INVALID_OPTION', 'signedFetch needs a fetch: pass { fetch } where there is no global fetch');
  const check: ResponseCheck | undefined = options.verifyResponse === undefined ? undefined : responseCheck(options.verifyResponse);
  const { fetch: _fetch, expiresIn, verifyResponse: _check, ...signing } = options;
  let key: Promise<WebCryptoKey> | undefined;
  const signed = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    rejectStream(init?.body);
    const prepared = new Request(input, init);
    const body = prepared.body === null ? undefined : new Uint8Array(await prepared.clone().arrayBuffer());
    const headers = new Headers(prepared.headers);
    if (check !== undefined) askIdentity(headers);
    key ??= importSigningKey(options.alg, options.key);
    const expires = expiresIn === undefined ? undefined : Math.floor(Date.now() / 1000) + expiresIn;
    const added = await signRequest({ method: prepared.method, url: prepared.url, headers, body }, { ...signing, key: await key, expires });
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
    const response = await send(new Request(prepared, { headers, ...(body !== undefined && { body }) }));
    if (check !== undefined) await check(response, { method: prepared.method, url: prepared.url, headers });
    return response;
  };
  return signed as typeof fetch;
}

function rejectStream(body: unknown): void {
  const isStream = typeof body === 'object' && body !== null && typeof (body as { getReader?: unknown }).getReader === 'function';
  if (isStream) {
    throw new SignwireError(
      'ERR_INVALID_OPTION',
      'signedFetch cannot sign a ReadableStream body: the body is hashed into Content-Digest before sending; pass a string, bytes, Blob, FormData or URLSearchParams',
    );
  }
}
