/**
 * `signwire sign`: prints what signs one request, or with `--curl` a
 * complete curl command that sends it. The signature is made by the
 * library's own signer for the scheme (schemes.ts): for RFC 9421 the same
 * `signRequest` the client library exports.
 *
 * What is printed: the URL first when the scheme changed it (a presigned
 * SigV4 URL, classic fields in the query), then the headers to add (the
 * Content-Type when this command chose it first), then, after a blank
 * line, the body when the scheme changed it (classic fields in the body).
 *
 * @example
 * signwire sign -X POST http://127.0.0.1:8000/orders -d '{"qty":1}' --key-id demo --keys signwire.keys.json --curl
 * signwire sign http://127.0.0.1:8000/orders/7 --scheme sigv4 --region us-east-1 --service orders --key-id AKID --secret S --presign
 */
import { parseArgs } from 'node:util';
import { curlCommand } from './curl-command.ts';
import { REQUEST_ARGS_HELP, REQUEST_OPTIONS, requestSpec, type RequestSpec } from './request-args.ts';
import { signedSpec, type SignedSpec } from './schemes.ts';

const HELP = `usage: signwire sign [-X METHOD] URL [-d DATA|@FILE] [-H 'Name: value']… --key-id ID
                     (--keys FILE | --secret S | --private-key FILE) [--alg ALG]
                     [--scheme NAME [scheme options]] [--curl]

Prints what signs the request. RFC 9421 (signwire profile, the default): the
Content-Type when this command chose it, Content-Digest (with a body),
Signature-Input and Signature. SigV4: X-Amz-Date, X-Amz-Content-Sha256 and
Authorization, or with --presign the presigned URL. Classic: the URL or the
body with the signature fields added. Stripe, Slack, GitHub: the vendor's
signature headers for the body. Send them once, within the server's window
(300 s by default): signatures carry a fresh nonce or timestamp.

${REQUEST_ARGS_HELP}
  --curl               print a complete curl command instead`;

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
  const signed = await signedSpec(spec, values);
  console.log(values.curl === true ? curlCommand(signed, signed.added) : printed(spec, signed));
  return 0;
}

/** The URL if it changed, the headers to add, and the body if it changed. */
function printed(spec: RequestSpec, signed: SignedSpec): string {
  const lines: string[] = [];
  if (signed.url.href !== spec.url.href) lines.push(signed.url.href);
  if (signed.addedContentType !== undefined) lines.push(`Content-Type: ${signed.addedContentType}`);
  for (const [name, value] of Object.entries(signed.added)) lines.push(`${name}: ${value}`);
  if (signed.body !== spec.body && signed.body !== undefined) lines.push('', new TextDecoder().decode(signed.body));
  return lines.join('\n');
}
