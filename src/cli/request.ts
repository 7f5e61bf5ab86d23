/**
 * `signwire request`: signs a request with the scheme's signer (schemes.ts;
 * RFC 9421 by default, as `signedFetch` does), sends it with fetch, and
 * prints the response body (with `-i`, the status line and headers first).
 * Exit code 0 for a 2xx answer, 1 otherwise (the body is printed all the
 * same) and when the server cannot be reached.
 *
 * @example
 * signwire request http://127.0.0.1:8000/api/whoami --key-id demo --keys signwire.keys.json -i
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';
import { REQUEST_ARGS_HELP, REQUEST_OPTIONS, requestSpec } from './request-args.ts';
import { signedSpec, type SignedSpec } from './schemes.ts';

const HELP = `usage: signwire request [-X METHOD] URL [-d DATA|@FILE] [-H 'Name: value']… --key-id ID
                        (--keys FILE | --secret S | --private-key FILE) [--alg ALG]
                        [--scheme NAME [scheme options]] [-i]

Signs the request (RFC 9421, signwire profile, or the --scheme), sends it and
prints the response body. Exit code 0 for a 2xx answer, 1 for any other answer (its body
is printed too) or when the server cannot be reached.

${REQUEST_ARGS_HELP}
  -i, --include        print the status line and the response headers first`;

/**
 * Runs `signwire request`; resolves with the exit code.
 *
 * @example
 * await request(['http://127.0.0.1:8000/whoami', '--key-id', 'demo', '--keys', 'signwire.keys.json', '-i']); // 0 for a 2xx
 */
export async function request(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...REQUEST_OPTIONS, include: { type: 'boolean', short: 'i' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const spec = await requestSpec(values, positionals);
  if (spec.body !== undefined && (spec.method === 'GET' || spec.method === 'HEAD')) {
    throw new UsageError(`fetch cannot send a body with ${spec.method}; use -X POST, or signwire sign --curl`);
  }
  const signed = await signedSpec(spec, values);
  if (signed.body !== undefined && (signed.method === 'GET' || signed.method === 'HEAD')) {
    throw new UsageError(`the signature goes into the body, which fetch cannot send with ${signed.method}; use -X POST or --from query`);
  }
  const sent = fetchRequest(signed);
  let response: Response;
  try {
    response = await fetch(sent);
  } catch (error) {
    if (refusedByFetch(error)) throw new UsageError(`fetch cannot send this request: ${networkReason(error)}`);
    console.error(`signwire request: cannot reach ${spec.url.host}: ${networkReason(error)}`);
    return 1;
  }
  if (values.include === true) process.stdout.write(head(response));
  process.stdout.write(new Uint8Array(await response.arrayBuffer()));
  return response.ok ? 0 : 1;
}

/**
 * The request as fetch sends it; throws `UsageError` for what fetch will not
 * send at all (CONNECT, TRACE, a URL with credentials, a header that is not a ByteString).
 */
function fetchRequest(signed: SignedSpec): Request {
  const headers = [...signed.headers, ...Object.entries(signed.added)].map(([name, value]): [string, string] => [name, value]);
  try {
    return new Request(signed.url, { method: signed.method, headers, ...(signed.body !== undefined && { body: signed.body }) });
  } catch (error) {
    throw new UsageError(`fetch cannot send this request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/* Headers fetch's connection refuses before anything is sent (Connection: upgrade, Transfer-Encoding, Expect…). */
function refusedByFetch(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED';
}

/** The status line and headers, as curl -i shows them (fetch speaks HTTP/1.1 here). */
function head(response: Response): string {
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText}`.trimEnd()];
  for (const [name, value] of response.headers) lines.push(`${name}: ${value}`);
  return `${lines.join('\n')}\n\n`;
}

/* fetch rejects with TypeError('fetch failed') and the socket error as its cause. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.message ?? cause?.code ?? (error instanceof Error ? error.message : String(error));
}
