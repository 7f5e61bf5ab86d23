/**
 * The arguments `sign` and `request` share, curl-style:
 *
 *   [-X METHOD] URL [-d DATA|@FILE] [-H 'Name: value']… --key-id ID KEY [--alg ALG]
 *   [--scheme NAME and its options (scheme-options.ts)]
 *
 * The method defaults to POST with data, GET without, and is upper-cased.
 * With data and no Content-Type header, the request gets one, so that the
 * signature covers it and every client sends the same: application/json
 * when DATA is JSON, else application/x-www-form-urlencoded (curl's default).
 */
import { type ParseArgsConfig } from 'node:util';
import { fieldValueKind, INVALID, isToken } from '../wire/tokens.ts';
import type { KeyOptions } from './key-source.ts';
import { SIGN_SCHEME_OPTIONS, schemeHelp } from './scheme-options.ts';
import { UsageError, readInput } from './usage-error.ts';

/**
 * The `parseArgs` options of `sign` and `request`.
 *
 * @example
 * parseArgs({ args, options: { ...REQUEST_OPTIONS, curl: { type: 'boolean' } }, allowPositionals: true, strict: true });
 */
export const REQUEST_OPTIONS = {
  request: { type: 'string', short: 'X' },
  data: { type: 'string', short: 'd' },
  header: { type: 'string', short: 'H', multiple: true },
  'key-id': { type: 'string' },
  keys: { type: 'string' },
  secret: { type: 'string' },
  'private-key': { type: 'string' },
  alg: { type: 'string' },
  ...SIGN_SCHEME_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/**
 * The help lines for `REQUEST_OPTIONS`.
 *
 * @example
 * const HELP = `usage: signwire sign …\n\n${REQUEST_ARGS_HELP}`;
 */
export const REQUEST_ARGS_HELP = `  -X METHOD            the method (default: POST with -d, else GET)
  -d DATA | -d @FILE   the body, as given or read from FILE ("@-" reads stdin)
  -H 'Name: value'     a request header (repeatable); with -d and no Content-Type,
                       application/json is sent for JSON data, else application/x-www-form-urlencoded
  --key-id ID          the key id the server knows the key by
  --keys FILE          take ID's secret from a keys file (as written by signwire keygen)
  --secret S           the shared secret (hmac-sha256, or the scheme's)
 rfc9421:
  --private-key FILE   a PEM private key (Ed25519, ECDSA P-256/P-384 or, with --alg, RSA)
  --alg ALG            hmac-sha256, ed25519, ecdsa-p256-sha256, ecdsa-p384-sha384,
                       rsa-pss-sha512, rsa-v1_5-sha256 (default: from the key)
${schemeHelp(true)}`;

export interface RequestValues extends KeyOptions {
  readonly request?: string | undefined;
  readonly data?: string | undefined;
  readonly header?: readonly string[] | undefined;
}

export interface RequestSpec {
  readonly method: string;
  readonly url: URL;
  /** The headers given with -H, and the Content-Type chosen for -d data without one. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The Content-Type the command added, if any (it must be sent: the signature covers it). */
  readonly addedContentType: string | undefined;
  readonly body: Uint8Array | undefined;
  /** The FILE of `-d @FILE`, to refer to it rather than copy it (undefined once a scheme changed the body). */
  readonly dataFile: string | undefined;
}

/**
 * The request to sign from parsed values and positionals (the key is the
 * scheme's business: see schemes.ts). Throws `UsageError`.
 *
 * @example
 * await requestSpec({ data: '{"a":1}', 'key-id': 'k', secret: 's' }, ['http://127.0.0.1:8000/orders']);
 */
export async function requestSpec(values: RequestValues, positionals: readonly string[]): Promise<RequestSpec> {
  const url = targetUrl(positionals);
  const headers = (values.header ?? []).map(headerLine);
  const dataFile = values.data?.startsWith('@') === true ? values.data.slice(1) : undefined;
  const body = values.data === undefined ? undefined : dataFile !== undefined ? await readInput(dataFile) : new TextEncoder().encode(values.data);
  const given = values.request ?? (body === undefined ? 'GET' : 'POST');
  // Checked before upper-casing: "ſ".toUpperCase() is "S".
  if (!isToken(given)) throw new UsageError(`-X ${JSON.stringify(given)} is not a method`);
  const method = given.toUpperCase();
  const hasType = headers.some(([name]) => name.toLowerCase() === 'content-type');
  const addedContentType = body === undefined || hasType ? undefined : defaultContentType(body);
  return {
    method,
    url,
    headers: addedContentType === undefined ? headers : [...headers, ['Content-Type', addedContentType]],
    addedContentType,
    body,
    dataFile,
  };
}

function targetUrl(positionals: readonly string[]): URL {
  if (positionals.length === 0) throw new UsageError('the URL is missing');
  if (positionals.length > 1) throw new UsageError(`give one URL (got ${positionals.map((p) => JSON.stringify(p)).join(' ')})`);
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new UsageError(`"${positionals[0]!}" is not an absolute URL (such as http://127.0.0.1:8000/orders)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`the URL must be http: or https:, got ${url.protocol}`);
  return url;
}

/*
 * RFC 9110 §5.1, §5.5:
 *   field-name  = token
 *   field-value = *field-content   (HTAB, SP, VCHAR and obs-text: no other control character)
 */
function headerLine(line: string): [string, string] {
  const colon = line.indexOf(':');
  const name = colon === -1 ? '' : line.slice(0, colon);
  if (!isToken(name)) throw new UsageError(`-H ${JSON.stringify(line)} is not a header: use -H 'Name: value'`);
  const value = line.slice(colon + 1).trim();
  if (/[\r\n]/.test(value)) throw new UsageError(`-H "${name}" has a line break in its value`);
  if (fieldValueKind(value) === INVALID) {
    throw new UsageError(/[^\0-\xff]/.test(value)
      ? `-H "${name}" has a character beyond U+00FF in its value: header values are bytes; percent-encode it`
      : `-H "${name}" has a control character in its value`);
  }
  return [name, value];
}

function defaultContentType(body: Uint8Array): string {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    return 'application/json';
  } catch {
    return 'application/x-www-form-urlencoded';
  }
}
