/**
 * Shared fixture of the command-line property tests (arguments-*.test.ts):
 * a temporary directory of key files, good and bad, that the tests run in;
 * a server that counts the requests it gets; values that break things; and
 * a valid command line mutated with them (a token inserted, replaced or
 * deleted, `--flag value` joined).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import fc from 'fast-check';

/** Where the key files are, and where the tests run (see `useKeyFiles`). */
export const dir = mkdtempSync(join(tmpdir(), 'signwire-cli-args-'));
const startDir = process.cwd();
const file = (name: string): string => join(dir, name);
export const KEYS = file('keys.json');
export const ED_PEM = file('ed.private.pem');
const PUBLIC_PEM = file('ed.public.pem');
const BAD_JSON = file('bad.json');
const NOT_KEYS = file('array.json');
const BAD_KEY = file('bad-key.json');
export const BODY = file('body.json');

let server: Server;
/** The counting server's URL, once `useCountingServer`'s hook has started it. */
export let base = '';
/** Requests the counting server has received. */
export let received = 0;

/** Writes the key files into `dir` and runs the file's tests there; removes it all after them. */
export function useKeyFiles(): void {
  before(() => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(KEYS, JSON.stringify({ keys: { k: { alg: 'hmac-sha256', secret: 'shh' }, ed: { alg: 'ed25519', publicKey: publicKey.export({ type: 'spki', format: 'pem' }) } } }));
    writeFileSync(ED_PEM, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(PUBLIC_PEM, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(BAD_JSON, '{"keys": {"k": ');
    writeFileSync(NOT_KEYS, '[]');
    writeFileSync(BAD_KEY, JSON.stringify({ keys: { k: { alg: 'ed25519', publicKey: 'not a key' } } }));
    writeFileSync(BODY, '{"qty":1}');
    process.chdir(dir); // keygen's default --out, and any relative path the properties make up, land here
  });
  after(() => {
    process.chdir(startDir);
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Starts the counting server (at `base`) before the file's tests; closes it after them. */
export function useCountingServer(): void {
  before(async () => {
    server = createServer((socket) => answerOnce(socket, () => (received += 1)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));
}

/**
 * A server that takes any method: it counts one request once the head and
 * Content-Length bytes of body have arrived, answers 200 and closes.
 */
function answerOnce(socket: Socket, count: () => void): void {
  let bytes = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    bytes = Buffer.concat([bytes, chunk]);
    const end = bytes.indexOf('\r\n\r\n');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(bytes.subarray(0, end).toString('latin1'))?.[1] ?? 0);
    if (end === -1 || bytes.length < end + 4 + length) return;
    count();
    socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
}

/** Values that break things: flag look-alikes, separators, line breaks, NUL, non-ASCII, bad numbers and paths. */
export const hostileValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '', '-', '--', '-x', '--secret', '=', '0', '-1', '1e309', 'NaN', '0x10', ' 5', '99999999999999999999', 'é', '\u0100', '中',
      'a\r\nX-Evil: 1', 'a\nb', 'a\rb', '\0', '\t', 'a\u0001b', '\u007f', 'Host: x', 'X:', ':', 'a:b', 'X: a\u0001b', 'Connection: upgrade',
      'Transfer-Encoding: chunked', 'Expect: 100-continue', 'http://', 'not a url', 'ftp://x/', '/relative', 'http://u:p@127.0.0.1:1/',
      '@', '@/no/such/file', `@${BAD_JSON}`, `@${BODY}`, KEYS, BAD_JSON, NOT_KEYS, BAD_KEY, ED_PEM, PUBLIC_PEM, dir, '/no/such/file',
      '__proto__', 'constructor', 'toString', 'CONNECT', 'TRACE', 'ſ', 'ﬀ', 'sigv4', 'classic', 'headers', 'body', 'query,body',
    ),
    fc.string({ unit: fc.constantFrom('%', ';', ',', '"', '=', '\\', '\r', '\n', '\0', 'é', ':', '\t', ' ', '-', '@', 'a', 'Z', '1', '\u0100'), maxLength: 12 }),
  );

/** A flag, known or not, with or without a value, as `--flag value` or `--flag=value`. */
function flagTokens(flags: readonly string[], booleans: readonly string[]): fc.Arbitrary<string[]> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...flags), hostileValue()).map(([flag, value]) => [flag, value]),
    fc.tuple(fc.constantFrom(...flags.filter((flag) => flag.startsWith('--'))), hostileValue()).map(([flag, value]) => [`${flag}=${value}`]),
    fc.constantFrom(...flags, ...booleans, '--bogus', '-Z', '--key-id=', '--curl=yes', '--presign=1').map((flag) => [flag]),
    hostileValue().map((value) => [value]),
  );
}

export type Mutation = { readonly at: number; readonly kind: 'insert' | 'replace' | 'delete' | 'join'; readonly tokens: readonly string[] };

export const mutations = (flags: readonly string[], booleans: readonly string[]): fc.Arbitrary<Mutation[]> =>
  fc.array(
    fc.record({ at: fc.nat(), kind: fc.constantFrom('insert', 'replace', 'delete', 'join'), tokens: flagTokens(flags, booleans) }),
    { maxLength: 3 },
  );

/** The argument list with each mutation applied: a token inserted, a value replaced, a token deleted, `--flag value` joined. */
export function mutate(args: readonly string[], changes: readonly Mutation[]): string[] {
  const out = [...args];
  for (const { at, kind, tokens } of changes) {
    const i = at % (out.length + 1);
    if (kind === 'insert') out.splice(i, 0, ...tokens);
    else if (kind === 'delete' && i < out.length) out.splice(i, 1);
    else if (kind === 'replace' && i < out.length && !out[i]!.startsWith('-')) out[i] = tokens[tokens.length - 1]!;
    else if (kind === 'join' && i + 1 < out.length && out[i]!.startsWith('--')) out.splice(i, 2, `${out[i]!}=${out[i + 1]!}`);
  }
  return out;
}

/** `--help` exits 0 with the usage: not what these properties are about. */
export function asksForHelp(arg: string): boolean {
  return arg === '--help' || /^-[^-]*h/.test(arg) || arg.startsWith('--help=');
}
