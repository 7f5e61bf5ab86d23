/**
 * Property tests of `sign` and `request`, run in-process through the same
 * dispatcher as the executable: valid command lines of every scheme and
 * key source, mutated with hostile tokens (unknown flags, flags without
 * values, `--flag=value`, values that look like flags, CR / LF / NUL,
 * non-ASCII, bad numbers, unreadable or malformed key files), end with exit
 * 0 and well-formed output, or with one line on stderr and exit 2 — never
 * a stack trace, never exit 1 for the caller's mistake; nothing is sent
 * when a command fails. `-X`, `-H` and an rfc9421 `--key-id` are checked
 * against a simple model of what is valid.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { shellQuote } from '../../src/cli/curl-command.ts';
import { BODY, ED_PEM, KEYS, asksForHelp, base, hostileValue, mutate, mutations, received, useCountingServer, useKeyFiles } from './arguments.fixture.ts';
import { failureProblem, runInProcess } from './run-in-process.ts';

useKeyFiles();
useCountingServer();

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header line as printed: a token, ": ", then a value of HTAB, SP, visible ASCII or obs-text. */
const FIELD_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\t\x20-\x7e\x80-\xff]*$/;

const SIGN_FLAGS = [
  '-X', '-d', '-H', '--request', '--data', '--header', '--key-id', '--keys', '--secret', '--private-key', '--alg', '--scheme', '--region',
  '--service', '--session-token', '--expires', '--algorithm', '--from', '--app-key-field', '--sign-field', '--timestamp-field',
  '--nonce-field', '--algorithm-field', '--timestamp-unit', '--secret-field', '--hex-case',
];
const SIGN_BOOLEANS = ['--presign', '--unsigned-payload'];

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
