/**
 * A presigned URL: the signature travels in the query instead of the
 * Authorization header (AWS guide, "Authentication using query parameters"):
 *
 *   X-Amz-Algorithm=AWS4-HMAC-SHA256 & X-Amz-Credential=<credential> &
 *   X-Amz-Date=<amz-date> & X-Amz-Expires=<seconds> & X-Amz-SignedHeaders=<names> &
 *   X-Amz-Signature=<hex> [ & X-Amz-Security-Token=<token> ] [ & X-Amz-Content-Sha256=<hash> ]
 *
 * Names are matched without regard to case (the AWS SDKs hoist headers into
 * the query under the case they were given) and each may appear once.
 * `X-Amz-Expires` is 1–604800 (seven days). Every parameter but the
 * signature is part of the canonical query, so all of them are signed.
 */
import { SignatureError } from '../errors.ts';
import { authorizationOf, type SigV4Authorization } from './authorization.ts';
import { queryParams } from './canonical-query.ts';
import { SIGV4_ALGORITHM } from './string-to-sign.ts';
import { percentDecode } from './uri-encode.ts';

/** What a presigned URL's query says. */
export interface PresignedQuery extends SigV4Authorization {
  /** X-Amz-Date as sent ("20150830T123600Z"). */
  readonly amzDate: string;
  /** Seconds the URL is valid for after X-Amz-Date. */
  readonly expires: number;
  readonly sessionToken: string | undefined;
  /** X-Amz-Content-Sha256, when the signer hoisted it into the query. */
  readonly contentSha256: string | undefined;
}

/** The longest validity AWS allows a presigned URL: seven days. */
export const MAX_PRESIGNED_EXPIRES = 604_800;

const NAMES = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token', 'x-amz-content-sha256'];
const MARKERS = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-signature'];

/**
 * The presigning parameters of a query string as sent (lower-case name →
 * decoded value), or undefined when the query carries no presigned
 * signature. Throws `ERR_SIG_MALFORMED` on a parameter sent twice.
 *
 * @example
 * presignedParams('X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F…'); // Map { 'x-amz-algorithm' => 'AWS4-HMAC-SHA256', … }
 * presignedParams('page=2'); // undefined
 */
export function presignedParams(search: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  for (const { name, value } of queryParams(search)) {
    const lower = percentDecode(name).toString('latin1').toLowerCase();
    if (!NAMES.includes(lower)) continue;
    if (params.has(lower)) throw new SignatureError('ERR_SIG_MALFORMED', `the query has ${lower} more than once`);
    params.set(lower, percentDecode(value).toString('utf8'));
  }
  return MARKERS.some((name) => params.has(name)) ? params : undefined;
}

/**
 * Reads the presigning parameters; throws `SignatureError`.
 *
 * @example
 * parsePresigned(presignedParams(req.search)!); // { credential, signedHeaders, signature, amzDate, expires, … }
 */
export function parsePresigned(params: ReadonlyMap<string, string>): PresignedQuery {
  const algorithm = params.get('x-amz-algorithm');
  if (algorithm === undefined) throw malformed('a presigned URL needs X-Amz-Algorithm');
  if (algorithm !== SIGV4_ALGORITHM) throw new SignatureError('ERR_SIG_ALG_MISMATCH', `only ${SIGV4_ALGORITHM} is accepted`);
  const authorization = authorizationOf(params.get('x-amz-credential'), params.get('x-amz-signedheaders'), params.get('x-amz-signature'));
  const amzDate = params.get('x-amz-date');
  if (amzDate === undefined) throw malformed('a presigned URL needs X-Amz-Date');
  return {
    ...authorization,
    amzDate,
    expires: parseExpires(params.get('x-amz-expires')),
    sessionToken: params.get('x-amz-security-token'),
    contentSha256: params.get('x-amz-content-sha256'),
  };
}

function parseExpires(text: string | undefined): number {
  if (text === undefined) throw malformed('a presigned URL needs X-Amz-Expires');
  const seconds = /^[0-9]{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_PRESIGNED_EXPIRES)) throw malformed(`X-Amz-Expires must be whole seconds from 1 to ${MAX_PRESIGNED_EXPIRES}`);
  return seconds;
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
