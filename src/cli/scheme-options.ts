/**
 * `--scheme` and the options each scheme takes, for `sign`, `request` and
 * `verify`. One table says which scheme an option belongs to; an option
 * given for another scheme, an unknown scheme, or a scheme missing what it
 * needs (SigV4's region and service) is a `UsageError` (exit 2) that says so.
 *
 *   rfc9421   --alg, --private-key (the default scheme)
 *   classic   --algorithm, --from and the field names of `classicSign`
 *   sigv4     --region, --service; to sign also --session-token,
 *             --presign [--expires], --unsigned-payload
 *   stripe, slack, github: only the secret (--secret, or --keys with --key-id)
 */
import { type ParseArgsConfig } from 'node:util';
import type { KeyOptions } from './key-source.ts';
import { UsageError } from './usage-error.ts';

/** Every scheme the CLI signs and verifies with. */
export const SCHEME_NAMES = ['rfc9421', 'classic', 'sigv4', 'stripe', 'slack', 'github'] as const;

export type SchemeName = (typeof SCHEME_NAMES)[number];

/** The schemes whose key is a webhook secret (the key id defaults to the scheme's name). */
export const WEBHOOK_SCHEMES: readonly SchemeName[] = ['stripe', 'slack', 'github'];

/**
 * The scheme options of `verify` (what a verifier needs to be built).
 *
 * @example
 * parseArgs({ args, options: { ...VERIFY_SCHEME_OPTIONS, keys: { type: 'string' } }, strict: true });
 */
export const VERIFY_SCHEME_OPTIONS = {
  scheme: { type: 'string' },
  region: { type: 'string' },
  service: { type: 'string' },
  algorithm: { type: 'string' },
  from: { type: 'string' },
  'app-key-field': { type: 'string' },
  'sign-field': { type: 'string' },
  'timestamp-field': { type: 'string' },
  'nonce-field': { type: 'string' },
  'algorithm-field': { type: 'string' },
  'timestamp-unit': { type: 'string' },
  'secret-field': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/**
 * The scheme options of `sign` and `request`: verify's, and what only a signer chooses.
 *
 * @example
 * parseArgs({ args, options: { ...REQUEST_OPTIONS, ...SIGN_SCHEME_OPTIONS }, allowPositionals: true, strict: true });
 */
export const SIGN_SCHEME_OPTIONS = {
  ...VERIFY_SCHEME_OPTIONS,
  'session-token': { type: 'string' },
  presign: { type: 'boolean' },
  expires: { type: 'string' },
  'unsigned-payload': { type: 'boolean' },
  'hex-case': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The parsed scheme options (and the key options they are checked with). */
export interface SchemeValues extends KeyOptions {
  readonly scheme?: string | undefined;
  readonly region?: string | undefined;
  readonly service?: string | undefined;
  readonly 'session-token'?: string | undefined;
  readonly presign?: boolean | undefined;
  readonly expires?: string | undefined;
  readonly 'unsigned-payload'?: boolean | undefined;
  readonly algorithm?: string | undefined;
  readonly from?: string | undefined;
  readonly 'app-key-field'?: string | undefined;
  readonly 'sign-field'?: string | undefined;
  readonly 'timestamp-field'?: string | undefined;
  readonly 'nonce-field'?: string | undefined;
  readonly 'algorithm-field'?: string | undefined;
  readonly 'timestamp-unit'?: string | undefined;
  readonly 'secret-field'?: string | undefined;
  readonly 'hex-case'?: string | undefined;
}

const SCOPE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const CLASSIC: readonly SchemeName[] = ['classic'];
const SIGV4: readonly SchemeName[] = ['sigv4'];

/** The schemes each scheme-specific option belongs to. */
const OWNERS: Readonly<Record<string, readonly SchemeName[]>> = {
  'private-key': ['rfc9421'], alg: ['rfc9421'],
  region: SIGV4, service: SIGV4, 'session-token': SIGV4, presign: SIGV4, expires: SIGV4, 'unsigned-payload': SIGV4,
  algorithm: CLASSIC, from: CLASSIC, 'app-key-field': CLASSIC, 'sign-field': CLASSIC, 'timestamp-field': CLASSIC,
  'nonce-field': CLASSIC, 'algorithm-field': CLASSIC, 'timestamp-unit': CLASSIC, 'secret-field': CLASSIC, 'hex-case': CLASSIC,
};

/**
 * The scheme named by `--scheme` (default rfc9421), checked against the
 * other options given; throws `UsageError`.
 *
 * @example
 * schemeOf({ scheme: 'sigv4', region: 'us-east-1', service: 'orders' }); // 'sigv4'
 * schemeOf({ region: 'us-east-1' }); // throws: --region is only for --scheme sigv4
 */
export function schemeOf(values: SchemeValues): SchemeName {
  const name = values.scheme ?? 'rfc9421';
  if (!(SCHEME_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown --scheme "${name}"; use one of ${SCHEME_NAMES.join(', ')}`);
  const scheme = name as SchemeName;
  checkOwners(scheme, values);
  if (scheme === 'sigv4') checkScope(values);
  if (values.expires !== undefined && values.presign !== true) throw new UsageError('--expires goes with --presign');
  return scheme;
}

/** Every option given belongs to `scheme`. */
function checkOwners(scheme: SchemeName, values: SchemeValues): void {
  for (const [option, owners] of Object.entries(OWNERS)) {
    if (values[option as keyof SchemeValues] === undefined || owners.includes(scheme)) continue;
    const which = values.scheme === undefined ? ' (the default scheme is rfc9421)' : '';
    throw new UsageError(`--${option} is only for --scheme ${owners.join(' or ')}${which}`);
  }
}

/** SigV4's --region and --service: both given, each a scope name. */
function checkScope(values: SchemeValues): void {
  if (values.region === undefined || values.service === undefined) throw new UsageError('--scheme sigv4 needs --region R and --service S');
  for (const option of ['region', 'service'] as const) {
    if (!SCOPE_NAME.test(values[option]!)) throw new UsageError(`--${option} must be 1-64 letters, digits, "-", "_" or ".", got "${values[option]!}"`);
  }
}

/**
 * The help lines for the scheme options; `signer` adds what only `sign` and `request` take.
 *
 * @example
 * const HELP = `usage: signwire verify …\n\n${schemeHelp(false)}`;
 */
export function schemeHelp(signer: boolean): string {
  const sigv4 = signer
    ? `  --session-token T    temporary credentials: sent, and signed, as X-Amz-Security-Token
  --presign            put the signature in the URL (a presigned URL) instead of Authorization
  --expires SECONDS    with --presign: how long the URL is valid (default 3600, at most 604800)
  --unsigned-payload   leave the body out of the signature (X-Amz-Content-Sha256: UNSIGNED-PAYLOAD)\n`
    : '';
  return `  --scheme NAME        rfc9421 (default), classic, sigv4, stripe, slack or github
 sigv4 (--key-id is the access key id; the secret from --secret or the keys file):
  --region R --service S   the credential scope (both required)
${sigv4} classic (--key-id is the app key; the secret from --secret or the keys file):
  --algorithm ALG      md5, sha1, sha256, hmac-sha1 or hmac-sha256 (default hmac-sha256)
  --from LIST          where the parameters are read: query, body, headers, comma-separated
                       (default query,body)${signer ? '; the signature fields go into the first' : ''}
  --app-key-field, --sign-field, --timestamp-field, --nonce-field NAME
                       the field names (default appid, sign, timestamp, nonce_str)
  --algorithm-field NAME   ${signer ? 'also send the algorithm' : 'the algorithm may be named'} in NAME (WeChat's sign_type)
  --timestamp-unit s|ms    --secret-field NAME (default key)${signer ? '    --hex-case upper|lower' : ''}
 stripe, slack, github: the secret from --secret S, or from --keys FILE under
  --key-id ID (default: the scheme's name)`;
}
