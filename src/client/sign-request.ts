/**
 * `signRequest`: the headers that sign one request with the signwire
 * profile of RFC 9421. Pure apart from WebCrypto and the clock: the
 * signature base comes from the same code the server verifies with
 * (src/sign/rfc9421), so client and server cannot drift.
 *
 *   Content-Digest:  sha-256=:…:                       (with a body, RFC 9530)
 *   Signature-Input: sig1=("@method" "@authority" "@path" "@query"
 *                    "content-digest" "content-type");created=…;nonce="…";keyid="…";alg="…"
 *   Signature:       sig1=:…:
 */
import { SignwireError } from '../errors.ts';
import type { ComponentInput } from '../sign/rfc9421/component-identifier.ts';
import { signatureBase, signatureBaseBytes } from '../sign/rfc9421/signature-base.ts';
import { serializeSignature, serializeSignatureInput } from '../sign/rfc9421/signature-fields.ts';
import type { SignatureParams } from '../sign/rfc9421/signature-params.ts';
import { encodeBase64 } from '../sign/structured-fields/base64.ts';
import { sha256ContentDigest } from './content-digest.ts';
import { bodyBytes, headerFields, type BodyInput, type HeaderInput } from './request-input.ts';
import { requestMessage } from './request-message.ts';
import { importSigningKey, signBytes, type SigningKey } from './signing-key.ts';
import { WEBCRYPTO_ALGORITHMS, isClientAlgorithm, type ClientAlgorithm } from './webcrypto-algorithms.ts';

/** The request to sign, as it will be sent. */
export interface SignRequestInput {
  readonly method: string;
  /** The absolute URL (http: or https:). */
  readonly url: string | URL;
  readonly headers?: HeaderInput | undefined;
  /** The exact body: text (sent as UTF-8) or bytes. */
  readonly body?: BodyInput | null | undefined;
}

export interface SignRequestOptions {
  /** The key id the server knows the key by (`keyid`). */
  readonly keyId: string;
  /** hmac-sha256: the secret (a string is its UTF-8 bytes); others: a PKCS#8 PEM private key; or a `CryptoKey`. */
  readonly key: SigningKey;
  readonly alg: ClientAlgorithm;
  /**
   * The covered components besides the body's; default `"@method" "@authority" "@path" "@query"`.
   * With a body, `"content-digest"` and (when the request has one) `"content-type"` are added.
   */
  readonly components?: readonly ComponentInput[] | undefined;
  /** The `nonce` parameter; default 16 random bytes, base64url. `false` leaves it out (the signwire server requires one). */
  readonly nonce?: string | false | undefined;
  /** The `created` parameter, in seconds since the epoch; default now. */
  readonly created?: number | undefined;
  /** The `expires` parameter, in seconds since the epoch; default none. */
  readonly expires?: number | undefined;
  /** Whether to send the `alg` parameter; default true. */
  readonly includeAlg?: boolean | undefined;
  /** The signature label; default `sig1`. */
  readonly label?: string | undefined;
  /** The `tag` parameter (an application-specific profile name); default none. */
  readonly tag?: string | undefined;
}

/**
 * The covered components of the signwire profile, before the body's.
 *
 * @example
 * signRequest(req, { keyId, key, alg, components: [...PROFILE_COMPONENTS, 'x-tenant'] });
 */
export const PROFILE_COMPONENTS: readonly string[] = Object.freeze(['@method', '@authority', '@path', '@query']);

/**
 * The headers to add to a request to sign it: `Content-Digest` (with a
 * body), `Signature-Input` and `Signature`. Each call makes a fresh nonce
 * and `created`, so a retried request is signed again, not replayed.
 *
 * @example
 * const body = JSON.stringify({ sku: 'tea', qty: 2 });
 * const headers = { 'content-type': 'application/json' };
 * const added = await signRequest(
 *   { method: 'POST', url: 'https://api.example.com/orders', headers, body },
 *   { keyId: 'partner-a', key: process.env.PARTNER_SECRET!, alg: 'hmac-sha256' },
 * );
 * await fetch('https://api.example.com/orders', { method: 'POST', headers: { ...headers, ...added }, body });
 */
export async function signRequest(request: SignRequestInput, options: SignRequestOptions): Promise<Record<string, string>> {
  const alg = checkOptions(options);
  const fields = headerFields(request.headers);
  const body = bodyBytes(request.body);
  const added: Record<string, string> = {};
  if (body !== undefined) {
    added['Content-Digest'] = await sha256ContentDigest(body);
    fields.set('content-digest', added['Content-Digest']);
  }
  const message = requestMessage(request.method, new URL(request.url), fields);
  const components = coveredComponents(options.components ?? PROFILE_COMPONENTS, body !== undefined, fields);
  const params = signatureParams(options);
  const label = options.label ?? 'sig1';
  const base = signatureBase(message, components, params);
  const key = await importSigningKey(alg, options.key);
  const signature = await signBytes(alg, key, signatureBaseBytes(base));
  added['Signature-Input'] = serializeSignatureInput([{ label, components, params }]);
  added['Signature'] = serializeSignature([{ label, signature }]);
  return added;
}

/** The profile's components, plus the body's: content-digest, and content-type when there is one. */
function coveredComponents(base: readonly ComponentInput[], withBody: boolean, fields: ReadonlyMap<string, string>): ComponentInput[] {
  const components = [...base];
  const has = (name: string) => components.some((c) => (typeof c === 'string' ? c : c.name) === name);
  if (withBody && !has('content-digest')) components.push('content-digest');
  if (withBody && fields.has('content-type') && !has('content-type')) components.push('content-type');
  return components;
}

/* The parameters, in the order they appear in Signature-Input (the order is part of the signature base). */
function signatureParams(options: SignRequestOptions): SignatureParams {
  const nonce = options.nonce === undefined ? randomNonce() : options.nonce;
  return {
    created: options.created ?? Math.floor(Date.now() / 1000),
    ...(options.expires !== undefined && { expires: options.expires }),
    ...(nonce !== false && { nonce }),
    keyid: options.keyId,
    ...(options.includeAlg !== false && { alg: options.alg }),
    ...(options.tag !== undefined && { tag: options.tag }),
  };
}

/** 16 random bytes as base64url, without padding (22 characters). */
function randomNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return encodeBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function checkOptions(options: SignRequestOptions): ClientAlgorithm {
  if (typeof options !== 'object' || options === null) throw invalidOption('signRequest needs options { keyId, key, alg }');
  if (typeof options.keyId !== 'string' || options.keyId === '') throw invalidOption('signRequest needs a non-empty "keyId"');
  if (!isClientAlgorithm(options.alg)) {
    throw invalidOption(`signRequest "alg" must be one of ${Object.keys(WEBCRYPTO_ALGORITHMS).join(', ')}; got ${JSON.stringify(options.alg)}`);
  }
  if (options.key === undefined || options.key === null) throw new SignwireError('ERR_INVALID_KEY', `signRequest needs a "key" for ${options.alg}`);
  return options.alg;
}

function invalidOption(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', message);
}
