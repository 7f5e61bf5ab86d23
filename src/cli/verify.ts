/**
 * `signwire verify`: checks the signature of a raw HTTP/1.1 request (a file,
 * or stdin) with the server's own verifier, scheme objects and keys file,
 * so a signature that fails against a server can be examined offline.
 *
 * @example
 * signwire verify --keys signwire.keys.json request.http --debug
 * signwire verify --scheme sigv4 --region us-east-1 --service orders --keys signwire.keys.json request.http
 */
import { parseArgs } from 'node:util';
import { SignatureError } from '../sign/errors.ts';
import type { VerifiedSignature } from '../sign/scheme.ts';
import { createVerifier, MAX_WINDOW_SECONDS } from '../sign/verifier.ts';
import { parseRawRequest } from './raw-request.ts';
import { schemeHelp, VERIFY_SCHEME_OPTIONS } from './scheme-options.ts';
import { UsageError, readInput } from './usage-error.ts';
import { verifySetup } from './verify-scheme.ts';

const HELP = `usage: signwire verify (--keys FILE | --secret S [--key-id ID]) [--scheme NAME [scheme options]]
                       [RAW_REQUEST_FILE | -] [--https] [--window SECONDS] [--debug]

Reads one raw HTTP/1.1 request (from the file, or stdin without one or with
"-"; LF line endings are accepted in the head) and verifies its signature as
the server would, with the scheme's own verifier. Prints
"OK keyid=… alg=… created=…" (and "scheme=…" for a scheme other than
rfc9421) and exits 0, or prints the error code and message and exits 1.

  --keys FILE        the server's keys file
  --secret S         instead of --keys: the shared secret of --key-id ID
                     (a webhook's secret; its key id defaults to the scheme's name)
  --https            the request came over TLS (default: http), for @scheme and @authority
  --window SECONDS   accepted clock difference (default 300, at most a year)
  --debug            on ERR_SIG_INVALID, print what the verifier computed: the signature
                     base, or SigV4's canonical request and string to sign
${schemeHelp(false)}`;

/**
 * Runs `signwire verify`; resolves with the exit code.
 *
 * @example
 * await verify(['--keys', 'signwire.keys.json', 'request.http']); // 0 when it verifies, else 1
 */
export async function verify(args: string[]): Promise<number> {
  const parsed = parseVerifyArgs(args);
  if (parsed === undefined) {
    console.log(HELP);
    return 0;
  }
  const { values, source, window } = parsed;
  const { name, scheme, keys } = await verifySetup(values);
  const request = parseRawRequest(await readInput(source), values.https === true ? 'https' : 'http');
  const verifier = createVerifier({ scheme, ...(keys !== undefined && { keys }), window, debug: values.debug === true });
  try {
    console.log(okLine(await verifier.verify(request), name));
    return 0;
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    printRefusal(error);
    return 1;
  }
}

/** The options, the request's source ("-" for stdin) and the window, or undefined for --help; throws `UsageError`. */
function parseVerifyArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...VERIFY_SCHEME_OPTIONS,
      keys: { type: 'string' },
      secret: { type: 'string' },
      'key-id': { type: 'string' },
      https: { type: 'boolean' },
      window: { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) return undefined;
  if (values.keys === undefined && values.secret === undefined) throw new UsageError('--keys FILE is required (or --secret S)');
  if (positionals.length > 1) throw new UsageError('give one RAW_REQUEST_FILE (or "-" for stdin)');
  const window = windowSeconds(values.window);
  const source = positionals[0] ?? '-';
  if (source === '-' && process.stdin.isTTY === true) throw new UsageError('give a RAW_REQUEST_FILE, or pipe the request into stdin');
  return { values, source, window };
}

/** The code and message, then every debug field the error carries (the signature base; SigV4's canonical request…). */
function printRefusal(error: SignatureError): void {
  console.log(`${error.code} ${error.message}`);
  for (const [field, value] of Object.entries(error.debugInfo ?? {})) console.log(`${words(field)}, as the verifier computed it:\n${value}`);
}

function okLine(verified: VerifiedSignature, scheme: string): string {
  const line = `OK keyid=${verified.keyId} alg=${verified.alg} created=${verified.created}`;
  return scheme === 'rfc9421' ? line : `${line} scheme=${scheme}`;
}

/** A debug field's name as words: "canonicalRequest" → "canonical request". */
function words(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
}

/** Decimal seconds only (no "0x10", "1e308" or " 5"), up to a year, the widest window a verifier takes. */
function windowSeconds(text: string | undefined): number {
  if (text === undefined) return 300;
  const seconds = /^[0-9]{1,10}(\.[0-9]{1,10})?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0 && seconds <= MAX_WINDOW_SECONDS)) {
    throw new UsageError(`--window must be a positive number of seconds up to ${MAX_WINDOW_SECONDS} (a year), got ${JSON.stringify(text)}`);
  }
  return seconds;
}
