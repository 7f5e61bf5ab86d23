/**
 * The options of `signResponses`, validated once, when the middleware is
 * made: a bad option or a key that cannot sign with its algorithm throws
 * there (`ERR_INVALID_OPTION`, `ERR_INVALID_KEY`), never on a request.
 *
 * A PEM private key is parsed into a `KeyObject` here, once; the key then
 * signs a probe so that a key of the wrong type or curve fails at startup.
 */
import { createPrivateKey, KeyObject } from 'node:crypto';
import { SignwireError } from '../../errors.ts';
import { DERIVED_COMPONENTS } from '../rfc9421/derived-components.ts';
import { findAlgorithm, type AlgorithmKey, type AlgorithmName, type SignatureAlgorithm } from '../rfc9421/algorithms.ts';
import { checkCoveredComponents, toComponent, type ComponentIdentifier, type ComponentInput } from '../rfc9421/component-identifier.ts';
import { signatureParamsToParameters } from '../rfc9421/signature-params.ts';
import { DEFAULT_RESPONSE_LABEL, RESPONSE_COMPONENTS } from './components.ts';

export interface SignResponsesOptions {
  /** The key id the client knows the key by (the `keyid` parameter). */
  readonly keyId: string;
  /** hmac-sha256: the secret (a string is its UTF-8 bytes); the others: a PEM private key or a private `KeyObject`. */
  readonly key: AlgorithmKey;
  readonly alg: AlgorithmName;
  /** What to cover; default `RESPONSE_COMPONENTS`. Fields the response lacks are left out. */
  readonly components?: readonly ComponentInput[];
  /** The signature label; default `reqres`. */
  readonly label?: string;
  /** The `tag` parameter (an application-specific profile name); default none. */
  readonly tag?: string;
  /** Add a random `nonce` parameter; default false (the `;req` components already tie a response to its request). */
  readonly nonce?: boolean;
  /** The largest streamed body (`c.stream`, `c.file`) read into memory to be signed; default 1 MiB. Larger ones go out unsigned. */
  readonly maxBufferBytes?: number;
  /** The clock, in ms since the epoch (for tests); default `Date.now`. */
  readonly now?: () => number;
}

/** The options, checked, in the form the signer uses. */
export interface ResponseSigner {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
  readonly key: Uint8Array | KeyObject;
  readonly components: readonly ComponentIdentifier[];
  readonly label: string;
  readonly tag: string | undefined;
  readonly nonce: boolean;
  readonly maxBufferBytes: number;
  readonly now: () => number;
}

/** 1 MiB: a JSON answer or a small file is signed whole; a download is not held in memory. */
export const DEFAULT_MAX_BUFFER_BYTES = 1_048_576;

/* sf-key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )  (RFC 8941 §3.2) */
const LABEL = /^[a-z*][a-z0-9_\-.*]*$/;

/**
 * Checks the options of `signResponses`.
 *
 * @example
 * const signer = responseSigner({ keyId: 'api', key: privatePem, alg: 'ed25519' });
 */
export function responseSigner(options: SignResponsesOptions): ResponseSigner {
  if (typeof options !== 'object' || options === null) throw invalid('signResponses needs options { keyId, key, alg }');
  if (typeof options.keyId !== 'string' || options.keyId === '' || !/^[\x20-\x7e]*$/.test(options.keyId)) {
    throw invalid('signResponses needs a non-empty printable ASCII "keyId"');
  }
  const algorithm = findAlgorithm(String(options.alg));
  if (algorithm === undefined) throw invalid(`signResponses "alg" must be a registered algorithm name; got ${JSON.stringify(options.alg)}`);
  const label = options.label ?? DEFAULT_RESPONSE_LABEL;
  if (typeof label !== 'string' || !LABEL.test(label)) throw invalid('signResponses "label" must be a structured field key such as "reqres"');
  if (options.tag !== undefined) checkTag(options.tag);
  return {
    keyId: options.keyId,
    algorithm,
    key: signingKey(algorithm, options.key),
    components: checkComponents(options.components ?? RESPONSE_COMPONENTS),
    label,
    tag: options.tag,
    nonce: options.nonce ?? false,
    maxBufferBytes: checkLimit(options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES),
    now: checkClock(options.now ?? Date.now),
  };
}

/** The key parsed once, then proved able to sign with the algorithm (ERR_INVALID_KEY otherwise). */
function signingKey(algorithm: SignatureAlgorithm, key: AlgorithmKey): Uint8Array | KeyObject {
  if (key === undefined || key === null) throw new SignwireError('ERR_INVALID_KEY', `signResponses needs a "key" for ${algorithm.name}`);
  const parsed = typeof key === 'string' ? parseKey(algorithm, key) : key;
  algorithm.sign(parsed, PROBE); // throws ERR_INVALID_KEY for a key that does not fit
  return parsed;
}

function parseKey(algorithm: SignatureAlgorithm, key: string): Uint8Array | KeyObject {
  if (algorithm.name === 'hmac-sha256') return new TextEncoder().encode(key);
  try {
    return createPrivateKey(key);
  } catch (error) {
    throw new SignwireError('ERR_INVALID_KEY', `${algorithm.name}: the key is not a valid PEM private key`, { cause: error });
  }
}

const PROBE = new TextEncoder().encode('signwire response key check');

/* A request's derived component ("@method") needs ;req on a response, and "@status" cannot have it (RFC 9421 §2.4). */
function checkComponents(components: readonly ComponentInput[]): readonly ComponentIdentifier[] {
  if (!Array.isArray(components) || components.length === 0) throw invalid('signResponses "components" must be a non-empty list');
  let covered: ComponentIdentifier[];
  try {
    covered = components.map(toComponent);
    checkCoveredComponents(covered);
  } catch (error) {
    throw invalid(`signResponses "components": ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const { name, params } of covered) {
    const target = DERIVED_COMPONENTS[name]?.target;
    if (target === 'request' && params?.req !== true) throw invalid(`signResponses "components": "${name}" needs ;req on a response`);
    if (target === 'response' && params?.req === true) throw invalid(`signResponses "components": "${name}" is the response's own, not the request's`);
  }
  return Object.freeze(covered);
}

function checkTag(tag: string): void {
  try {
    signatureParamsToParameters({ tag });
  } catch {
    throw invalid('signResponses "tag" must be a string of printable ASCII');
  }
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw invalid(`signResponses "maxBufferBytes" must be a non-negative integer, got ${String(limit)}`);
  return limit;
}

function checkClock(now: () => number): () => number {
  if (typeof now !== 'function') throw invalid('signResponses "now" must be a function returning ms since the epoch');
  return now;
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', message);
}
