/**
 * `classicSign(options)`: the scheme that verifies the classic "sorted
 * params + secret" sign (接口签名 sign, WeChat Pay v2 style), in the order
 * of scheme.ts:
 *
 *   parse      the parameters; no sign → ERR_SIG_MISSING; no app key,
 *              timestamp or nonce, a sign that is not hex of the digest's
 *              length, or an algorithm field that disagrees → MALFORMED /
 *              ALG_MISMATCH
 *   key        `keys[appKey]`, whose `secret` is used (its `alg` is not: the
 *              scheme's `algorithm` option decides) → ERR_SIG_UNKNOWN_KEY
 *   window     |now − timestamp| ≤ window → else ERR_SIG_EXPIRED
 *   signature  constant-time compare of the digest bytes (hex of either
 *              case) → ERR_SIG_INVALID, with the string-to-sign, secret
 *              masked as `&key=***`, when debugging
 *   nonce      claimed for the app key, only now → ERR_SIG_REPLAYED
 */
import { timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../errors.ts';
import type { Scheme, SignedRequest, VerifiedSignature, VerifyContext } from '../scheme.ts';
import { canonicalString, secretSuffix } from './canonical-string.ts';
import { CLASSIC_ALGORITHMS } from './digest.ts';
import { resolveClassicOptions, signatureFields, type ClassicConfig, type ClassicSignOptions } from './options.ts';
import { requestParams } from './request-params.ts';
import { classicDigestOf, secretBytes } from './signature.ts';

/** What the request claims, once parsed. */
interface Claims {
  readonly appKey: string;
  readonly created: number;
  readonly nonce: string;
  readonly signature: Buffer;
}

const MAX_NONCE_LENGTH = 128;

/**
 * The classic sign as a `verifySignature` scheme.
 *
 * @example
 * app.post('/pay', verifySignature({
 *   scheme: classicSign({ algorithm: 'md5', appKeyField: 'appid', nonceField: 'nonce_str' }),
 *   keys: { wxd930ea5d5a258f4f: { alg: 'hmac-sha256', secret: process.env.API_KEY! } },
 * }), (c) => c.json({ paidBy: c.get('signature')!.keyId }));
 */
export function classicSign(options: ClassicSignOptions = {}): Scheme {
  const config = resolveClassicOptions(options);
  const challenge = Object.freeze({ 'Accept-Signature': acceptSignature(config) });
  return {
    name: 'classic',
    challenge: () => ({ ...challenge }),
    verify: (req, ctx) => verifyClassic(req, ctx, config),
  };
}

async function verifyClassic(req: SignedRequest, ctx: VerifyContext, config: ClassicConfig): Promise<VerifiedSignature> {
  const params = await requestParams(req, config);
  const claims = parseClaims(params, config);
  const secret = await secretOf(ctx, claims.appKey);
  if (Math.abs(ctx.now() - claims.created) > ctx.windowSeconds) {
    throw new SignatureError('ERR_SIG_EXPIRED', `the ${config.timestampField} is outside the accepted window of ${ctx.windowSeconds} seconds`);
  }
  const base = canonicalString(params, config.signField);
  const expected = classicDigestOf(base, secret, config);
  if (expected.length !== claims.signature.length || !timingSafeEqual(expected, claims.signature)) {
    const signatureBase = config.appendSecret ? base + secretSuffix(config.secretField, '***') : base;
    throw new SignatureError('ERR_SIG_INVALID', 'signature does not match the request', ctx.debug ? { signatureBase } : {});
  }
  await ctx.claimNonce(claims.appKey, claims.nonce);
  return { keyId: claims.appKey, alg: config.algorithm, scheme: 'classic', label: 'classic', created: claims.created };
}

function parseClaims(params: ReadonlyMap<string, string>, config: ClassicConfig): Claims {
  const field = (name: string): string => {
    const value = params.get(name);
    if (value === undefined || value === '') throw new SignatureError('ERR_SIG_MALFORMED', `the signed request has no "${name}"`);
    return value;
  };
  const sign = params.get(config.signField);
  if (sign === undefined || sign === '') throw new SignatureError('ERR_SIG_MISSING', `the request has no "${config.signField}"`);
  const hexLength = 2 * CLASSIC_ALGORITHMS[config.algorithm].bytes;
  if (sign.length !== hexLength || !/^[0-9a-f]+$/i.test(sign)) {
    throw new SignatureError('ERR_SIG_MALFORMED', `"${config.signField}" must be ${hexLength} hex digits`);
  }
  checkAlgorithmField(params, config);
  const nonce = field(config.nonceField);
  if (nonce.length > MAX_NONCE_LENGTH) throw new SignatureError('ERR_SIG_MALFORMED', `"${config.nonceField}" is longer than ${MAX_NONCE_LENGTH} characters`);
  return { appKey: field(config.appKeyField), created: parseTimestamp(field(config.timestampField), config), nonce, signature: Buffer.from(sign, 'hex') };
}

/** A timestamp in whole seconds or milliseconds since the epoch, as whole seconds. */
function parseTimestamp(text: string, config: ClassicConfig): number {
  if (!/^[0-9]{1,16}$/.test(text)) {
    const unit = config.timestampUnit === 's' ? 'seconds' : 'milliseconds';
    throw new SignatureError('ERR_SIG_MALFORMED', `"${config.timestampField}" must be whole ${unit} since the epoch`);
  }
  const value = Number(text);
  return config.timestampUnit === 's' ? value : Math.floor(value / 1000);
}

/** The request may name the algorithm (WeChat's sign_type), but only the configured one. */
function checkAlgorithmField(params: ReadonlyMap<string, string>, config: ClassicConfig): void {
  if (config.algorithmField === undefined) return;
  const named = params.get(config.algorithmField);
  if (named !== undefined && named !== '' && named.toLowerCase() !== config.algorithm) {
    throw new SignatureError('ERR_SIG_ALG_MISMATCH', `"${config.algorithmField}" must be ${config.algorithm}`);
  }
}

async function secretOf(ctx: VerifyContext, appKey: string): Promise<Uint8Array> {
  const key = await ctx.key(appKey);
  if (key === undefined) throw new SignatureError('ERR_SIG_UNKNOWN_KEY', 'unknown app key');
  if (!('secret' in key)) throw new SignatureError('ERR_SIG_ALG_MISMATCH', 'the classic sign needs a shared-secret key');
  return secretBytes(key.secret);
}

/** `classic; alg="md5"; fields="appid,timestamp,nonce_str,sign"; from="query,body"; timestamp="s"`. */
function acceptSignature(config: ClassicConfig): string {
  const fields = signatureFields(config).join(',');
  return `classic; alg="${config.algorithm}"; fields="${fields}"; from="${config.from.join(',')}"; timestamp="${config.timestampUnit}"`;
}
