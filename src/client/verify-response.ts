/**
 * `verifyResponse`: checks that a response is signed (RFC 9421) by a key
 * the client trusts, recently, over its status, its body (Content-Digest,
 * RFC 9530) and the request it answers (`;req` components, §2.4), so that
 * neither a changed response nor one replayed from another request passes.
 * WebCrypto only, like the rest of `signwire/client`.
 *
 * Checks run in the server's order, each only if the previous passed: parse
 * → key lookup (the key's `alg` over the signature's) → covered components
 * → window (`created`, `expires`) → Content-Digest → signature. Each failure
 * is a `SignatureError` with the server's codes (`ERR_SIG_*`).
 */
import { SignwireError } from '../errors.ts';
import { SignatureError } from '../sign/errors.ts';
import type { ComponentInput } from '../sign/rfc9421/component-identifier.ts';
import type { RequestMessage, ResponseMessage } from '../sign/rfc9421/message.ts';
import { signatureBase, signatureBaseBytes } from '../sign/rfc9421/signature-base.ts';
import { parseSignatureFields, type SignatureEntry } from '../sign/rfc9421/signature-fields.ts';
import { headerFields, type HeaderInput } from './request-input.ts';
import { requestMessage } from './request-message.ts';
import { checkCovered, requiredComponents } from './required-components.ts';
import { readResponse, type FetchResponse, type ResponseInput } from './response-input.ts';
import { keyLookup, type KeyOptions, type ResolvedKey } from './response-keys.ts';
import { checkContentDigest } from './verify-content-digest.ts';
import { importVerifyingKey, verifyBytes } from './verifying-key.ts';
import type { ClientAlgorithm } from './webcrypto-algorithms.ts';

/** The request the response answers, as it was sent. */
export interface SentRequest {
  readonly method: string;
  /** The absolute URL (http: or https:). */
  readonly url: string | URL;
  /** The headers sent, including those `signRequest` added (for `"signature";req`). */
  readonly headers?: HeaderInput | undefined;
}

export interface VerifyResponseOptions extends KeyOptions {
  /** The request that was sent, for the `;req` components. */
  readonly request: SentRequest;
  /** Components the signature must cover; default `"@status"` and `"@method" "@authority" "@path" "@query"` with `;req`. */
  readonly require?: readonly ComponentInput[] | undefined;
  /** Verify the signature with this label; default the first one. */
  readonly label?: string | undefined;
  /** Accepted clock difference in seconds, both directions; default 300. */
  readonly window?: number | undefined;
  /** The clock, in ms since the epoch (for tests); default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** What was verified. */
export interface VerifiedResponse {
  readonly keyId: string;
  readonly alg: ClientAlgorithm;
  readonly label: string;
  /** When the response was signed, in seconds since the epoch. */
  readonly created: number;
}

const DEFAULT_WINDOW_SECONDS = 300;

/**
 * Resolves with what was verified, or rejects with a `SignatureError`
 * (`ERR_SIG_*`); bad options reject with `ERR_INVALID_OPTION` or
 * `ERR_INVALID_KEY`. A fetch `Response` is cloned, so its body can still be
 * read afterwards.
 *
 * @example
 * const request = { method: 'POST', url: 'https://api.example.com/orders', headers: { ...headers, ...signed } };
 * const res = await fetch(request.url, { ...request, body });
 * const { keyId } = await verifyResponse(res, { request, key: serverPublicPem, alg: 'ed25519' });
 */
export async function verifyResponse(response: FetchResponse | ResponseInput, options: VerifyResponseOptions): Promise<VerifiedResponse> {
  const policy = checkOptions(options);
  const read = await readResponse(response);
  const message: ResponseMessage = { status: read.status, header: (name) => read.fields.get(name), request: policy.request };
  const entry = pickEntry(parseSignatureFields(read.fields.get('signature-input'), read.fields.get('signature')), options.label);
  const { keyid, created } = requireParams(entry);
  const key = await policy.lookup(keyid);
  if (entry.params.alg !== undefined && entry.params.alg !== key.alg) {
    throw new SignatureError('ERR_SIG_ALG_MISMATCH', `alg "${entry.params.alg}" does not match the key's algorithm`);
  }
  checkCovered(entry, policy.required, read.body.length > 0, policy.request.header('signature'));
  checkWindow(entry, created, policy);
  if (digestApplies(entry, read.body, policy.request)) await checkContentDigest(read.fields.get('content-digest'), read.body);
  await checkSignature(message, entry, key);
  return { keyId: keyid, alg: key.alg, label: entry.label, created };
}

interface Policy {
  readonly request: RequestMessage;
  readonly lookup: (keyId: string) => Promise<ResolvedKey>;
  readonly required: ReturnType<typeof requiredComponents>;
  readonly windowSeconds: number;
  readonly now: () => number;
}

function checkOptions(options: VerifyResponseOptions): Policy {
  if (typeof options !== 'object' || options === null) throw invalid('verifyResponse needs options { request, key, alg } or { request, keys }');
  const windowSeconds = options.window ?? DEFAULT_WINDOW_SECONDS;
  if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw invalid(`verifyResponse "window" must be a positive number of seconds, got ${String(windowSeconds)}`);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw invalid('verifyResponse "now" must be a function returning ms since the epoch');
  return { request: sentRequest(options.request), lookup: keyLookup(options), required: requiredComponents(options.require), windowSeconds, now };
}

/** The request as components see it; ERR_INVALID_OPTION unless it has a method and an absolute http(s) URL. */
function sentRequest(request: SentRequest): RequestMessage {
  if (typeof request !== 'object' || request === null || typeof request.method !== 'string' || request.method === '') {
    throw invalid('verifyResponse needs "request": the { method, url, headers } that was sent');
  }
  try {
    return requestMessage(request.method, new URL(request.url), headerFields(request.headers));
  } catch (error) {
    throw invalid(`verifyResponse "request.url" must be an absolute http: or https: URL (${error instanceof Error ? error.message : String(error)})`);
  }
}

function pickEntry(entries: readonly SignatureEntry[], label: string | undefined): SignatureEntry {
  const entry = label === undefined ? entries[0] : entries.find((e) => e.label === label);
  if (entry === undefined) throw new SignatureError('ERR_SIG_MISSING', label === undefined ? 'no signature' : `no signature labelled "${label}"`);
  return entry;
}

function requireParams(entry: SignatureEntry): { keyid: string; created: number } {
  const { keyid, created } = entry.params;
  if (keyid === undefined || created === undefined) {
    throw new SignatureError('ERR_SIG_MALFORMED', `signature "${entry.label}" lacks ${keyid === undefined ? 'keyid' : 'created'}`);
  }
  return { keyid, created };
}

function checkWindow(entry: SignatureEntry, created: number, policy: Policy): void {
  const now = Math.floor(policy.now() / 1000);
  if (Math.abs(now - created) > policy.windowSeconds) {
    throw new SignatureError('ERR_SIG_EXPIRED', `created is ${now - created} s from the client's clock; the window is ±${policy.windowSeconds} s`);
  }
  const expires = entry.params.expires;
  if (expires !== undefined && now > expires) throw new SignatureError('ERR_SIG_EXPIRED', 'the signature has expired');
}

/** A body is checked against Content-Digest; so is an empty one the signature says has a digest (not a HEAD answer's). */
function digestApplies(entry: SignatureEntry, body: Uint8Array, request: RequestMessage): boolean {
  if (body.length > 0) return true;
  return request.method !== 'HEAD' && entry.components.some((c) => c.name === 'content-digest' && c.params?.req === undefined && c.params?.key === undefined);
}

async function checkSignature(message: ResponseMessage, entry: SignatureEntry, key: ResolvedKey): Promise<void> {
  const base = signatureBase(message, entry.components, entry.params);
  const cryptoKey = await importVerifyingKey(key.alg, key.key);
  if (!(await verifyBytes(key.alg, cryptoKey, signatureBaseBytes(base), entry.signature))) {
    throw new SignatureError('ERR_SIG_INVALID', 'signature does not match the response');
  }
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', message);
}
