/**
 * The RFC 9421 verification policy: the signwire profile. A request must
 * carry `Signature-Input` / `Signature` whose signature covers at least the
 * required components (`@method @authority @path @query`, plus
 * `content-digest` when there is a body), with `created`, `nonce` and
 * `keyid` parameters. Checks run in the order of `Scheme`: parse → key
 * lookup (and the key's `alg` over the request's) → covered components →
 * window (`created`, `expires`) → Content-Digest → signature
 * (constant-time) → nonce.
 *
 * @example
 * verifySignature({ keys, require: ['@method', '@authority', '@path', '@query', 'x-tenant'] });
 */
import { SignwireError } from '../../errors.ts';
import { verifyContentDigest } from '../content-digest.ts';
import { SignatureError } from '../errors.ts';
import type { KeyConfig } from '../keys/key-config.ts';
import type { Scheme, SignedRequest, VerifiedSignature, VerifyContext } from '../scheme.ts';
import { ALGORITHMS } from './algorithms.ts';
import { signatureBaseWith } from './signature-base.ts';
import { parseSignatureFields, type SignatureEntry } from './signature-fields.ts';
import { serializeSignatureParameters } from './signature-params.ts';

export interface Rfc9421Options {
  /** Components every signature must cover; default `@method @authority @path @query` (+ `content-digest` with a body). */
  readonly require?: readonly string[];
  /** Verify the signature with this label; default the first one. */
  readonly label?: string;
  /** Require this `tag` parameter (an application-specific profile name). */
  readonly tag?: string;
}

export const DEFAULT_REQUIRED = Object.freeze(['@method', '@authority', '@path', '@query']);

/** The RFC 9421 scheme with the signwire profile. */
export function rfc9421(options: Rfc9421Options = {}): Scheme {
  const required = checkRequired(options.require ?? DEFAULT_REQUIRED);
  const challenge = { 'Accept-Signature': acceptSignature(required) };
  return {
    name: 'rfc9421',
    challenge: () => challenge,
    verify: (req, ctx) => verify(req, ctx, required, options),
  };
}

async function verify(req: SignedRequest, ctx: VerifyContext, required: readonly string[], options: Rfc9421Options): Promise<VerifiedSignature> {
  const entry = pickEntry(parseSignatureFields(req.header('signature-input'), req.header('signature')), options.label);
  const { keyid, created, nonce } = requireParams(entry, options.tag);
  const key = await ctx.key(keyid);
  if (key === undefined) throw new SignatureError('ERR_SIG_UNKNOWN_KEY', `unknown key id "${keyid}"`);
  if (entry.params.alg !== undefined && entry.params.alg !== key.alg) {
    throw new SignatureError('ERR_SIG_ALG_MISMATCH', `alg "${entry.params.alg}" does not match the key's algorithm`);
  }
  const withBody = declaresBody(req);
  checkCovered(entry, required, withBody);
  checkWindow(entry, created, ctx);
  const digestField = req.header('content-digest');
  const body = withBody || digestField !== undefined ? await req.body() : undefined;
  if (body !== undefined && (body.length > 0 || covers(entry, 'content-digest'))) verifyContentDigest(digestField, body);
  checkSignature(req, entry, key, ctx.debug);
  await ctx.claimNonce(keyid, nonce);
  return { keyId: keyid, alg: key.alg, scheme: 'rfc9421', label: entry.label, created };
}

function pickEntry(entries: readonly SignatureEntry[], label: string | undefined): SignatureEntry {
  const entry = label === undefined ? entries[0] : entries.find((e) => e.label === label);
  if (entry === undefined) throw new SignatureError('ERR_SIG_MISSING', label === undefined ? 'no signature' : `no signature labelled "${label}"`);
  return entry;
}

function requireParams(entry: SignatureEntry, tag: string | undefined): { keyid: string; created: number; nonce: string } {
  const { keyid, created, nonce } = entry.params;
  if (keyid === undefined || created === undefined || nonce === undefined) {
    const missing = [keyid === undefined && 'keyid', created === undefined && 'created', nonce === undefined && 'nonce'].filter(Boolean);
    throw new SignatureError('ERR_SIG_MALFORMED', `signature "${entry.label}" lacks ${missing.join(', ')}`);
  }
  if (tag !== undefined && entry.params.tag !== tag) throw new SignatureError('ERR_SIG_MALFORMED', `signature "${entry.label}" must have tag "${tag}"`);
  return { keyid, created, nonce };
}

/** A body is declared by a positive Content-Length or any Transfer-Encoding. */
function declaresBody(req: SignedRequest): boolean {
  const length = req.header('content-length');
  return (length !== undefined && length !== '0') || req.header('transfer-encoding') !== undefined;
}

/** True when `name` is covered whole: as is, or as `;sf` / `;bs` (not one `;key=` member of it). */
function covers(entry: SignatureEntry, name: string): boolean {
  for (const component of entry.components) {
    if (component.name === name && component.params?.key === undefined && component.params?.req === undefined) return true;
  }
  return false;
}

/** The required components, and `content-digest` with a body, must all be covered; the list is built only to refuse. */
function checkCovered(entry: SignatureEntry, required: readonly string[], withBody: boolean): void {
  if (required.every((name) => covers(entry, name)) && (!withBody || covers(entry, 'content-digest'))) return;
  const missing = (withBody ? [...required, 'content-digest'] : required).filter((name) => !covers(entry, name));
  throw new SignatureError('ERR_SIG_COMPONENTS', `the signature must cover ${missing.map((m) => `"${m}"`).join(' ')}`);
}

function checkWindow(entry: SignatureEntry, created: number, ctx: VerifyContext): void {
  const now = ctx.now();
  if (Math.abs(now - created) > ctx.windowSeconds) {
    throw new SignatureError('ERR_SIG_EXPIRED', `created is ${now - created} s from the server's clock; the window is ±${ctx.windowSeconds} s`);
  }
  const expires = entry.params.expires;
  if (expires !== undefined && now > expires) throw new SignatureError('ERR_SIG_EXPIRED', 'the signature has expired');
}

function checkSignature(req: SignedRequest, entry: SignatureEntry, key: KeyConfig, debug: boolean): void {
  const base = signatureBaseWith(req, entry.components, entry.paramsText ?? serializeSignatureParameters(entry.params));
  const material = key.alg === 'hmac-sha256' ? key.secret : key.publicKey;
  // The base is ASCII: signatureBase admits nothing else into one (component values, identifiers and
  // parameters are all checked), so its text stands for its bytes, and is verified without a copy made.
  if (!ALGORITHMS[key.alg].verify(material, base, entry.signature)) {
    throw new SignatureError('ERR_SIG_INVALID', 'signature does not match the request', debug ? { signatureBase: base } : {});
  }
}

/** RFC 9421 §5.1: `sig1=("@method" …);created;nonce;keyid` — what a signature must look like. */
function acceptSignature(required: readonly string[]): string {
  const list = [...new Set([...required, 'content-digest'])].map((name) => `"${name}"`).join(' ');
  return `sig1=(${list});created;nonce;keyid`;
}

function checkRequired(required: readonly string[]): readonly string[] {
  if (!Array.isArray(required) || required.some((name) => typeof name !== 'string' || name === '' || name !== name.toLowerCase())) {
    throw new SignwireError('ERR_INVALID_OPTION', 'require must be a list of lower-case component names such as "@method"');
  }
  return Object.freeze([...required]);
}
