/**
 * A verifier: a scheme with its keys, nonce store, window and clock, ready to
 * check requests. `verifySignature` (the middleware) and `signwire verify`
 * (the CLI) both use it, so they cannot disagree.
 *
 * The keys come from the `keys` option, or from the scheme itself when it
 * carries them (a webhook scheme built with its secret); exactly one of the
 * two must give them.
 */
import { SignwireError } from '../errors.ts';
import { SignatureError } from './errors.ts';
import type { KeySource } from './keys/key-config.ts';
import { keyLookup } from './keys/key-lookup.ts';
import { MemoryNonceStore } from './replay/memory.ts';
import type { NonceStore } from './replay/nonce-store.ts';
import { rfc9421, type Rfc9421Options } from './rfc9421/scheme.ts';
import type { Scheme, SignedRequest, VerifiedSignature, VerifyContext } from './scheme.ts';

export interface VerifierOptions {
  /** `'rfc9421'` (default) or a scheme object: `classicSign({...})`, `sigv4({...})`, webhook schemes. */
  readonly scheme?: 'rfc9421' | Scheme;
  /**
   * The keys: a map of key id → key, a `KeyStore`, or `async (keyId) => key | undefined`. Required, except
   * with a scheme that carries its own secret (`stripeWebhook({ secret })`…), which must then not be given both.
   */
  readonly keys?: KeySource;
  /** Where nonces are claimed; default a new `MemoryNonceStore`. */
  readonly nonces?: NonceStore;
  /** Accepted clock difference in seconds, both directions; default 300. */
  readonly window?: number;
  /** RFC 9421: the components a signature must cover (default: @method @authority @path @query, + content-digest with a body). */
  readonly require?: Rfc9421Options['require'];
  /** Put the server's signature base into ERR_SIG_INVALID answers; default false. */
  readonly debug?: boolean;
  /** The clock, in ms since the epoch (for tests); default Date.now. */
  readonly now?: () => number;
}

export interface Verifier {
  readonly scheme: Scheme;
  readonly debug: boolean;
  /** Resolves with what was verified, or rejects with a `SignatureError`. */
  verify(req: SignedRequest): Promise<VerifiedSignature>;
}

const DEFAULT_WINDOW_SECONDS = 300;

/** Builds a verifier; options are validated here (`ERR_INVALID_OPTION`). */
export function createVerifier(options: VerifierOptions): Verifier {
  if (typeof options !== 'object' || options === null) throw new SignwireError('ERR_INVALID_OPTION', 'verifySignature needs an options object such as { keys }');
  const scheme = resolveScheme(options);
  const context = verifyContext(options, keySource(options, scheme));
  return { scheme, debug: context.debug, verify: (req) => settle(() => scheme.verify(req, context)) };
}

/** What `run` returns, as a promise; a function that throws instead of rejecting (not async) gives a rejection too. */
function settle<T>(run: () => T | PromiseLike<T>): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

function resolveScheme(options: VerifierOptions): Scheme {
  const scheme = options.scheme ?? 'rfc9421';
  if (scheme === 'rfc9421') return rfc9421(options.require === undefined ? {} : { require: options.require });
  if (typeof scheme === 'object' && scheme !== null && typeof scheme.verify === 'function') return scheme;
  throw new SignwireError('ERR_INVALID_OPTION', 'verifySignature "scheme" must be "rfc9421" or a scheme object such as classicSign({...})');
}

/** The `keys` option, or the keys the scheme carries; never both, never neither. */
function keySource(options: VerifierOptions, scheme: Scheme): KeySource {
  if (options.keys !== undefined && scheme.keys !== undefined) {
    throw new SignwireError('ERR_INVALID_OPTION', `verifySignature: the ${scheme.name} scheme already carries its secret; give either "keys" or the scheme's secret, not both`);
  }
  const keys = options.keys ?? scheme.keys;
  if (keys === undefined) {
    throw new SignwireError('ERR_INVALID_OPTION', `verifySignature needs "keys" for the ${scheme.name} scheme: a map of key id → key, a KeyStore, or a lookup function`);
  }
  return keys;
}

/** The widest `window`: a year. Nonces are kept for twice the window, which must stay a finite time. */
export const MAX_WINDOW_SECONDS = 365 * 24 * 3600;

function verifyContext(options: VerifierOptions, keys: KeySource): VerifyContext {
  const windowSeconds = options.window ?? DEFAULT_WINDOW_SECONDS;
  if (typeof windowSeconds !== 'number' || !(windowSeconds > 0 && windowSeconds <= MAX_WINDOW_SECONDS)) {
    throw new SignwireError('ERR_INVALID_OPTION', `verifySignature "window" must be a positive number of seconds up to ${MAX_WINDOW_SECONDS} (a year), got ${String(windowSeconds)}`);
  }
  const nonces = options.nonces ?? new MemoryNonceStore();
  if (typeof nonces.claim !== 'function') throw new SignwireError('ERR_INVALID_OPTION', 'verifySignature "nonces" must have claim(id, ttlMs)');
  const clock = options.now ?? Date.now;
  // A nonce must be remembered as long as its request could still be accepted: ±window around `created`,
  // on a clock read in whole seconds (so one second more).
  const ttlMs = (2 * windowSeconds + 1) * 1000;
  return {
    key: keyLookup(keys),
    windowSeconds,
    debug: options.debug ?? false,
    now: () => Math.floor(clock() / 1000),
    claimNonce: (keyId, nonce) => claimNonce(nonces, `${keyId}\n${nonce}`, ttlMs),
  };
}

/* A store that cannot answer (it throws, or its promise rejects) refuses the request: never a silent accept. */
function claimNonce(nonces: NonceStore, id: string, ttlMs: number): Promise<void> {
  return settle(() => nonces.claim(id, ttlMs)).then(
    (first) => {
      if (!first) throw new SignatureError('ERR_SIG_REPLAYED', 'this nonce was already used');
    },
    (error: unknown) => {
      throw storeUnavailable(error);
    },
  );
}

function storeUnavailable(cause: unknown): SignatureError {
  return new SignatureError('ERR_SIG_STORE_UNAVAILABLE', 'replay protection is unavailable; try again later', { cause });
}
