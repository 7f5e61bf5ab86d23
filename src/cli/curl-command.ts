/**
 * A curl command line that sends a signed request exactly as it was
 * signed: the method, the URL as the WHATWG parser serialises it (what the
 * signature's @path and @query were taken from), every header, and the
 * body: `--data-binary @FILE` for a file (plain `-d` would strip its
 * newlines), `--data-raw DATA` for text (never read as "@file").
 * Arguments are quoted for POSIX shells.
 */
import type { RequestSpec } from './request-args.ts';
import { UsageError } from './usage-error.ts';

/**
 * The argument quoted for a POSIX shell: as is when it is plainly safe,
 * else in single quotes (a single quote becomes '\'').
 *
 * @example
 * shellQuote('http://a/b'); // 'http://a/b'
 * shellQuote("it's");       // "'it'\\''s'"
 */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_/.:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The curl command for a request and the headers that sign it, one option per line.
 *
 * @example
 * curlCommand(spec, await signRequest(…));
 * // curl -sS -X POST http://127.0.0.1:8000/orders \
 * //   -H 'Content-Type: application/json' \
 * //   -H 'Content-Digest: sha-256=:…:' …
 */
export function curlCommand(spec: RequestSpec, signatureHeaders: Readonly<Record<string, string>>): string {
  const parts = ['curl -sS', spec.method === 'HEAD' ? '--head' : `-X ${spec.method}`, shellQuote(spec.url.href)];
  for (const [name, value] of [...spec.headers, ...Object.entries(signatureHeaders)]) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (spec.body !== undefined) parts.push(dataOption(spec));
  return parts.join(' \\\n  ');
}

function dataOption(spec: RequestSpec): string {
  if (spec.dataFile !== undefined && spec.dataFile !== '-') return `--data-binary ${shellQuote(`@${spec.dataFile}`)}`;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(spec.body);
  } catch {
    throw new UsageError('binary data from stdin cannot be put into a curl command; use -d @FILE');
  }
  if (text.includes('\0')) throw new UsageError('data with NUL bytes cannot be put into a curl command; use -d @FILE');
  return `--data-raw ${shellQuote(text)}`;
}
