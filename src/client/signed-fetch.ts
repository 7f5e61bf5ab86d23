/**
 * `signedFetch`: a `fetch` that signs every call with `signRequest`. The
 * call is first turned into a `Request`, exactly as fetch would send it
 * (method, URL, headers, and the default Content-Type of a text or form
 * body), then its body is read and hashed, the signature headers added,
 * and the request sent with the same bytes.
 *
 * The body must be known before sending: a string, bytes, an ArrayBuffer,
 * URLSearchParams, a Blob or FormData. A ReadableStream is refused.
 */
import { SignwireError } from '../errors.ts';
import { signRequest, type SignRequestOptions } from './sign-request.ts';
import { importSigningKey, type WebCryptoKey } from './signing-key.ts';

export interface SignedFetchOptions extends Omit<SignRequestOptions, 'nonce' | 'created' | 'expires'> {
  /** The fetch to send with; default `globalThis.fetch`. */
  readonly fetch?: typeof fetch | undefined;
  /** How long each signature is valid, in seconds (sets `expires`); default none. */
  readonly expiresIn?: number | undefined;
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
 */
export function signedFetch(options: SignedFetchOptions): typeof fetch {
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== 'function') throw new SignwireError('ERR_INVALID_OPTION', 'signedFetch needs a fetch: pass { fetch } where there is no global fetch');
  let key: Promise<WebCryptoKey> | undefined;
  const signed = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    rejectStream(init?.body);
    const prepared = new Request(input, init);
    const body = prepared.body === null ? undefined : new Uint8Array(await prepared.clone().arrayBuffer());
    const headers = new Headers(prepared.headers);
    key ??= importSigningKey(options.alg, options.key);
    const { fetch: _fetch, expiresIn, ...rest } = options;
    const added = await signRequest(
      { method: prepared.method, url: prepared.url, headers, body },
      { ...rest, key: await key, ...(expiresIn !== undefined && { expires: Math.floor(Date.now() / 1000) + expiresIn }) },
    );
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
    return send(new Request(prepared, { headers, ...(body !== undefined && { body }) }));
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
