/**
 * The values of the headers a SigV4 request signed, as the canonical
 * request needs them: every field line of each, in order. A header named in
 * SignedHeaders must be present, and its values must be visible ASCII,
 * spaces and tabs (what a canonical request can carry unambiguously);
 * otherwise the request is `ERR_SIG_MALFORMED`.
 */
import { SignatureError } from '../errors.ts';
import type { SignedRequest } from '../scheme.ts';
import type { FieldLines } from './canonical-headers.ts';

const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * The field lines of each signed header of `req`, checked.
 *
 * @example
 * const lines = signedFieldLines(req, ['host', 'x-amz-date']);
 * lines('host'); // ['example.amazonaws.com']
 */
export function signedFieldLines(req: SignedRequest, signedHeaders: readonly string[]): FieldLines {
  const byName = new Map<string, readonly string[]>();
  for (const name of signedHeaders) {
    const single = req.header(name);
    const lines = req.headerLines?.(name) ?? (single === undefined ? [] : [single]);
    if (lines.length === 0) throw new SignatureError('ERR_SIG_MALFORMED', `SignedHeaders names ${name}, which the request does not carry`);
    if (!lines.every((line) => FIELD_VALUE.test(line))) throw new SignatureError('ERR_SIG_MALFORMED', `the signed header ${name} has characters outside visible ASCII`);
    byName.set(name, lines);
  }
  return (name) => byName.get(name);
}
