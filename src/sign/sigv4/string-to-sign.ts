/**
 * The SigV4 string to sign and its credential scope (AWS guide, "Create a
 * string to sign"):
 *
 *   StringToSign    = Algorithm "\n" RequestDateTime "\n" CredentialScope "\n" HashedCanonicalRequest
 *   Algorithm       = "AWS4-HMAC-SHA256"
 *   RequestDateTime = YYYYMMDD "T" HHMMSS "Z"          ; X-Amz-Date
 *   CredentialScope = YYYYMMDD "/" region "/" service "/aws4_request"
 *   HashedCanonicalRequest = Lowercase(Hex(SHA256(CanonicalRequest)))
 */
import { createHash } from 'node:crypto';

/** The only algorithm SigV4 (not SigV4a) signs with. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** The last part of every credential scope. */
export const SCOPE_TERMINATOR = 'aws4_request';

/** Where and when a signature applies. */
export interface CredentialScope {
  /** "20150830": the date part of X-Amz-Date. */
  readonly date: string;
  /** "us-east-1" */
  readonly region: string;
  /** "service", "s3", "execute-api"… */
  readonly service: string;
}

/**
 * The credential scope string.
 *
 * @example
 * credentialScope({ date: '20150830', region: 'us-east-1', service: 'iam' }); // '20150830/us-east-1/iam/aws4_request'
 */
export function credentialScope(scope: CredentialScope): string {
  return `${scope.date}/${scope.region}/${scope.service}/${SCOPE_TERMINATOR}`;
}

/**
 * The string to sign for a canonical request made at `amzDate`.
 *
 * @example
 * stringToSign('20150830T123600Z', { date: '20150830', region: 'us-east-1', service: 'service' }, canonical);
 * // 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n<hex sha-256 of canonical>'
 */
export function stringToSign(amzDate: string, scope: CredentialScope, canonicalRequest: string): string {
  const hashed = createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${credentialScope(scope)}\n${hashed}`;
}
