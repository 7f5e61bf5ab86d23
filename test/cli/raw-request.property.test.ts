/**
 * Property tests of `signwire verify` and the raw-request reader it uses:
 * any bytes (truncated heads, bare LF and CR, huge headers, binary junk,
 * hostile signature fields of every scheme), from a file or stdin, end
 * with a verdict (exit 1 and an ERR_SIG_ code on stdout) or one line on
 * stderr and exit 2 — never a crash, a hang, or exit 0; the reader itself
 * only ever throws `UsageError`. And a request signed by `signwire sign`,
 * written with any mix of CRLF and LF line endings and trailing whitespace,
 * verifies with every scheme.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseRawRequest } from '../../src/cli/raw-request.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { runCli } from './run-cli.ts';
import { failureProblem, runInProcess } from './run-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'signwire-cli-raw-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The verify options of each scheme, with the secret "s" under the key id the signer uses. */
const SCHEMES: Readonly<Record<string, readonly string[]>> = {
  rfc9421: ['--key-id', 'k', '--secret', 's'],
  classic: ['--scheme', 'classic', '--key-id', 'k', '--secret', 's'],
  sigv4: ['--scheme', 'sigv4', '--region', 'us-east-1', '--service', 'orders', '--key-id', 'AKID', '--secret', 's'],
  stripe: ['--scheme', 'stripe', '--secret', 's'],
  slack: ['--scheme', 'slack', '--secret', 's'],
  github: ['--scheme', 'github', '--secret', 's'],
};
const schemeName = fc.constantFrom(...Object.keys(SCHEMES));

/** Header lines each scheme reads, with values from an alphabet of the characters their parsers split on. */
const SIGNATURE_FIELDS = [
  'Signature-Input', 'Signature', 'Content-Digest', 'Authorization', 'X-Amz-Date', 'X-Amz-Content-Sha256', 'X-Amz-Security-Token',
  'Stripe-Signature', 'X-Slack-Signature', 'X-Slack-Request-Timestamp', 'X-Hub-Signature-256', 'X-GitHub-Delivery', 'appid', 'sign',
  'timestamp', 'nonce_str', 'Content-Type', 'Content-Length', 'Transfer-Encoding', 'Host',
];
const fieldValue = fc.oneof(
  fc.string({ unit: fc.constantFrom('s', 'i', 'g', '1', '0', 'a', 'f', '=', ';', ',', '"', ':', '(', ')', '@', '*', '\\', '/', ' ', 'é', '%', '-', 'v', 't', '\t'), maxLength: 40 }),
  fc.constantFrom(
    'sig1=("@method" "@authority" "@path" "@query");created=1;nonce="n";keyid="k";alg="hmac-sha256"', 'sig1=:AAAA:', 'sig1=:', 'sha-256=:x:',
    'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/orders/aws4_request, SignedHeaders=host, Signature=00', '20240101T000000Z',
    't=1,v1=00', 'v0=00', 'sha256=00', '99999999999999999999999', '-1', '1e400', 'chunked', 'application/x-www-form-urlencoded', 'application/json',
  ),
);
/** The fields that carry the signature itself: a different value there can never verify. */
const SIGNATURES = new Set(['signature', 'authorization', 'stripe-signature', 'x-slack-signature', 'x-hub-signature-256']);
const fieldLine = fc.tuple(fc.constantFrom(...SIGNATURE_FIELDS), fieldValue).map(([name, value]) => `${name}: ${value}`);

/** Raw requests that are almost right: a request line, hostile fields, line endings of every kind, and some body. */
const mostly = <T>(usual: T, ...others: T[]): fc.Arbitrary<T> => fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, fc.constantFrom(...others));
const httpish = fc
  .tuple(
    mostly('POST', 'GET', 'get', 'CONNECT', 'OPTIONS', ''),
    mostly('/orders?x=1', '/', '/a%zz?%', 'http://h/p?q', '*', '//x', 'h:1', '/\u00e9'),
    mostly(' HTTP/1.1', ' HTTP/1.0', ' HTTP/2.0', ' HTTP/1.1 ', '', ' http/1.1'),
    fc.array(fieldLine, { maxLength: 6 }),
    mostly('\r\n', '\n', '\r', '\r\r\n', '\n\r'),
    fc.string({ maxLength: 60 }),
  )
  .map(([method, target, version, fields, eol, body]) => {
    const lines = [`${method} ${target}${version}`, 'Host: 127.0.0.1:8000', ...fields];
    return Buffer.from(`${lines.join(eol)}${eol}${eol}${body}`, 'latin1');
  });

const anyBytes = fc.oneof(
  httpish,
  httpish.chain((bytes) => fc.nat({ max: bytes.length }).map((cut) => bytes.subarray(0, cut))), // truncated
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
);

describe('the raw-request reader', () => {
  test('any bytes are a request or a UsageError, never another exception', () => {
    fc.assert(
      fc.property(anyBytes, fc.constantFrom('http', 'https') as fc.Arbitrary<'http' | 'https'>, (bytes, scheme) => {
        try {
          const request = parseRawRequest(bytes, scheme);
          assert.equal(request.scheme, scheme);
          assert.equal(typeof request.method, 'string');
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('a well-formed request reads the same with CRLF, LF or mixed line endings, empty lines before it and whitespace after it', async () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/);
    const value = fc.stringMatching(/^[!-~]([ !-~]{0,20}[!-~])?$/);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(token, value), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        fc.constantFrom('', '\n', '\r\n', ' \n\t'),
        fc.constantFrom('', '\n', '\r\n', '\n\r\n\n'),
        async (fields, body, crlf, trailing, leading) => {
          const named = fields.filter(([name]) => !/^(host|content-length|transfer-encoding|expect)$/i.test(name));
          const lines = ['POST /orders?x=1 HTTP/1.1', 'Host: a.example', ...named.map(([n, v]) => `${n}: ${v}`), `Content-Length: ${body.length}`, ''];
          const head = lines.map((line, i) => `${line}${crlf[i % crlf.length] === true ? '\r\n' : '\n'}`).join('');
          const request = parseRawRequest(Buffer.concat([Buffer.from(leading + head, 'latin1'), body, Buffer.from(trailing)]), 'http');
          assert.equal(request.method, 'POST');
          assert.equal(request.path, '/orders');
          assert.equal(request.search, 'x=1');
          assert.equal(request.authority, 'a.example');
          for (const [name] of named) {
            const values = named.filter(([other]) => other.toLowerCase() === name.toLowerCase()).map(([, v]) => v.trim());
            assert.equal(request.header(name), values.join(name.toLowerCase() === 'cookie' ? '; ' : ', '));
          }
          assert.deepEqual(Buffer.from(await request.body()), Buffer.from(body));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** Why a verify run did not end with a verdict (exit 1, an ERR_SIG_ line) or a usage error (exit 2, one line), if it did not. */
function verdictProblem(result: { code: number | null; stdout: string; stderr: string }): string | undefined {
  if (result.code === 1) {
    if (result.stderr !== '') return `exit 1 with ${JSON.stringify(result.stderr)} on stderr`;
    return /^ERR_SIG_[A-Z_]+ /.test(result.stdout) ? undefined : 'exit 1 without an ERR_SIG_ code';
  }
  if (result.code === 2) return failureProblem('verify', result);
  return `exit ${String(result.code)}`;
}

describe('signwire verify with raw requests', () => {
  test('random bytes in a file or on stdin get a verdict or a usage error for every scheme, never exit 0', async () => {
    const file = join(dir, 'junk.http');
    await fc.assert(
      fc.asyncProperty(anyBytes, schemeName, fc.boolean(), async (bytes, scheme, viaStdin) => {
        writeFileSync(file, bytes);
        const result = viaStdin
          ? await runInProcess(['verify', ...SCHEMES[scheme]!, '-'], { input: bytes })
          : await runInProcess(['verify', ...SCHEMES[scheme]!, file]);
        assert.equal(verdictProblem(result), undefined, `${scheme} ${JSON.stringify(bytes.toString('latin1'))}\n${result.stdout}${result.stderr}`);
      }),
      { numRuns: 1500, includeErrorInReport: true },
    );
  });

  test('a request signed by `signwire sign` verifies with every scheme, whatever its line endings', async () => {
    const file = join(dir, 'signed.http');
    await fc.assert(
      fc.asyncProperty(
        schemeName,
        fc.option(fc.constantFrom('{"qty":1}', 'a=1&b=%20', '{"text":"line\\nbreak"}'), { nil: undefined }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.constantFrom('', '\n', '\r\n\r\n'),
        async (scheme, body, crlf, trailing) => {
          const signArgs = ['sign', '-X', 'POST', 'http://127.0.0.1:8000/orders?x=1', ...SCHEMES[scheme]!, ...(body === undefined ? [] : ['-d', body])];
          const signed = await runInProcess(signArgs);
          assert.equal(signed.code, 0, signed.stderr);
          const raw = rawRequest(signed.stdout, body, crlf, trailing);
          writeFileSync(file, raw);
          const result = await runInProcess(['verify', ...SCHEMES[scheme]!, file]);
          assert.equal(result.code, 0, `${JSON.stringify(raw.toString('latin1'))}\n${result.stdout}${result.stderr}`);
          assert.match(result.stdout, /^OK keyid=/);
        },
      ),
      { numRuns: 300, includeErrorInReport: true },
    );
  });

  test('a signed request with a signature field replaced, repeated or added gets an ERR_SIG_ verdict, never a crash', async () => {
    const file = join(dir, 'mutated.http');
    await fc.assert(
      fc.asyncProperty(schemeName, fc.nat(), fc.constantFrom('replace', 'repeat', 'add'), fieldLine, async (scheme, which, how, extra) => {
        const signed = await runInProcess(['sign', '-X', 'POST', 'http://127.0.0.1:8000/orders?x=1', ...SCHEMES[scheme]!, '-d', '{"qty":1}']);
        assert.equal(signed.code, 0, signed.stderr);
        const lines = signed.stdout.replace(/\n$/, '').split('\n');
        const i = which % lines.length;
        const name = lines[i]!.slice(0, Math.max(lines[i]!.indexOf(':'), 0));
        const forged = how === 'replace' && SIGNATURES.has(name.toLowerCase()) && lines[i] !== `${name}: ${extra.slice(extra.indexOf(':') + 2)}`;
        if (how === 'replace' && !/^https?:/.test(lines[i]!)) lines[i] = `${name}: ${extra.slice(extra.indexOf(':') + 2)}`;
        else if (how === 'repeat' && !/^https?:/.test(lines[i]!)) lines.splice(i, 0, `${name}: ${extra.slice(extra.indexOf(':') + 2)}`);
        else lines.push(extra);
        const raw = rawRequest(lines.join('\n'), '{"qty":1}', [true], '');
        writeFileSync(file, raw);
        const result = await runInProcess(['verify', ...SCHEMES[scheme]!, file]);
        assert.ok(!(forged && result.code === 0), `a forged signature verified: ${JSON.stringify(raw.toString('latin1'))}`);
        if (result.code === 0) return; // the change touched nothing the scheme reads (an extra field, an equal value)
        assert.equal(verdictProblem(result), undefined, `${scheme} ${JSON.stringify(raw.toString('latin1'))}\n${result.stdout}${result.stderr}`);
      }),
      { numRuns: 800, includeErrorInReport: true },
    );
  });

  test('--window is taken iff it is decimal seconds above 0, up to a year', async () => {
    const file = join(dir, 'window.http');
    const signed = await runInProcess(['sign', '-X', 'POST', 'http://127.0.0.1:8000/orders?x=1', ...SCHEMES['rfc9421']!, '-d', '{}']);
    writeFileSync(file, rawRequest(signed.stdout, '{}', [true], ''));
    const window = fc.oneof(
      fc.stringMatching(/^[0-9]{1,12}(\.[0-9]{1,3})?$/),
      fc.constantFrom('0', '0.0', '31536000', '31536000.5', '1e308', '1e3', '0x10', ' 5', '5 ', '-5', '+5', 'Infinity', 'NaN', '', '.5', '5.', '1_000', '٣'),
    );
    await fc.assert(
      fc.asyncProperty(window, async (text) => {
        const result = await runInProcess(['verify', ...SCHEMES['rfc9421']!, `--window=${text}`, file]);
        const valid = /^[0-9]{1,10}(\.[0-9]{1,10})?$/.test(text) && Number(text) > 0 && Number(text) <= 365 * 24 * 3600;
        if (!valid) {
          assert.equal(result.code, 2, `${JSON.stringify(text)}: ${result.stdout}${result.stderr}`);
          assert.match(result.stderr, /--window must be a positive number of seconds/);
        } else if (Number(text) >= 5) {
          assert.equal(result.code, 0, `${JSON.stringify(text)}: ${result.stdout}${result.stderr}`); // signed just now
        } else {
          assert.ok(result.code === 0 || /^ERR_SIG_EXPIRED /.test(result.stdout), `${JSON.stringify(text)}: ${result.stdout}${result.stderr}`);
        }
      }),
      { numRuns: 500, includeErrorInReport: true },
    );
  });

  test('verify with mutated command lines prints OK (exit 0), a verdict (exit 1) or one line on stderr (exit 2)', async () => {
    const file = join(dir, 'args.http');
    const signed = await runInProcess(['sign', '-X', 'POST', 'http://127.0.0.1:8000/orders?x=1', ...SCHEMES['classic']!, '-d', '{}']);
    writeFileSync(file, rawRequest(signed.stdout, '{}', [false], '\n'));
    const flags = ['--keys', '--secret', '--key-id', '--window', '--scheme', '--region', '--service', '--algorithm', '--from', '--app-key-field', '--sign-field', '--timestamp-field', '--nonce-field', '--algorithm-field', '--timestamp-unit', '--secret-field'];
    const token = fc.oneof(
      fc.tuple(fc.constantFrom(...flags), fieldValue).map(([flag, value]) => `${flag}=${value}`),
      fc.constantFrom(...flags, '--https', '--debug', '--https=1', '--bogus', '-Z', 'extra.http', file, join(dir, 'no-such.http'), dir),
    );
    await fc.assert(
      fc.asyncProperty(schemeName, fc.array(fc.tuple(fc.nat(), token), { maxLength: 3 }), async (scheme, inserts) => {
        const args = [...SCHEMES[scheme]!, file];
        for (const [at, arg] of inserts) args.splice(at % (args.length + 1), 0, arg);
        const result = await runInProcess(['verify', ...args]);
        const context = `${JSON.stringify(args)} → ${result.code}\n${result.stdout}${result.stderr}`;
        if (result.code === 0) assert.match(result.stdout, /^OK keyid=\S* alg=\S+ created=\d+( scheme=\w+)?\n$/, context);
        else assert.equal(verdictProblem(result), undefined, context);
      }),
      { numRuns: 800, includeErrorInReport: true },
    );
  });
});

/** The raw request `sign` printed the headers (and maybe a new URL or body) for, each head line ending CRLF or LF. */
function rawRequest(printed: string, body: string | undefined, crlf: readonly boolean[], trailing: string): Buffer {
  const [head = '', ...rest] = printed.replace(/\n$/, '').split('\n\n');
  const lines = head.split('\n').filter((line) => line !== '');
  const url = new URL(/^https?:/.test(lines[0] ?? '') ? lines.shift()! : 'http://127.0.0.1:8000/orders?x=1');
  const sentBody = rest.length > 0 ? rest.join('\n\n') : (body ?? '');
  const headLines = [`POST ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...lines, `Content-Length: ${Buffer.byteLength(sentBody)}`, ''];
  const text = headLines.map((line, i) => `${line}${crlf[i % crlf.length] === true ? '\r\n' : '\n'}`).join('');
  return Buffer.from(`${text}${sentBody}${trailing}`, 'utf8');
}

describe('cases the properties found', () => {
  test('a head of a million CRs and no blank line is refused at once (it took quadratic time: minutes)', () => {
    const started = performance.now();
    assert.throws(() => parseRawRequest(Buffer.from(`GET / HTTP/1.1${'\r'.repeat(1_000_000)}x`, 'latin1'), 'http'), UsageError);
    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
  });

  test('empty LF lines before the request line are ignored, as CRLF ones are', () => {
    const request = parseRawRequest(Buffer.from('\n\nGET /a?b HTTP/1.1\nHost: h\n\n'), 'http');
    assert.equal(request.target, '/a?b');
    assert.equal(request.authority, 'h');
  });

  test('a bare CR ending a head without a blank line is refused, not dropped', () => {
    assert.throws(() => parseRawRequest(Buffer.from('GET / HTTP/1.1\r\nHost: h\r'), 'http'), /ERR_HTTP_LINE_ENDING/);
  });

  test('verify refuses --window 1e308 (its nonce lifetime overflowed into ERR_SIG_STORE_UNAVAILABLE) and --window 0x10', async () => {
    for (const window of ['1e308', '0x10']) {
      const result = await runInProcess(['verify', ...SCHEMES['rfc9421']!, '--window', window, join(dir, 'none.http')]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /--window must be a positive number of seconds/);
    }
  });
});

describe('verify as a child process, reading stdin', () => {
  test('binary junk and a head cut short on stdin exit 2 with one line on stderr', async () => {
    const junk = await runCli(['verify', ...SCHEMES['rfc9421']!, '-'], { input: Buffer.from([0x00, 0xff, 0x0a, 0x0d, 0x47, 0x45, 0x54, 0x0a, 0x0a]) });
    assert.equal(junk.code, 2, junk.stdout + junk.stderr);
    assert.equal(failureProblem('verify', junk), undefined, junk.stderr);
    const cut = await runCli(['verify', ...SCHEMES['stripe']!], { input: 'POST /hook HTTP/1.1\nHost: h\nContent-Length: 10\n\n{"a"' });
    assert.equal(cut.code, 2, cut.stdout + cut.stderr);
    assert.match(cut.stderr, /^signwire verify: the body is shorter than its Content-Length/);
  });
});
