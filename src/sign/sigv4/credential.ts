/**
 * The Credential of a SigV4 request (the `Credential=` of Authorization, or
 * the decoded `X-Amz-Credential` of a presigned URL), read strictly:
 *
 *   Credential = access-key-id "/" YYYYMMDD "/" region "/" service "/aws4_request"
 *
 * The access key id is 1–128 visible ASCII characters other than `/` and
 * `,`; region and service are letters, digits, `-`, `_` and `.`.
 */
import { SignatureError } from '../errors.ts';
import { SCOPE_TERMINATOR, type CredentialScope } from './string-to-sign.ts';

/** A parsed Credential. */
export interface Credential extends CredentialScope {
  readonly accessKeyId: string;
}

const ACCESS_KEY_ID = /^[\x21-\x2b\x2d\x2e\x30-\x7e]{1,128}$/;
const SCOPE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses a Credential; throws `ERR_SIG_MALFORMED`.
 *
 * @example
 * parseCredential('AKIDEXAMPLE/20150830/us-east-1/service/aws4_request');
 * // { accessKeyId: 'AKIDEXAMPLE', date: '20150830', region: 'us-east-1', service: 'service' }
 */
export function parseCredential(text: string): Credential {
  const parts = text.split('/');
  if (parts.length !== 5) throw malformed('Credential must be access-key-id/YYYYMMDD/region/service/aws4_request');
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!ACCESS_KEY_ID.test(accessKeyId)) throw malformed('the access key id in Credential is empty, too long, or has characters outside visible ASCII');
  if (!/^\d{8}$/.test(date)) throw malformed('the date in Credential must be YYYYMMDD');
  if (!SCOPE_NAME.test(region) || !SCOPE_NAME.test(service)) throw malformed('the region and service in Credential must be letters, digits, "-", "_" or "."');
  if (terminator !== SCOPE_TERMINATOR) throw malformed(`Credential must end with "/${SCOPE_TERMINATOR}"`);
  return { accessKeyId, date, region, service };
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
