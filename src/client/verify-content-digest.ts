/**
 * Checking a Content-Digest field (RFC 9530) on the client, with WebCrypto:
 * the same rules as the server's `verifyContentDigest`. Every supported
 * algorithm present (`sha-256`, `sha-512`, the two the IANA registry marks
 * "Active") must match the body; others are ignored, but one supported
 * algorithm must be there.
 *
 *   Content-Digest = Dictionary ; member key: algorithm, value: Byte Sequence
 */
import { SignatureError } from '../sign/errors.ts';
import { StructuredFieldError, isInnerList, parseDictionary, type Dictionary } from '../sign/structured-fields/index.ts';

/** WebCrypto's name for each supported algorithm. */
const DIGESTS: Readonly<Record<string, string>> = Object.freeze({ 'sha-256': 'SHA-256', 'sha-512': 'SHA-512' });

/**
 * Resolves when `field` matches `body`; rejects with `SignatureError`:
 * `ERR_SIG_DIGEST` when the field is absent, names no supported algorithm
 * or does not match, `ERR_SIG_MALFORMED` when it is not a Dictionary of
 * Byte Sequences.
 *
 * @example
 * await checkContentDigest(fields.get('content-digest'), body);
 */
export async function checkContentDigest(field: string | undefined, body: Uint8Array): Promise<void> {
  if (field === undefined) throw new SignatureError('ERR_SIG_DIGEST', 'the message has a body but no Content-Digest');
  let checked = 0;
  for (const [name, member] of parse(field)) {
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      throw new SignatureError('ERR_SIG_MALFORMED', `Content-Digest member "${name}" is not a byte sequence`);
    }
    const hash = Object.hasOwn(DIGESTS, name) ? DIGESTS[name]! : undefined;
    if (hash === undefined) continue;
    const actual = new Uint8Array(await globalThis.crypto.subtle.digest(hash, body));
    if (!equalBytes(member.value, actual)) throw new SignatureError('ERR_SIG_DIGEST', `the body does not match its Content-Digest (${name})`);
    checked += 1;
  }
  if (checked === 0) throw new SignatureError('ERR_SIG_DIGEST', `Content-Digest names no supported algorithm (${Object.keys(DIGESTS).join(', ')})`);
}

function parse(field: string): Dictionary {
  try {
    return parseDictionary(field);
  } catch (error) {
    if (!(error instanceof StructuredFieldError)) throw error;
    throw new SignatureError('ERR_SIG_MALFORMED', `Content-Digest is not a structured field dictionary: ${error.message}`, { cause: error });
  }
}

/** Constant time for equal lengths: every byte is compared, whatever differs first. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
