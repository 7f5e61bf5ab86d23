/**
 * Property tests of the command line, run in-process through the same
 * dispatcher as the executable: valid `sign`, `request` and `keygen`
 * command lines mutated with hostile tokens (unknown flags, flags without
 * values, `--flag=value`, values that look like flags, CR / LF / NUL,
 * non-ASCII, bad numbers, unreadable or malformed key files) end with exit
 * 0 and well-formed output, or with one line on stderr and exit 2 — never
 * a stack trace, never exit 1 for the caller's mistake; nothing is sent
 * and no keys file changes when a command fails. `-X`, `-H`, an rfc9421
 * `--key-id`, `--port` and `--workers` are checked against a simple model of
 * what is valid. Plain examples of what the properties found close the file.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { shellQuote } from '../../src/cli/curl-command.ts';
import { parseServeArgs } from '../../src/cli/serve-args.ts';
import { MAX_WORKERS } from '../../src/cluster/options.ts';
import { loadKeys } from '../../src/sign/keys/load-keys.ts';
import { runCli } from './run-cli.ts';
import { failureProblem, runInProcess } from './run-in-process.ts';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header line as printed: a token, ": ", then a value of HTAB, SP, visible ASCII or obs-text. */
const FIELD_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\t\x20-\x7e\x80-\xff]*$/;

const dir = mkdtempSync(join(tmpdir(), 'signwire-cli-args-'));
const startDir = process.cwd();
const file = (name: string): string => join(dir, name);
const KEYS = file('keys.json');
const ED_PEM = file('ed.private.pem');
const PUBLIC_PEM = file('ed.public.pem');
const BAD_JSON = file('bad.json');
const NOT_KEYS = file('array.json');
const BAD_KEY = file('bad-key.json');
const BODY = file('body.json');

let server: Server;
let base = '';
let received = 0;

before(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(KEYS, JSON.stringify({ keys: { k: { alg: 'hmac-sha256', secret: 'shh' }, ed: { alg: 'ed25519', publicKey: publicKey.export({ type: 'spki', format: 'pem' }) } } }));
  writeFileSync(ED_PEM, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(PUBLIC_PEM, publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(BAD_JSON, '{"keys": {"k": ');
  writeFileSync(NOT_KEYS, '[]');
  writeFileSync(BAD_KEY, JSON.stringify({ keys: { k: { alg: 'ed25519', publicKey: 'not a key' } } }));
  writeFileSync(BODY, '{"qty":1}');
  process.chdir(dir); // keygen's default --out, and any relative path the properties make up, land here
  server = createServer((socket) => answerOnce(socket, () => (received += 1)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  process.chdir(startDir);
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

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
const hostileValue = (): fc.Arbitrary<string> =>
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

const SIGN_FLAGS = [
  '-X', '-d', '-H', '--request', '--data', '--header', '--key-id', '--keys', '--secret', '--private-key', '--alg', '--scheme', '--region',
  '--service', '--session-token', '--expires', '--algorithm', '--from', '--app-key-field', '--sign-field', '--timestamp-field',
  '--nonce-field', '--algorithm-field', '--timestamp-unit', '--secret-field', '--hex-case',
];
const SIGN_BOOLEANS = ['--presign', '--unsigned-payload'];

/** A flag, known or not, with or without a value, as `--flag value` or `--flag=value`. */
function flagTokens(flags: readonly string[], booleans: readonly string[]): fc.Arbitrary<string[]> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(...flags), hostileValue()).map(([flag, value]) => [flag, value]),
    fc.tuple(fc.constantFrom(...flags.filter((flag) => flag.startsWith('--'))), hostileValue()).map(([flag, value]) => [`${flag}=${value}`]),
    fc.constantFrom(...flags, ...booleans, '--bogus', '-Z', '--key-id=', '--curl=yes', '--presign=1').map((flag) => [flag]),
    hostileValue().map((value) => [value]),
  );
}

type Mutation = { readonly at: number; readonly kind: 'insert' | 'replace' | 'delete' | 'join'; readonly tokens: readonly string[] };

const mutations = (flags: readonly string[], booleans: readonly string[]): fc.Arbitrary<Mutation[]> =>
  fc.array(
    fc.record({ at: fc.nat(), kind: fc.constantFrom('insert', 'replace', 'delete', 'join'), tokens: flagTokens(flags, booleans) }),
    { maxLength: 3 },
  );

/** The argument list with each mutation applied: a token inserted, a value replaced, a token deleted, `--flag value` joined. */
function mutate(args: readonly string[], changes: readonly Mutation[]): string[] {
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

/** Valid `sign` / `request` command lines, one per scheme and key source (the URL is filled in per run). */
function validCommandLines(url: string): string[][] {
  const secret = ['--key-id', 'k', '--secret', 's'];
  return [
    [url, ...secret],
    [url, '-d', '{"qty":1}', '--key-id', 'k', '--keys', KEYS],
    ['-X', 'PUT', url, '-d', `@${BODY}`, '-H', 'X-Trace: 1', '--key-id', 'ed', '--private-key', ED_PEM],
    [url, '--scheme', 'classic', ...secret, '--from', 'headers'],
    [url, '-X', 'POST', '--scheme', 'classic', ...secret, '--from', 'body', '-d', 'a=1'],
    [url, '--scheme', 'sigv4', '--region', 'us-east-1', '--service', 'orders', '--key-id', 'AKID', '--secret', 's', '--session-token', 'tok'],
    [url, '--scheme', 'stripe', '--secret', 'whsec', '-d', '{}'],
    [url, '--scheme', 'github', '--key-id', 'k', '--keys', KEYS, '-d', '{}'],
  ];
}

/** `--help` exits 0 with the usage: not what these properties are about. */
function asksForHelp(arg: string): boolean {
  return arg === '--help' || /^-[^-]*h/.test(arg) || arg.startsWith('--help=');
}

/** Why `sign`'s output is not what a shell or an HTTP client can take as it is, if it is not. */
function signOutputProblem(stdout: string, curl: boolean): string | undefined {
  if (stdout === '') return 'exit 0 with nothing printed';
  if (curl) {
    if (!stdout.startsWith('curl -sS ')) return 'the curl command does not start with curl';
    for (const part of stdout.split(' \\\n  ').filter((p) => p.startsWith('-H '))) {
      const quoted = part.slice(3).trimEnd();
      const header = quoted.startsWith("'") ? quoted.slice(1, -1).replaceAll(`'\\''`, "'") : quoted;
      if (!FIELD_LINE.test(header) && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:$/.test(header)) return `a malformed -H ${JSON.stringify(header)}`;
    }
    return undefined;
  }
  const head = stdout.split('\n\n', 1)[0]!.split('\n').filter((line) => line !== '');
  for (const [i, line] of head.entries()) {
    if (i === 0 && /^https?:\/\/\S+$/.test(line)) continue;
    if (!FIELD_LINE.test(line)) return `a malformed header line ${JSON.stringify(line)}`;
  }
  return undefined;
}

describe('sign and request with mutated command lines', () => {
  test('sign exits 0 with well-formed headers or exits 2 with one line on stderr, never 1 and never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.boolean(), fc.constantFrom('http://127.0.0.1:8000/orders?x=1', 'https://api.example/a%20b'), mutations(SIGN_FLAGS, [...SIGN_BOOLEANS, '--curl']), async (which, curl, url, changes) => {
        const lines = validCommandLines(url);
        const args = mutate([...lines[which % lines.length]!, ...(curl ? ['--curl'] : [])], changes);
        if (args.some(asksForHelp)) return;
        const result = await runInProcess(['sign', ...args]);
        const context = `${JSON.stringify(args)} → ${result.code}\n${result.stdout}${result.stderr}`;
        assert.ok(result.code === 0 || result.code === 2, context);
        if (result.code === 0) {
          assert.equal(signOutputProblem(result.stdout, args.includes('--curl')), undefined, context);
        } else {
          assert.equal(failureProblem('sign', result), undefined, context);
          assert.equal(result.stdout, '', context);
        }
      }),
      { numRuns: 1500, includeErrorInReport: true },
    );
  });

  test('-X is taken iff it is a token, and sent upper-cased', async () => {
    const method = fc.oneof(fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~0-9-]{1,8}$/), hostileValue());
    await fc.assert(
      fc.asyncProperty(method, async (m) => {
        const result = await runInProcess(['sign', `--request=${m}`, 'http://127.0.0.1:8000/orders', '--key-id', 'k', '--secret', 's', '--curl']);
        assert.equal(result.code, TOKEN.test(m) ? 0 : 2, `${JSON.stringify(m)}: ${result.stderr}`);
        if (result.code === 0) assert.ok(result.stdout.includes(m.toUpperCase() === 'HEAD' ? '--head' : `-X ${m.toUpperCase()} `), result.stdout);
        else assert.equal(failureProblem('sign', result), undefined, result.stderr);
      }),
      { numRuns: 500, includeErrorInReport: true },
    );
  });

  test('-H is taken iff its name is a token and its value has no control character or character beyond U+00FF, and is sent trimmed', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '-', ' ', '\t', ':', '\r', '\n', '\0', '\u0001', '\u007f', 'é', '\u0100', '"', "'", '(', '@'), maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.stringMatching(/^[A-Za-z-]{1,6}$/), text), text, fc.boolean(), async (name, value, colon) => {
        const line = colon ? `${name}:${value}` : `${name}${value}`;
        const result = await runInProcess(['sign', 'http://127.0.0.1:8000/orders', `--header=${line}`, '--key-id', 'k', '--secret', 's', '--curl']);
        const cut = line.indexOf(':');
        const [given, sent] = [line.slice(0, Math.max(cut, 0)), line.slice(cut + 1).trim()];
        const valid = cut !== -1 && TOKEN.test(given) && /^[\t\x20-\x7e\x80-\xff]*$/.test(sent);
        assert.equal(result.code, valid ? 0 : 2, `${JSON.stringify(line)}: ${result.stderr}`);
        if (valid) assert.ok(result.stdout.includes(`-H ${shellQuote(`${given}: ${sent}`)}`), result.stdout);
        else assert.equal(failureProblem('sign', result), undefined, result.stderr);
      }),
      { numRuns: 1000, includeErrorInReport: true },
    );
  });

  test('an rfc9421 --key-id is taken iff it is printable ASCII, and sent as an escaped sf-string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 8 }), hostileValue()), async (keyId) => {
        const result = await runInProcess(['sign', 'http://127.0.0.1:8000/orders', `--key-id=${keyId}`, '--secret', 's']);
        const valid = /^[\x20-\x7e]+$/.test(keyId);
        assert.equal(result.code, valid ? 0 : 2, `${JSON.stringify(keyId)}: ${result.stderr}`);
        if (valid) assert.ok(result.stdout.includes(`;keyid="${keyId.replace(/[\\"]/g, '\\$&')}";`), result.stdout);
        else assert.equal(failureProblem('sign', result), undefined, result.stderr);
      }),
      { numRuns: 1000, includeErrorInReport: true },
    );
  });

  test('request sends exactly one request and exits 0, or sends nothing and exits 2 with one line on stderr', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom('/orders', '/a?b=c%20d'), mutations(SIGN_FLAGS, SIGN_BOOLEANS), async (which, path, changes) => {
        const lines = validCommandLines(`${base}${path}`);
        const args = mutate(lines[which % lines.length]!, changes);
        if (args.some(asksForHelp)) return;
        const before = received;
        const result = await runInProcess(['request', ...args]);
        const context = `${JSON.stringify(args)} → ${result.code}\n${result.stdout}${result.stderr}`;
        if (result.code === 0) {
          assert.equal(received - before, 1, context);
        } else {
          assert.equal(result.code, 2, context);
          assert.equal(failureProblem('request', result), undefined, context);
          assert.equal(received, before, `sent a request: ${context}`);
        }
      }),
      { numRuns: 400, includeErrorInReport: true },
    );
  });
});

/** Every file in `root` (and below, when `recursive`) and its content, to tell whether a failed command changed anything. */
function snapshot(root: string, recursive = true, files = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(root, { recursive, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) files.set(path, readFileSync(path, 'latin1'));
  }
  return files;
}

describe('keygen with mutated command lines', () => {
  const KEYGEN_FLAGS = ['--alg', '--id', '--out'];
  const existing = { keys: { a: { alg: 'hmac-sha256', secret: 'kept' } } };

  test('keygen writes a keys file loadKeys reads, keeping its keys, or exits 2 with one line and changes no file', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('hmac-sha256', 'ed25519', 'ecdsa-p256-sha256', 'rsa-pss-sha512', 'HMAC-SHA256', ''),
        fc.constantFrom('key1', 'a', 'x.y_z-1', '-lead', '../up', 'a/b', 'é', '', 'k'.repeat(65)),
        fc.constantFrom('new.json', 'existing.json', 'bad.json', 'array.json', 'no/such/dir/keys.json', '.'),
        mutations(KEYGEN_FLAGS, []),
        async (alg, id, out, changes) => {
          const own = join(dir, `keygen-${(run += 1)}`);
          mkdirSync(own);
          writeFileSync(join(own, 'existing.json'), JSON.stringify(existing));
          writeFileSync(join(own, 'bad.json'), '{"keys":');
          writeFileSync(join(own, 'array.json'), '[]');
          const args = mutate(['--alg', alg, '--id', id, '--out', join(own, out)], changes);
          if (args.some(asksForHelp)) return;
          const before = snapshot(own, true, snapshot(dir, false));
          const result = await runInProcess(['keygen', ...args]);
          const context = `${JSON.stringify(args)} → ${result.code}\n${result.stdout}${result.stderr}`;
          if (result.code !== 0) {
            assert.equal(result.code, 2, context);
            assert.equal(failureProblem('keygen', result), undefined, context);
            assert.deepEqual(snapshot(own, true, snapshot(dir, false)), before, `a failed keygen changed files: ${context}`);
            return;
          }
          const made = /^(Created|Updated) ([\s\S]+) with the (\S+) (?:public )?key "([^"]+)"/.exec(result.stdout);
          assert.ok(made !== null, context);
          const [, verb, file, madeAlg, madeId] = made;
          const keys = await loadKeys(file!);
          assert.equal(keys[madeId!]?.alg, madeAlg, context);
          const previous = before.get(resolve(file!));
          assert.equal(verb === 'Updated', previous !== undefined, context);
          if (previous !== undefined) {
            for (const [keyId, entry] of Object.entries((JSON.parse(previous) as { keys: Record<string, unknown> }).keys)) assert.deepEqual(JSON.parse(readFileSync(file!, 'utf8')).keys[keyId], entry, context);
          }
        },
      ),
      { numRuns: 300, includeErrorInReport: true },
    );
  });
});

describe('serve arguments', () => {
  const portText = fc.oneof(fc.stringMatching(/^[0-9]{1,7}$/), hostileValue());
  const workersText = fc.oneof(fc.constantFrom('auto', '1', '2', String(MAX_WORKERS), String(MAX_WORKERS + 1), '0', '01', '1.5', '-1', '99999', 'AUTO'), hostileValue());

  test('--port is taken iff it is digits up to 65535, --workers iff "auto" or a positive integer; else exit 2 with one line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(portText, { nil: undefined }), fc.option(workersText, { nil: undefined }), fc.option(portText, { nil: undefined }), async (port, workers, env) => {
        const args = [...(port === undefined ? [] : [`--port=${port}`]), ...(workers === undefined ? [] : [`--workers=${workers}`]), '--quiet'];
        const saved = process.env['PORT'];
        if (env === undefined) delete process.env['PORT'];
        else process.env['PORT'] = env;
        try {
          const text = port ?? env ?? '8000';
          const portOk = /^[0-9]+$/.test(text) && Number(text) <= 65535;
          const workersOk = workers === undefined || workers === 'auto' || (/^[1-9][0-9]*$/.test(workers) && Number(workers) <= MAX_WORKERS);
          let options: ReturnType<typeof parseServeArgs> | undefined;
          try {
            options = parseServeArgs(args);
          } catch {
            // checked below, through the command
          }
          assert.equal(options !== undefined, portOk && workersOk, `${JSON.stringify(args)} PORT=${JSON.stringify(env)}`);
          if (options !== undefined) {
            assert.equal(options.port, Number(text));
            return; // valid: serving is not this property's business (it would listen)
          }
          const result = await runInProcess(['serve', ...args]);
          assert.equal(result.code, 2, result.stderr);
          assert.equal(failureProblem('serve', result), undefined, result.stderr);
        } finally {
          if (saved === undefined) delete process.env['PORT'];
          else process.env['PORT'] = saved;
        }
      }),
      { numRuns: 1000, includeErrorInReport: true },
    );
  });
});

describe('cases the properties found', () => {
  const URL_ = 'http://127.0.0.1:8000/orders';
  const SECRET = ['--key-id', 'k', '--secret', 's'];

  async function refused(args: readonly string[], message: RegExp): Promise<void> {
    const result = await runInProcess(args);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(failureProblem(args[0]!, result), undefined, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '');
  }

  test('sign refuses a non-ASCII rfc9421 --key-id with exit 2, not exit 1 with ERR_SIG_MALFORMED', async () => {
    await refused(['sign', URL_, '--key-id', 'é', '--secret', 's'], /--key-id "é" must be printable ASCII/);
  });

  test('sign refuses -H with a control character or a character beyond U+00FF in its value', async () => {
    await refused(['sign', URL_, '-H', 'X: a\u0001b', ...SECRET], /-H "X" has a control character in its value/);
    await refused(['sign', URL_, '-H', 'X: \u0100', ...SECRET], /-H "X" has a character beyond U\+00FF/);
  });

  test('sign refuses -X ſ, which upper-cases to the token S', async () => {
    await refused(['sign', '-X', 'ſ', URL_, ...SECRET], /-X "ſ" is not a method/);
  });

  test('classic with --from headers refuses a --key-id that would split the printed header', async () => {
    await refused(['sign', URL_, '--scheme', 'classic', '--from', 'headers', '--key-id', 'k\nX-Evil: 1', '--secret', 's'], /--key-id "k\\nX-Evil: 1" cannot be sent in the "appid" header/);
  });

  test('sign with --key-id __proto__ and a keys file says the key is not in the file', async () => {
    await refused(['sign', URL_, '--key-id', '__proto__', '--keys', KEYS], /key "__proto__" is not in /);
  });

  test('an error message never carries a raw CR or other control character to the terminal', async () => {
    await refused(['sign', URL_, ...SECRET, '--alg', 'x\ry\u001b[2J'], /unknown --alg "x\\x0dy\\x1b\[2J"/);
  });

  test('request refuses what fetch will not send (CONNECT, credentials in the URL, Connection: upgrade, Expect) with exit 2, sending nothing', async () => {
    const before = received;
    await refused(['request', '-X', 'CONNECT', `${base}/orders`, ...SECRET], /fetch cannot send this request: 'CONNECT' HTTP method is unsupported/);
    await refused(['request', base.replace('//', '//user:pw@'), ...SECRET], /fetch cannot send this request: .*credentials/);
    await refused(['request', `${base}/orders`, '-H', 'Connection: upgrade', ...SECRET], /fetch cannot send this request: invalid connection header/);
    await refused(['request', `${base}/orders`, '-H', 'Expect: 100-continue', ...SECRET], /fetch cannot send this request: expect header not supported/);
    assert.equal(received, before);
  });

  test('serve --keys FILE holding other keys exits 2 and leaves the file as it was (it was replaced by a demo key)', async () => {
    const before = readFileSync(KEYS, 'utf8');
    const result = await runCli(['serve', '--keys', KEYS, '--port', '0', '--quiet'], { timeoutMs: 20_000 });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(failureProblem('serve', result), undefined, result.stderr);
    assert.match(result.stderr, /has no hmac-sha256 key "demo", and it is not written over/);
    assert.equal(readFileSync(KEYS, 'utf8'), before);
  });

  test('keygen into a directory that does not exist exits 2 with "cannot write", not 1 with a raw ENOENT', async () => {
    await refused(['keygen', '--out', join(dir, 'no/such/dir/keys.json')], /cannot write .*no\/such\/dir\/keys\.json: ENOENT/);
  });
});
