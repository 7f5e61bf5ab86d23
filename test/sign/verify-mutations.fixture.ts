/**
 * Shared by the verification mutation properties: raw requests run through
 * an App byte for byte (any field line, repeated lines included, bounded in
 * time), the hostile alphabets the generators draw from, the error codes
 * docs/errors.md lists, the checks every refusal must pass (a 4xx with a
 * documented code, the handler not reached, nothing logged as an internal
 * error, no secret anywhere in the answer), and RFC 9421 requests signed
 * with the verify-policy fixture, as raw requests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { App } from '../../src/app/app.ts';
import { rawRequestInProcess, type InProcessResponse } from '../../src/app/in-process.ts';
import { verifySignature, type VerifySignatureOptions } from '../../src/sign/middleware.ts';
import { SignatureError } from '../../src/sign/errors.ts';
import { DEFAULT_LIMITS, type Limits } from '../../src/wire/limits.ts';
import { codeOf, recordingLogger } from '../helpers/app.ts';
import { AUTHORITY, sign, type Draft } from './verify-policy.fixture.ts';

/** A request as raw parts: header lines are sent in order, exactly as given (latin1), repeated names included. */
export interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Uint8Array;
}

/** The request's bytes; Content-Length is added for a body unless a line gives one. */
export function requestBytes(request: RawRequest): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const lines = [...request.headers];
  if (body !== undefined && !lines.some(([name]) => name.toLowerCase() === 'content-length')) lines.push(['content-length', String(body.length)]);
  const head = `${request.method} ${request.target} HTTP/1.1\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)]);
}

/** Header lines from a record (the verify-policy fixture's drafts). */
export function lines(headers: Readonly<Record<string, string>> = {}): Array<[string, string]> {
  return Object.entries(headers);
}

const HANG_MS = 2_000;

/**
 * Runs `bytes` through `app` as `app.request()` does (same parser, handler
 * and writer), without the `Headers` object in between; rejects when no
 * answer comes within 2 s. `limits` are the parser's (default: the server's defaults).
 */
export function sendRaw(app: App, request: RawRequest | Buffer, limits: Limits = DEFAULT_LIMITS): Promise<InProcessResponse> {
  const bytes = Buffer.isBuffer(request) ? request : requestBytes(request);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  return Promise.race([rawRequestInProcess(app.handler, bytes, limits), hang]).finally(() => clearTimeout(timer));
}

/** An app that verifies every request with `options` and counts those that reached the handler. */
export interface MutationApp {
  readonly app: App;
  handled(): number;
  /** What the app logged as internal errors (a refusal logs nothing). */
  readonly errors: unknown[];
}

export function mutationApp(options: VerifySignatureOptions): MutationApp {
  const { logger, errors } = recordingLogger();
  const app = new App({ logger });
  let handled = 0;
  app.use(verifySignature(options));
  app.all('/*', (c) => {
    handled += 1;
    return c.json({ signature: c.get('signature') });
  });
  return { app, handled: () => handled, errors };
}

/** Every error code docs/errors.md lists with an HTTP status, and that status. */
export const DOCUMENTED_STATUS: ReadonlyMap<string, number> = (() => {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const codes = new Map<string, number>();
  for (const [, code, status] of text.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \| (\d{3}) \|/gm)) codes.set(code!, Number(status));
  return codes;
})();

/**
 * Asserts a refusal: a 4xx whose JSON `error.code` is documented with that
 * status, no internal error logged, no secret in the answer's head or body.
 */
export function assertRefused(res: InProcessResponse, context: { readonly secrets: readonly string[]; readonly errors: readonly unknown[]; readonly what?: string }): void {
  const body = res.body.toString('latin1');
  const what = `${context.what ?? ''} → ${res.status} ${body}`;
  const code = codeOf(res);
  assert.ok(res.status >= 400 && res.status < 500, `a 4xx: ${what}`);
  assert.ok(code !== undefined && DOCUMENTED_STATUS.get(code) === res.status, `a code documented with status ${res.status}: ${what}`);
  assert.deepEqual(context.errors, [], `nothing logged: ${what}`);
  assertNoSecret(res, context.secrets, what);
}

/** No secret in the answer, in its text or its common encodings. */
export function assertNoSecret(res: InProcessResponse, secrets: readonly string[], what = ''): void {
  const head = [...res.headers].map(([n, v]) => `${n}: ${v}`).join('\n');
  const text = `${head}\n${res.body.toString('latin1')}`;
  for (const secret of secrets) {
    for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), JSON.stringify(secret).slice(1, -1)]) {
      assert.ok(!text.includes(form), `the answer shows a secret: ${what}`);
    }
  }
}

/**
 * Sends `request` and asserts a refusal (see `assertRefused`) that did not
 * reach the handler, with one of `codes` when given; resolves with the answer.
 */
export async function expectRefusal(
  t: MutationApp,
  request: RawRequest,
  context: { readonly what: string; readonly secrets: readonly string[]; readonly codes?: readonly string[]; readonly limits?: Limits },
): Promise<InProcessResponse> {
  const before = t.handled();
  const res = await sendRaw(t.app, request, context.limits);
  assertRefused(res, { secrets: context.secrets, errors: t.errors, what: context.what });
  const code = codeOf(res)!;
  if (context.codes !== undefined) assert.ok(context.codes.includes(code), `${context.what}: ${code} is one of ${context.codes.join(' ')}`);
  assert.equal(t.handled(), before, `${context.what}: the handler did not run`);
  return res;
}

/**
 * Asserts that `promise` (a `createVerifier().verify`) rejects with a
 * `SignatureError` whose code and status are documented.
 */
export async function assertVerifierRefuses(promise: Promise<unknown>, what: string): Promise<SignatureError> {
  const error = await promise.then(
    () => assert.fail(`accepted: ${what}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SignatureError, `a SignatureError, not ${String(error)}: ${what}`);
  assert.equal(DOCUMENTED_STATUS.get(error.code), error.status, `${error.code} is documented with ${error.status}: ${what}`);
  return error;
}

/** The characters that matter to the parsers here: separators, quotes, escapes, controls, non-ASCII. */
export const HOSTILE = ['%', ';', ',', '"', '=', '\\', ':', '(', ')', ' ', '\t', '*', '?', '@', '+', '/', '&', '#', '-', '.', '_', 'a', 'Z', '0', '9', '\x00', '\x01', '\x7f', '\x80', '\xff', 'é'];

/** What the wire lets through in a field value (no CR, LF or NUL: those are refused before any verifier runs). */
export const WIRE_HOSTILE = HOSTILE.filter((c) => !/[\x00\r\n]/.test(c));

/** Huge and edge numbers as text. */
export const HUGE_NUMBERS = ['0', '-1', '-0', '999999999999999', '1000000000000000', '9007199254740993', '1e999', '0x10', '00000000000001700000000', '1.5', '18446744073709551616'];

/** A string of hostile pieces: single characters and whole huge numbers. */
export function hostileText(alphabet: readonly string[] = WIRE_HOSTILE, maxLength = 40): fc.Arbitrary<string> {
  return fc.array(fc.oneof(fc.constantFrom(...alphabet), fc.constantFrom(...HUGE_NUMBERS)), { maxLength }).map((parts) => parts.join(''));
}

/**
 * Mutations of a valid value: cut short, a hostile piece inserted or put in
 * place of one character, a character deleted, or the value doubled.
 */
export function mutated(value: string, alphabet: readonly string[] = WIRE_HOSTILE): fc.Arbitrary<string> {
  const at = fc.nat({ max: value.length });
  const piece = fc.oneof(fc.constantFrom(...alphabet), fc.constantFrom(...HUGE_NUMBERS));
  return fc.oneof(
    at.map((i) => value.slice(0, i)),
    fc.tuple(at, piece).map(([i, p]) => value.slice(0, i) + p + value.slice(i)),
    fc.tuple(at, piece).map(([i, p]) => value.slice(0, i) + p + value.slice(i + 1)),
    at.map((i) => value.slice(0, i) + value.slice(i + 1)),
    fc.constantFrom(`${value}, ${value}`, `${value},${value}`, `${value}${value}`),
  );
}

/** One character of `text` at `index` replaced by `char`. */
export function replaceAt(text: string, index: number, char: string): string {
  return text.slice(0, index) + char + text.slice(index + 1);
}

/** A different character of the same class (letter → letter, digit → digit), so the result stays well-formed. */
export function sameClassOther(char: string, pick: number): string {
  const classes = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'];
  const chars = classes.find((c) => c.includes(char)) ?? 'abcdefghijklmnopqrstuvwxyz';
  const others = chars.replace(char, '');
  return others[pick % others.length]!;
}

/** A signed RFC 9421 POST with a body (so Content-Digest is covered) or a signed GET, on a path and query drawn here. */
export const signedDraft: fc.Arbitrary<Draft> = fc
  .record({
    body: fc.option(fc.string({ unit: fc.constantFrom('{', '}', '"', 'a', '1', ':', ',', ' ', 'é'), minLength: 1, maxLength: 40 }), { nil: undefined }),
    path: fc.stringMatching(/^\/[a-z0-9]{1,8}(\/[a-z0-9]{1,8})?$/),
    query: fc.stringMatching(/^[a-z]{1,4}=[A-Za-z0-9]{1,6}$/),
  })
  .map(({ body, path, query }): Draft => sign({ method: body === undefined ? 'GET' : 'POST', target: `${path}?${query}`, ...(body === undefined ? {} : { body }) }));

/** A draft as a raw request, with some of its header fields given other lines (or none: removed). */
export function rawDraft(d: Draft, replace: Readonly<Record<string, string | readonly string[] | undefined>> = {}): RawRequest {
  const headers: Array<[string, string]> = [['host', d.authority ?? AUTHORITY]];
  for (const [name, value] of lines(d.headers)) {
    const replaced = Object.hasOwn(replace, name) ? replace[name] : value;
    for (const line of replaced === undefined ? [] : typeof replaced === 'string' ? [replaced] : replaced) headers.push([name, line]);
  }
  return { method: d.method, target: d.target, headers, ...(d.body === undefined ? {} : { body: d.body }) };
}
