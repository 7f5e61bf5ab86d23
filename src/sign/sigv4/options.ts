/**
 * The options of `sigv4(options)`, their defaults (one frozen object) and
 * their validation: a bad option throws `ERR_INVALID_OPTION` naming it when
 * the scheme is built, never on a request.
 */
import { SignwireError } from '../../errors.ts';

/** Checks a session token for an access key; resolve false to refuse it (`ERR_SIG_UNKNOWN_KEY`). */
export type SessionTokenCheck = (token: string | undefined, accessKeyId: string) => boolean | Promise<boolean>;

export interface SigV4Options {
  /** The region requests must be signed for ("us-east-1"). */
  readonly region: string;
  /** The service requests must be signed for ("execute-api", "s3", or your own name). */
  readonly service: string;
  /** Normalize and double-encode the path (every AWS service but S3); false for S3 style, the path as sent. Default true. */
  readonly normalizePath?: boolean;
  /** Refuse a header-signed request whose signature was already seen within the window (`ERR_SIG_REPLAYED`). Default true. */
  readonly replay?: boolean;
  /** Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD` (a body the signature does not cover). Default true, as AWS does. */
  readonly unsignedPayload?: boolean;
  /** Headers every request must sign, besides `host` (and the date header, and a session token when sent). Default none. */
  readonly requireHeaders?: readonly string[];
  /** Validates the session token (or its absence) once the signature is valid. Default: a signed token is accepted unchecked. */
  readonly sessionToken?: SessionTokenCheck;
}

/** The options with every default filled in. */
export interface SigV4Config {
  readonly region: string;
  readonly service: string;
  readonly normalizePath: boolean;
  readonly replay: boolean;
  readonly unsignedPayload: boolean;
  readonly requireHeaders: readonly string[];
  readonly sessionToken: SessionTokenCheck | undefined;
}

/** Every default, in one frozen object (docs/signing.md lists them). */
export const SIGV4_DEFAULTS = Object.freeze({
  normalizePath: true,
  replay: true,
  unsignedPayload: true,
  requireHeaders: Object.freeze<string[]>([]),
});

const KNOWN = new Set(['region', 'service', 'normalizePath', 'replay', 'unsignedPayload', 'requireHeaders', 'sessionToken']);
const SCOPE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `sigv4: ${message}`);
}

/**
 * Validates `options` and fills in the defaults; throws `ERR_INVALID_OPTION`.
 *
 * @example
 * resolveSigV4Options({ region: 'us-east-1', service: 's3', normalizePath: false }).replay; // true
 */
export function resolveSigV4Options(options: SigV4Options): SigV4Config {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object with "region" and "service"');
  for (const name of Object.keys(options)) if (!KNOWN.has(name)) throw invalid(`unknown option "${name}"`);
  for (const name of ['region', 'service'] as const) {
    if (typeof options[name] !== 'string' || !SCOPE_NAME.test(options[name])) throw invalid(`"${name}" must be 1-64 letters, digits, "-", "_" or "."`);
  }
  if (options.sessionToken !== undefined && typeof options.sessionToken !== 'function') throw invalid('"sessionToken" must be a function (token, accessKeyId) => boolean');
  return Object.freeze({
    region: options.region,
    service: options.service,
    normalizePath: flag('normalizePath', options.normalizePath ?? SIGV4_DEFAULTS.normalizePath),
    replay: flag('replay', options.replay ?? SIGV4_DEFAULTS.replay),
    unsignedPayload: flag('unsignedPayload', options.unsignedPayload ?? SIGV4_DEFAULTS.unsignedPayload),
    requireHeaders: headerNames(options.requireHeaders ?? SIGV4_DEFAULTS.requireHeaders),
    sessionToken: options.sessionToken,
  });
}

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`"${name}" must be true or false`);
  return value;
}

function headerNames(names: readonly string[]): readonly string[] {
  const ok = Array.isArray(names) && names.every((n) => typeof n === 'string' && /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(n) && n !== 'authorization');
  if (!ok) throw invalid('"requireHeaders" must be a list of lower-case header names (not authorization)');
  return Object.freeze([...names]);
}
