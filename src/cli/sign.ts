/**
 * `signwire sign`: prints the headers that sign one request, or with
 * `--curl` a complete curl command that sends it. The signature is made by
 * the same `signRequest` the client library exports.
 *
 * @example
 * signwire sign -X POST http://127.0.0.1:8000/orders -d '{"qty":1}' --key-id demo --keys signwire.keys.json --curl
 */
import { parseArgs } from 'node:util';
import { signRequest } from '../client/sign-request.ts';
import { curlCommand } from './curl-command.ts';
import { REQUEST_ARGS_HELP, REQUEST_OPTIONS, requestSpec, type RequestSpec } from './request-args.ts';

const HELP = `usage: signwire sign [-X METHOD] URL [-d DATA|@FILE] [-H 'Name: value']… --key-id ID
                     (--keys FILE | --secret S | --private-key FILE) [--alg ALG] [--curl]

Prints the headers that sign the request (RFC 9421, signwire profile): the
Content-Type when this command chose it, Content-Digest (with a body),
Signature-Input and Signature. Send them once, within the server's window
(300 s by default): each signature carries a fresh nonce.

${REQUEST_ARGS_HELP}
  --curl               print a complete curl command instead of the headers`;

/**
 * Runs `signwire sign`; resolves with the exit code.
 *
 * @example
 * await sign(['http://127.0.0.1:8000/whoami', '--key-id', 'demo', '--secret', 's']); // 0
 */
export async function sign(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...REQUEST_OPTIONS, curl: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const spec = await requestSpec(values, positionals);
  const added = await signatureHeaders(spec);
  if (values.curl === true) {
    console.log(curlCommand(spec, added));
    return 0;
  }
  if (spec.addedContentType !== undefined) console.log(`Content-Type: ${spec.addedContentType}`);
  for (const [name, value] of Object.entries(added)) console.log(`${name}: ${value}`);
  return 0;
}

/**
 * The headers that sign `spec` (Content-Digest, Signature-Input, Signature).
 *
 * @example
 * const added = await signatureHeaders(await requestSpec(values, positionals));
 */
export function signatureHeaders(spec: RequestSpec): Promise<Record<string, string>> {
  const { keyId, alg, key } = spec.key;
  return signRequest({ method: spec.method, url: spec.url, headers: spec.headers, body: spec.body }, { keyId, alg, key });
}
