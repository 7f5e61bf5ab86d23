/**
 * `signwire verify`: checks the signature of a raw HTTP/1.1 request (a file,
 * or stdin) with the server's own verifier and keys file, so a signature
 * that fails against a server can be examined offline.
 *
 * @example
 * signwire verify --keys signwire.keys.json request.http --debug
 */
import { parseArgs } from 'node:util';
import { loadKeys } from '../sign/keys/load-keys.ts';
import { SignatureError } from '../sign/errors.ts';
import { createVerifier } from '../sign/verifier.ts';
import { parseRawRequest } from './raw-request.ts';
import { UsageError, readInput } from './usage-error.ts';

const HELP = `usage: signwire verify --keys FILE [RAW_REQUEST_FILE | -] [--https] [--window SECONDS] [--debug]

Reads one raw HTTP/1.1 request (from the file, or stdin without one or with
"-"; LF line endings are accepted in the head) and verifies its RFC 9421
signature as the server would. Prints "OK keyid=… alg=… created=…" and exits
0, or prints the error code and message and exits 1.

  --keys FILE        the server's keys file
  --https            the request came over TLS (default: http), for @scheme and @authority
  --window SECONDS   accepted clock difference for created (default 300)
  --debug            on ERR_SIG_INVALID, print the signature base the verifier computed`;

/**
 * Runs `signwire verify`; resolves with the exit code.
 *
 * @example
 * await verify(['--keys', 'signwire.keys.json', 'request.http']); // 0 when it verifies, else 1
 */
export async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      keys: { type: 'string' },
      https: { type: 'boolean' },
      window: { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  if (values.keys === undefined) throw new UsageError('--keys FILE is required');
  if (positionals.length > 1) throw new UsageError('give one RAW_REQUEST_FILE (or "-" for stdin)');
  const window = windowSeconds(values.window);
  const source = positionals[0] ?? '-';
  if (source === '-' && process.stdin.isTTY === true) throw new UsageError('give a RAW_REQUEST_FILE, or pipe the request into stdin');
  const keys = await loadKeys(values.keys).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const request = parseRawRequest(await readInput(source), values.https === true ? 'https' : 'http');
  const verifier = createVerifier({ keys, window, debug: values.debug === true });
  try {
    const verified = await verifier.verify(request);
    console.log(`OK keyid=${verified.keyId} alg=${verified.alg} created=${verified.created}`);
    return 0;
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    console.log(`${error.code} ${error.message}`);
    if (error.signatureBase !== undefined) console.log(`signature base, as the verifier computed it:\n${error.signatureBase}`);
    return 1;
  }
}

function windowSeconds(text: string | undefined): number {
  if (text === undefined) return 300;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--window must be a positive number of seconds, got "${text}"`);
  return seconds;
}
