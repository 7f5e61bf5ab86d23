/**
 * The SignedHeaders of a SigV4 request (in Authorization, or the decoded
 * `X-Amz-SignedHeaders` of a presigned URL), read strictly:
 *
 *   SignedHeaders = name *( ";" name )   ; lower-case tokens, sorted, each once
 *
 * The list is followed exactly: the canonical request has one line per name,
 * in this order. `authorization` cannot sign itself and is refused.
 */
import { SignatureError } from '../errors.ts';

const LOWER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const MAX_SIGNED_HEADERS = 64;

/**
 * Parses a SignedHeaders list; throws `ERR_SIG_MALFORMED`.
 *
 * @example
 * parseSignedHeaders('host;x-amz-date'); // ['host', 'x-amz-date']
 */
export function parseSignedHeaders(text: string): string[] {
  const names = text.split(';');
  if (names.length > MAX_SIGNED_HEADERS) throw malformed(`SignedHeaders lists more than ${MAX_SIGNED_HEADERS} headers`);
  names.forEach((name, i) => {
    if (!LOWER_TOKEN.test(name)) throw malformed('SignedHeaders must be lower-case header names separated by ";"');
    if (i > 0 && names[i - 1]! >= name) throw malformed('SignedHeaders must be sorted, each name once');
  });
  if (names.includes('authorization')) throw malformed('SignedHeaders cannot include authorization');
  return names;
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
