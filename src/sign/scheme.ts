/**
 * The scheme contract: how one way of signing requests (RFC 9421, the
 * classic sorted-params sign, SigV4, webhook signatures) verifies a request.
 * `verifySignature()` gives the scheme what it needs through a
 * `VerifyContext` and turns its `SignatureError`s into 401 / 503 answers.
 *
 * A scheme must check in this order: parse → key lookup → window → digest →
 * signature (constant-time) → nonce claim (only once the signature is
 * valid), so that an attacker cannot burn nonces with forged requests.
 */
import type { KeyConfig, KeySource } from './keys/key-config.ts';

/** What a scheme sees of the request. */
export interface SignedRequest {
  /** "POST" */
  readonly method: string;
  /** The request-target exactly as sent ("/foo?param=Value&Pet=dog"). */
  readonly target: string;
  /** The path as sent, still percent-encoded, without the query ("/foo"). */
  readonly path: string;
  /** The query string as sent, without "?" ("" when none). */
  readonly search: string;
  /** The host and port the client addressed ("example.com", "127.0.0.1:8000"). */
  readonly authority: string;
  /** "http" or "https". */
  readonly scheme: string;
  /** A header's value (repeated fields joined with ", "), or undefined. */
  header(name: string): string | undefined;
  /** Each field line's value of a header, in order (for RFC 9421 `;bs`); optional. */
  headerLines?(name: string): readonly string[] | undefined;
  /** The exact body bytes (read once, cached). */
  body(): Promise<Uint8Array>;
}

/** What a scheme gets from the middleware. */
export interface VerifyContext {
  /** Finds a key by id. */
  key(keyId: string): Promise<KeyConfig | undefined>;
  /** Claims a nonce for a key once the signature is valid; throws ERR_SIG_REPLAYED or ERR_SIG_STORE_UNAVAILABLE. */
  claimNonce(keyId: string, nonce: string): Promise<void>;
  /** Accepted clock difference, in seconds, both directions. */
  readonly windowSeconds: number;
  /** The current time, in seconds since the epoch. */
  now(): number;
  /** Whether to put the signature base into ERR_SIG_INVALID errors. */
  readonly debug: boolean;
}

/** What `c.get('signature')` holds after a successful verification. */
export interface VerifiedSignature {
  readonly keyId: string;
  readonly alg: string;
  /** The scheme's name: "rfc9421", "classic", "sigv4", "stripe", "slack", "github". */
  readonly scheme: string;
  /** The RFC 9421 signature label ("sig1"), or the scheme's name for the others. */
  readonly label: string;
  /** When the request was signed, in seconds since the epoch. */
  readonly created: number;
}

export interface Scheme {
  readonly name: string;
  /** The keys a scheme carries itself (a webhook's secret); used when `verifySignature` is given no `keys`. */
  readonly keys?: KeySource;
  /** Headers for a 401 answer that tell the client what is required (e.g. Accept-Signature). */
  challenge(): Record<string, string>;
  /** Verifies `req`; resolves with what was verified, or rejects with a `SignatureError`. */
  verify(req: SignedRequest, ctx: VerifyContext): Promise<VerifiedSignature>;
}
