/**
 * What a SigV4 request claims, read from wherever it put its signature: the
 * Authorization header, or a presigned URL's query (never both). This is
 * the parse step of the scheme: every check here runs before any key is
 * looked up.
 *
 * The date of a header-signed request is `X-Amz-Date`, or else the `Date`
 * header (an IMF-fixdate); the header it came from must be signed, as must
 * `host` always and `x-amz-security-token` whenever it is sent (otherwise
 * it could be swapped): `ERR_SIG_COMPONENTS`. The Credential's date must be
 * the date of X-Amz-Date.
 */
import { SignatureError } from '../errors.ts';
import type { SignedRequest } from '../scheme.ts';
import { formatAmzDate, parseAmzDate, parseImfFixdate } from './amz-date.ts';
import { parseAuthorization, type SigV4Authorization } from './authorization.ts';
import { parsePresigned, presignedParams } from './presigned.ts';

/** A SigV4 request's claims, parsed and checked for consistency. */
export interface SigV4Claims extends SigV4Authorization {
  /** True for a presigned URL, false for an Authorization header. */
  readonly presigned: boolean;
  /** The request time as X-Amz-Date ("20150830T123600Z"), the string to sign's RequestDateTime. */
  readonly amzDate: string;
  /** The request time, in seconds since the epoch. */
  readonly created: number;
  /** A presigned URL's X-Amz-Expires, in seconds. */
  readonly expires: number | undefined;
  readonly sessionToken: string | undefined;
  /** What the client declared as the payload hash (x-amz-content-sha256), if anything. */
  readonly contentSha256: string | undefined;
}

/**
 * The claims of `req`; throws `SignatureError` (`ERR_SIG_MISSING`,
 * `ERR_SIG_MALFORMED`, `ERR_SIG_ALG_MISMATCH`, `ERR_SIG_COMPONENTS`).
 *
 * @example
 * const { credential, signedHeaders, created } = requestClaims(req);
 */
export function requestClaims(req: SignedRequest): SigV4Claims {
  const header = req.header('authorization');
  const query = presignedParams(req.search);
  if (header !== undefined && query !== undefined) throw malformed('the request has both an Authorization header and a presigned query; send one');
  if (query !== undefined) return presignedClaims(req, query);
  if (header === undefined) throw new SignatureError('ERR_SIG_MISSING', 'the request has no Authorization header and no presigned query');
  return headerClaims(req, parseAuthorization(header));
}

function headerClaims(req: SignedRequest, authorization: SigV4Authorization): SigV4Claims {
  const amzDate = req.header('x-amz-date');
  const dateHeader = amzDate === undefined ? 'date' : 'x-amz-date';
  const text = amzDate ?? req.header('date');
  if (text === undefined) throw malformed('the request needs an X-Amz-Date (or Date) header');
  const created = amzDate === undefined ? parseImfFixdate(text) : parseAmzDate(text);
  if (created === undefined) throw malformed(`the ${dateHeader} header is not a valid date`);
  const claims = {
    ...authorization,
    presigned: false,
    amzDate: formatAmzDate(created),
    created,
    expires: undefined,
    sessionToken: req.header('x-amz-security-token'),
    contentSha256: req.header('x-amz-content-sha256'),
  };
  return checked(req, claims, [dateHeader]);
}

function presignedClaims(req: SignedRequest, params: ReadonlyMap<string, string>): SigV4Claims {
  const query = parsePresigned(params);
  const created = parseAmzDate(query.amzDate);
  if (created === undefined) throw malformed('X-Amz-Date must be YYYYMMDDTHHMMSSZ');
  const claims = {
    ...query,
    presigned: true,
    created,
    sessionToken: oneOf('session token', query.sessionToken, req.header('x-amz-security-token')),
    contentSha256: oneOf('x-amz-content-sha256', query.contentSha256, req.header('x-amz-content-sha256')),
  };
  return checked(req, claims, []);
}

/** A value sent in the query or as a header, not both. */
function oneOf(what: string, inQuery: string | undefined, inHeader: string | undefined): string | undefined {
  if (inQuery !== undefined && inHeader !== undefined) throw malformed(`the ${what} is sent both in the query and as a header; send one`);
  return inQuery ?? inHeader;
}

/** Checks the Credential's date and the headers that must be signed. */
function checked(req: SignedRequest, claims: SigV4Claims, mustSign: readonly string[]): SigV4Claims {
  if (claims.credential.date !== claims.amzDate.slice(0, 8)) throw malformed(`the Credential's date ${claims.credential.date} is not the date of X-Amz-Date ${claims.amzDate}`);
  const required = ['host', ...mustSign];
  if (req.header('x-amz-security-token') !== undefined) required.push('x-amz-security-token');
  const unsigned = required.filter((name) => !claims.signedHeaders.includes(name));
  if (unsigned.length > 0) throw new SignatureError('ERR_SIG_COMPONENTS', `SignedHeaders must include ${unsigned.join(', ')}`);
  return claims;
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
