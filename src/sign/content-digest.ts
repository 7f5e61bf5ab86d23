/**
 * Content-Digest (RFC 9530): the digest of the exact content bytes, sent so
 * that a signature covering the `content-digest` field covers the body.
 *
 *   Content-Digest   = Dictionary ; RFC 9530 §2
 *   member key       = a hash algorithm from the IANA registry (§5)
 *   member value     = Byte Sequence, the digest of the content
 *
 * Only `sha-256` and `sha-512` are supported: they are the two the registry
 * marks "Active"; the others (md5, sha, unixsum, unixcksum, adler, crc32c)
 * are "Deprecated" and ignored here like unknown ones.
 */
import * as nodeCrypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureError } from './errors.ts';
import { StructuredFieldError, isInnerList, parseDictionary, serializeDictionary, item, type Dictionary } from './structured-fields/index.ts';

/** What each supported algorithm is called in node:crypto. */
const DIGEST_ALGORITHMS = {
  'sha-256': 'sha256',
  'sha-512': 'sha512',
} as const satisfies Readonly<Record<string, string>>;

export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/**
 * The Content-Digest field value for `body` (a string is its UTF-8 bytes).
 *
 * @example
 * contentDigest('{"hello": "world"}'); // 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:'
 * contentDigest(bytes, ['sha-256', 'sha-512']);
 */
export function contentDigest(body: Uint8Array | string, algorithms: readonly DigestAlgorithm[] = ['sha-256']): string {
  const members = new Map(algorithms.map((name) => [name, item(digest(name, body))]));
  if (members.size === 0) throw new TypeError('contentDigest needs at least one algorithm');
  return serializeDictionary(members);
}

/**
 * Checks a Content-Digest field against the body. Every supported algorithm
 * present must match; unsupported ones are ignored, but at least one
 * supported one must be there. Throws `SignatureError`:
 * - `ERR_SIG_DIGEST` when the field is absent, names no supported algorithm, or does not match;
 * - `ERR_SIG_MALFORMED` when it is not a Dictionary of Byte Sequences.
 *
 * @example
 * verifyContentDigest(req.header('content-digest'), await req.body());
 */
export function verifyContentDigest(field: string | undefined, body: Uint8Array | string): void {
  if (field === undefined) throw new SignatureError('ERR_SIG_DIGEST', 'the request has a body but no Content-Digest');
  if (soleDigestMatches(field, body)) return;
  let checked = 0;
  for (const [name, expected] of digestMembers(field)) {
    if (!isDigestAlgorithm(name)) continue;
    const actual = digest(name, body);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new SignatureError('ERR_SIG_DIGEST', `the body does not match its Content-Digest (${name})`);
    }
    checked += 1;
  }
  if (checked === 0) {
    throw new SignatureError('ERR_SIG_DIGEST', `Content-Digest names no supported algorithm (${Object.keys(DIGEST_ALGORITHMS).join(', ')})`);
  }
}

/*
 * The usual field, one supported algorithm and its digest (`sha-256=:…:`),
 * matching the body: the field's base64 is compared with the body's digest
 * in base64, so neither is decoded. Equal text is a valid one-member
 * Dictionary whose digest matches, exactly what the whole check accepts.
 * Anything else, a mismatch included (it may be another encoding of the
 * same digest), is left to the whole check.
 */
function soleDigestMatches(field: string, body: Uint8Array | string): boolean {
  for (const name of DIGEST_NAMES) {
    const start = name.length + 2; // `name=:`
    if (field.length <= start || !field.startsWith(name) || field.charCodeAt(name.length) !== EQUALS || field.charCodeAt(name.length + 1) !== COLON) continue;
    const expected = hashBase64(DIGEST_ALGORITHMS[name], body);
    return field.length === start + expected.length + 1 && field.charCodeAt(field.length - 1) === COLON && sameTextAt(field, start, expected);
  }
  return false;
}

const DIGEST_NAMES = Object.keys(DIGEST_ALGORITHMS) as DigestAlgorithm[];
const EQUALS = 0x3d;
const COLON = 0x3a;

/** `text` holds `expected` at `start`; every char is compared whatever the first difference (no early exit). */
function sameTextAt(text: string, start: number, expected: string): boolean {
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= text.charCodeAt(start + i) ^ expected.charCodeAt(i);
  return difference === 0;
}

/** The members of a Content-Digest field as algorithm → digest bytes. */
function digestMembers(field: string): Map<string, Uint8Array> {
  let dictionary: Dictionary;
  try {
    dictionary = parseDictionary(field);
  } catch (error) {
    if (!(error instanceof StructuredFieldError)) throw error;
    throw new SignatureError('ERR_SIG_MALFORMED', `Content-Digest is not a structured field dictionary: ${error.message}`, { cause: error });
  }
  const members = new Map<string, Uint8Array>();
  for (const [name, member] of dictionary) {
    if (isInnerList(member) || !(member.value instanceof Uint8Array)) {
      throw new SignatureError('ERR_SIG_MALFORMED', `Content-Digest member "${name}" is not a byte sequence`);
    }
    members.set(name, member.value);
  }
  return members;
}

function isDigestAlgorithm(name: string): name is DigestAlgorithm {
  return Object.hasOwn(DIGEST_ALGORITHMS, name);
}

/*
 * One body, one digest: the one-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object that `createHash` builds
 * and is cheaper on every signed request; older Nodes, which lack it, use `createHash`. The digest comes out as
 * base64 and is decoded back: Node serves that Buffer from its pool, which costs less than the new ArrayBuffer
 * a 'buffer' digest is given, and the usual field is checked on its text (see `soleDigestMatches`).
 */
const hashBase64: (algorithm: string, body: Uint8Array | string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (algorithm, body) => nodeCrypto.hash(algorithm, body, 'base64')
    : (algorithm, body) => createHash(algorithm).update(body).digest('base64');

function digest(name: DigestAlgorithm, body: Uint8Array | string): Uint8Array {
  return Buffer.from(hashBase64(DIGEST_ALGORITHMS[name], body), 'base64');
}
