/**
 * The HashedPayload line of a SigV4 canonical request, and the body check
 * behind `x-amz-content-sha256`:
 *
 *   absent               the hash is computed from the body as received, so
 *                        a changed body makes the signature not match
 *   64 lower-case hex    the client's SHA-256 of the body: signed as sent,
 *                        and checked against the exact body bytes
 *                        (`ERR_SIG_DIGEST` when they differ)
 *   "UNSIGNED-PAYLOAD"   the body is not covered (S3 style); refused when
 *                        the scheme's `unsignedPayload` option is false
 *
 * The streaming forms (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD` and kin, for
 * aws-chunked uploads) are not supported and are `ERR_SIG_MALFORMED`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../errors.ts';

/** The x-amz-content-sha256 value that leaves the body out of the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks the form of a declared payload hash (at parse time, before any key
 * is looked up); throws `ERR_SIG_MALFORMED`.
 *
 * @example
 * checkDeclaredHash('UNSIGNED-PAYLOAD', true); // ok
 * checkDeclaredHash('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', true); // throws ERR_SIG_MALFORMED
 */
export function checkDeclaredHash(declared: string | undefined, unsignedPayload: boolean): void {
  if (declared === undefined || HEX_SHA256.test(declared)) return;
  if (declared !== UNSIGNED_PAYLOAD) {
    throw new SignatureError('ERR_SIG_MALFORMED', 'x-amz-content-sha256 must be the hex SHA-256 of the body or UNSIGNED-PAYLOAD (streaming payloads are not supported)');
  }
  if (!unsignedPayload) throw new SignatureError('ERR_SIG_MALFORMED', 'UNSIGNED-PAYLOAD is not accepted here; sign the body');
}

/**
 * The HashedPayload for a body and what the client declared; throws
 * `ERR_SIG_DIGEST` when a declared hash does not match the body.
 *
 * @example
 * await payloadHash(undefined, () => req.body()); // 'e3b0c442…b855' for an empty body
 */
export async function payloadHash(declared: string | undefined, body: () => Promise<Uint8Array>): Promise<string> {
  checkDeclaredHash(declared, true);
  if (declared === UNSIGNED_PAYLOAD) return declared;
  const actual = createHash('sha256').update(await body()).digest();
  if (declared === undefined) return actual.toString('hex');
  if (!timingSafeEqual(actual, Buffer.from(declared, 'hex'))) throw new SignatureError('ERR_SIG_DIGEST', 'the body does not match x-amz-content-sha256');
  return declared;
}
