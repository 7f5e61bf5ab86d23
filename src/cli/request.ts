/**
 * `signwire request`: signs a request with `signedFetch`, sends it, and
 * prints the response body (with `-i`, the status line and headers first).
 * Exit code 0 for a 2xx answer, 1 otherwise (the body is printed all the
 * same) and when the server cannot be reached.
 *
 * @example
 * signwire request http://127.0.0.1:8000/api/whoami --key-id demo --keys signwire.keys.json -i
 */
import { parseArgs } from 'node:util';
import { signedFetch } from '../client/signed-fetch.ts';
import { UsageError } from './usage-error.ts';
import { REQUEST_ARGS_HELP, REQUEST_OPTIONS, requestSpec, type RequestSpec } from './request-args.ts';

const HELP = `usage: signwire request [-X METHOD] URL [-d DATA|@FILE] [-H 'Name: value']… --key-id ID
                        (--keys FILE | --secret S | --private-key FILE) [--alg ALG] [-i]

Signs the request (RFC 9421, signwire profile), sends it and prints the
response body. Exit code 0 for a 2xx answer, 1 for any other answer (its body
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
  let response: Response;
  try {
    response = await send(spec);
  } catch (error) {
    if ((error as { code?: unknown }).code !== undefined) throw error; // a signing error, not the network
    console.error(`signwire request: cannot reach ${spec.url.host}: ${networkReason(error)}`);
    return 1;
  }
  if (values.include === true) process.stdout.write(head(response));
  process.stdout.write(new Uint8Array(await response.arrayBuffer()));
  return response.ok ? 0 : 1;
}

function send(spec: RequestSpec): Promise<Response> {
  const { keyId, alg, key } = spec.key;
  const fetchSigned = signedFetch({ keyId, alg, key });
  const headers = spec.headers.map(([name, value]): [string, string] => [name, value]);
  return fetchSigned(spec.url, { method: spec.method, headers, ...(spec.body !== undefined && { body: spec.body }) });
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
