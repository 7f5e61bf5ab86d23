/**
 * `sigv4(options)`: the scheme that verifies AWS Signature Version 4
 * requests (Authorization header or presigned URL), in the order of
 * scheme.ts:
 *
 *   parse      Authorization or the presigned query (claims.ts): no
 *              signature → ERR_SIG_MISSING; bad syntax, a Credential date
 *              other than X-Amz-Date's, a signed header that is absent →
 *              MALFORMED; another algorithm → ALG_MISMATCH; host, the date
 *              header, a sent session token or a `requireHeaders` name
 *              not signed → COMPONENTS; a scope for another region or
 *              service → ERR_SIG_INVALID (well-formed, signed for elsewhere)
 *   key        `keys[accessKeyId]`, its `secret` → ERR_SIG_UNKNOWN_KEY
 *   window     header: |now − X-Amz-Date| ≤ window; presigned: not dated
 *              beyond now + window, and now ≤ X-Amz-Date + X-Amz-Expires
 *              → ERR_SIG_EXPIRED
 *   digest     a hex x-amz-content-sha256 against the exact body → ERR_SIG_DIGEST
 *   signature  recomputed, compared in constant time → ERR_SIG_INVALID, with
 *              the canonical request and string to sign when debugging
 *   token      the `sessionToken` check, if given → ERR_SIG_UNKNOWN_KEY
 *   replay     a header-signed request's signature is claimed as its nonce
 *              under the access key → ERR_SIG_REPLAYED
 */
import { timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../errors.ts';
import type { Scheme, SignedRequest, VerifiedSignature, VerifyContext } from '../scheme.ts';
import { canonicalRequest } from './canonical-request.ts';
import { hasDotSegment } from './canonical-uri.ts';
import { requestClaims, type SigV4Claims } from './claims.ts';
import { resolveSigV4Options, type SigV4Config, type SigV4Options } from './options.ts';
import { checkDeclaredHash, payloadHash } from './payload-hash.ts';
import { signedFieldLines } from './signed-fields.ts';
import { sigv4Signature, sigv4SigningKey } from './signing-key.ts';
import { SIGV4_ALGORITHM, stringToSign } from './string-to-sign.ts';
import { uriEncode } from './uri-encode.ts';

/**
 * AWS Signature Version 4 as a `verifySignature` scheme.
 *
 * @example
 * app.use('/api', verifySignature({
 *   scheme: sigv4({ region: 'us-east-1', service: 'orders' }),
 *   keys: { AKIDEXAMPLE: { secret: process.env.AWS_SECRET! } },
 * }));
 */
export function sigv4(options: SigV4Options): Scheme {
  const config = resolveSigV4Options(options);
  const challenge = Object.freeze(challengeHeaders(config));
  return {
    name: 'sigv4',
    challenge: () => ({ ...challenge }),
    verify: (req, ctx) => verifySigV4(req, ctx, config),
  };
}

async function verifySigV4(req: SignedRequest, ctx: VerifyContext, config: SigV4Config): Promise<VerifiedSignature> {
  const claims = requestClaims(req);
  checkPolicy(claims, config);
  if (config.normalizePath && hasDotSegment(req.path)) {
    throw new SignatureError('ERR_SIG_MALFORMED', 'the path has "." or ".." segments: a normalized signature would cover another path than the one served');
  }
  if (req.search.includes('+')) {
    throw new SignatureError('ERR_SIG_MALFORMED', 'a raw "+" in the query: SigV4 signs it as a plus, the app reads it as a space; send %2B or %20');
  }
  const lines = signedFieldLines(req, claims.signedHeaders);
  const { accessKeyId } = claims.credential;
  const secret = await secretOf(ctx, accessKeyId);
  checkWindow(claims, ctx);
  const hash = await payloadHash(claims.contentSha256, () => req.body());
  const canonical = canonicalRequest({
    method: req.method, path: req.path, search: req.search,
    headers: lines, signedHeaders: claims.signedHeaders, payloadHash: hash, normalizePath: config.normalizePath,
  });
  checkSignature(canonical, claims, secret, ctx.debug);
  await checkSessionToken(claims, config);
  if (config.replay && !claims.presigned) await ctx.claimNonce(accessKeyId, claims.signature);
  return { keyId: accessKeyId, alg: 'hmac-sha256', scheme: 'sigv4', label: 'sigv4', created: claims.created };
}

/** The parse-time checks that depend on the options: scope, required headers, payload form. */
function checkPolicy(claims: SigV4Claims, config: SigV4Config): void {
  const { region, service } = claims.credential;
  if (region !== config.region || service !== config.service) {
    throw new SignatureError('ERR_SIG_INVALID', `the credential scope is for ${region}/${service}; this endpoint expects ${config.region}/${config.service}`);
  }
  const unsigned = config.requireHeaders.filter((name) => !claims.signedHeaders.includes(name));
  if (unsigned.length > 0) throw new SignatureError('ERR_SIG_COMPONENTS', `SignedHeaders must include ${unsigned.join(', ')}`);
  checkDeclaredHash(claims.contentSha256, config.unsignedPayload);
}

async function secretOf(ctx: VerifyContext, accessKeyId: string): Promise<string | Uint8Array> {
  const key = await ctx.key(accessKeyId);
  if (key === undefined) throw new SignatureError('ERR_SIG_UNKNOWN_KEY', 'unknown access key id');
  if (!('secret' in key)) throw new SignatureError('ERR_SIG_ALG_MISMATCH', 'SigV4 needs a shared-secret key');
  return key.secret;
}

function checkWindow(claims: SigV4Claims, ctx: VerifyContext): void {
  const now = ctx.now();
  const ahead = claims.created - now;
  if (ahead > ctx.windowSeconds || (!claims.presigned && -ahead > ctx.windowSeconds)) {
    throw new SignatureError('ERR_SIG_EXPIRED', `X-Amz-Date is ${-ahead} s from the server's clock; the window is ±${ctx.windowSeconds} s`);
  }
  if (claims.expires !== undefined && now > claims.created + claims.expires) throw new SignatureError('ERR_SIG_EXPIRED', 'the presigned URL has expired');
}

function checkSignature(canonical: string, claims: SigV4Claims, secret: string | Uint8Array, debug: boolean): void {
  const toSign = stringToSign(claims.amzDate, claims.credential, canonical);
  const expected = Buffer.from(sigv4Signature(sigv4SigningKey(secret, claims.credential), toSign), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(claims.signature, 'hex'))) {
    throw new SignatureError('ERR_SIG_INVALID', 'signature does not match the request', debug ? { debugInfo: debugInfo(canonical, toSign, claims) } : {});
  }
}

/**
 * What the server signed, as AWS shows it; a session token is masked, as it is a credential: its header
 * line whole (sent on several lines, or with inner spaces, it is not written there as `claims.sessionToken`),
 * and wherever else it appears (a presigned URL's query).
 */
function debugInfo(canonical: string, toSign: string, claims: SigV4Claims): Record<string, string> {
  const token = claims.sessionToken;
  if (token === undefined || token === '') return { canonicalRequest: canonical, stringToSign: toSign };
  const masked = canonical.replace(TOKEN_LINE, '$1***').split(uriEncode(token)).join('***').split(token).join('***');
  return { canonicalRequest: masked, stringToSign: toSign };
}

/** The canonical header line of the session token (the query line cannot match: its ":" would be encoded). */
const TOKEN_LINE = /^(x-amz-security-token:).*$/m;

/** The `sessionToken` option's verdict, once the signature is known to be valid. */
async function checkSessionToken(claims: SigV4Claims, config: SigV4Config): Promise<void> {
  if (config.sessionToken === undefined || (await config.sessionToken(claims.sessionToken, claims.credential.accessKeyId))) return;
  const message = claims.sessionToken === undefined ? 'this access key needs a session token' : 'the session token is not valid for this access key';
  throw new SignatureError('ERR_SIG_UNKNOWN_KEY', message);
}

/** `WWW-Authenticate: AWS4-HMAC-SHA256 region="…", service="…"` and an Accept-Signature naming what must be signed. */
function challengeHeaders(config: SigV4Config): Record<string, string> {
  const signed = [...new Set(['host', 'x-amz-date', ...config.requireHeaders])].sort().join(';');
  return {
    'WWW-Authenticate': `${SIGV4_ALGORITHM} region="${config.region}", service="${config.service}"`,
    'Accept-Signature': `sigv4; alg="${SIGV4_ALGORITHM}"; region="${config.region}"; service="${config.service}"; signed-headers="${signed}"`,
  };
}
