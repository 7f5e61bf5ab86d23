/**
 * The options of `signSigV4` and their validation: every bad option throws
 * `ERR_INVALID_OPTION` naming it, before anything is signed. The rules are
 * the verifier's, so a request this signer makes cannot be refused for its
 * form: an access key id of 1–128 visible ASCII characters without `/` and
 * `,`, a region and service of letters, digits, `-`, `_` and `.`, a
 * presigned URL valid for 1–604800 seconds.
 */
import { SignwireError } from '../../errors.ts';
import { MAX_PRESIGNED_EXPIRES } from './presigned.ts';

export interface SigV4SignOptions {
  /** The access key id ("AKIDEXAMPLE"): the key id the server looks the secret up by. */
  readonly accessKeyId: string;
  /** The secret access key; a string is its UTF-8 bytes. */
  readonly secret: string | Uint8Array;
  /** The region the request is signed for ("us-east-1"). */
  readonly region: string;
  /** The service the request is signed for ("execute-api", "s3", or the server's own name). */
  readonly service: string;
  /** A session token (temporary credentials): sent and signed as X-Amz-Security-Token. */
  readonly sessionToken?: string | undefined;
  /** When the request is signed; default now. */
  readonly date?: Date | undefined;
  /** Put the signature in the query (a presigned URL) valid for `expires` seconds, instead of an Authorization header. */
  readonly presign?: { readonly expires: number } | undefined;
  /** Leave the body out of the signature (`UNSIGNED-PAYLOAD`); default false: its SHA-256 is signed. */
  readonly unsignedPayload?: boolean | undefined;
  /** Normalize and double-encode the path, as every AWS service but S3; default true (match the verifier's option). */
  readonly normalizePath?: boolean | undefined;
}

/** The options, checked, with the defaults filled in. */
export interface SigV4SignConfig {
  readonly accessKeyId: string;
  readonly secret: string | Uint8Array;
  readonly region: string;
  readonly service: string;
  readonly sessionToken: string | undefined;
  /** Seconds since the epoch. */
  readonly seconds: number;
  readonly expires: number | undefined;
  readonly unsignedPayload: boolean;
  readonly normalizePath: boolean;
}

const ACCESS_KEY_ID = /^[\x21-\x2b\x2d\x2e\x30-\x7e]{1,128}$/;
const SCOPE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const TOKEN = /^[\x21-\x7e]+$/;

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `signSigV4: ${message}`);
}

/**
 * Checks `options`; throws `ERR_INVALID_OPTION`.
 *
 * @example
 * resolveSignOptions({ accessKeyId: 'AKIDEXAMPLE', secret: 's', region: 'us-east-1', service: 'orders' }).normalizePath; // true
 */
export function resolveSignOptions(options: SigV4SignOptions): SigV4SignConfig {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const { accessKeyId, secret, region, service, sessionToken } = options;
  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) throw invalid('"accessKeyId" must be 1-128 visible ASCII characters other than "/" and ","');
  if (typeof secret === 'string' ? secret === '' : !(secret instanceof Uint8Array) || secret.length === 0) throw invalid('"secret" must be a non-empty string or bytes');
  for (const [name, value] of [['region', region], ['service', service]] as const) {
    if (typeof value !== 'string' || !SCOPE_NAME.test(value)) throw invalid(`"${name}" must be 1-64 letters, digits, "-", "_" or "."`);
  }
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || !TOKEN.test(sessionToken))) throw invalid('"sessionToken" must be visible ASCII');
  return {
    accessKeyId, secret, region, service, sessionToken,
    seconds: signingSeconds(options.date),
    expires: options.presign === undefined ? undefined : presignExpires(options.presign),
    unsignedPayload: flag('unsignedPayload', options.unsignedPayload ?? false),
    normalizePath: flag('normalizePath', options.normalizePath ?? true),
  };
}

function signingSeconds(date: Date | undefined): number {
  const ms = date === undefined ? Date.now() : date instanceof Date ? date.getTime() : NaN;
  if (!Number.isFinite(ms) || ms < 0) throw invalid('"date" must be a valid Date');
  return Math.floor(ms / 1000);
}

function presignExpires(presign: { readonly expires: number }): number {
  const expires = typeof presign === 'object' && presign !== null ? presign.expires : undefined;
  if (typeof expires !== 'number' || !Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_EXPIRES) {
    throw invalid(`"presign.expires" must be whole seconds from 1 to ${MAX_PRESIGNED_EXPIRES}`);
  }
  return expires;
}

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`"${name}" must be true or false`);
  return value;
}
