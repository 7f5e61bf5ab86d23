/**
 * The SigV4 canonical request, as the AWS guide ("Create a canonical
 * request") defines it, lines joined with `\n`:
 *
 *   CanonicalRequest =
 *     HTTPMethod "\n"
 *     CanonicalURI "\n"            ; canonical-uri.ts
 *     CanonicalQueryString "\n"    ; canonical-query.ts
 *     CanonicalHeaders "\n"        ; canonical-headers.ts (each line ends in "\n")
 *     SignedHeaders "\n"           ; lower-case names joined with ";"
 *     HashedPayload                ; hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
 *
 * A pure function of the request's parts: the verifier and the tests use
 * the same one.
 */
import { canonicalHeaders, type FieldLines } from './canonical-headers.ts';
import { canonicalQuery } from './canonical-query.ts';
import { canonicalUri } from './canonical-uri.ts';

/** What a canonical request is made of. */
export interface CanonicalRequestInput {
  /** "GET", as sent. */
  readonly method: string;
  /** The path as sent, percent-encoded ("/documents%20and%20settings/"). */
  readonly path: string;
  /** The query string as sent, without "?"; default "". */
  readonly search?: string;
  /** Header values by name (any case; an array for a header sent on several lines), or a lookup of field lines by lower-case name. */
  readonly headers: Readonly<Record<string, string | readonly string[]>> | FieldLines;
  /** The signed header names, lower-case and sorted (["host", "x-amz-date"]). */
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD". */
  readonly payloadHash: string;
  /** Normalize and double-encode the path (every service but S3); default true. */
  readonly normalizePath?: boolean;
}

/**
 * The canonical request of `input`.
 *
 * @example
 * canonicalRequest({
 *   method: 'GET', path: '/', search: 'Param2=value2&Param1=value1',
 *   headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
 *   signedHeaders: ['host', 'x-amz-date'],
 *   payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
 * });
 * // 'GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0…b855'
 */
export function canonicalRequest(input: CanonicalRequestInput): string {
  return [
    input.method,
    canonicalUri(input.path, input.normalizePath ?? true),
    canonicalQuery(input.search ?? ''),
    canonicalHeaders(input.signedHeaders, fieldLines(input.headers)),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** A lookup of field lines by lower-case name, from a record of any-case names. */
function fieldLines(headers: CanonicalRequestInput['headers']): FieldLines {
  if (typeof headers === 'function') return headers;
  const byName = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lines = byName.get(name.toLowerCase()) ?? [];
    byName.set(name.toLowerCase(), lines.concat(value));
  }
  return (name) => byName.get(name);
}
