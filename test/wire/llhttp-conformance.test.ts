/**
 * Conformance against the request fixtures of llhttp, Node's own HTTP parser
 * (`../shared/vectors/llhttp/*.md`, found relative to the project root).
 *
 * How the two sides are compared (both become an `Outcome`):
 * - Messages: method, request-target, version, header and trailer fields
 *   (name as sent; value without surrounding OWS, which RFC 9112 §5 puts
 *   outside the field value while llhttp's spans keep the trailing part) and
 *   body. A minor version above 1 counts as 1 (RFC 9110 §2.5). Messages are
 *   compared up to the first error; when the input ends inside a message
 *   after its head, that message is compared too (body so far, no trailers).
 * - `closed`: after a message that does not keep the connection alive our
 *   server reads nothing more; llhttp reports such bytes as error 5 "Data
 *   after `Connection: close`". Both mean: nothing after it is processed.
 * - `upgrade`: llhttp pauses on CONNECT, Upgrade and PRI (codes 22, 23) and
 *   hands the bytes after over; we never do.
 * - llhttp rejects at the first bad byte; we decide a line at its CRLF. When
 *   llhttp rejected and we still wait for bytes, CRLF CRLF is appended and
 *   our verdict on the completed input is the one compared.
 * - Most fixtures omit Host, which we must refuse on HTTP/1.1. So each case
 *   also runs with `Host: llhttp.test` added to every HTTP/1.1 message that
 *   lacks one: a case agrees only when both runs agree, and a `missing-host`
 *   entry must agree once the Host is there.
 * - Lenient-flag cases (`request-lenient-*`) must be refused in both runs:
 *   rejected, or closed before the bytes that need the lenient flag.
 * Every input is also fed split at every byte offset, in two pushes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { BODY, DEFAULT_LIMITS, END, HEAD, NEED_MORE, ParseError, RequestParser, type RequestHead } from '../../src/index.ts';
import { parseFixtureFile, type LlhttpCase, type LlhttpExpected, type LlhttpMessage } from '../helpers/llhttp-fixtures.ts';

const FIXTURES = new URL('../../../shared/vectors/llhttp/', import.meta.url);

interface Message {
  readonly method: string;
  readonly url: string;
  readonly version: string;
  readonly headers: string[][];
  readonly trailers: string[][];
  readonly body: string;
}
type End = 'complete' | 'incomplete' | 'closed' | 'upgrade' | 'rejected';
interface Outcome {
  /** Complete messages, in order. */
  readonly messages: Message[];
  /** The message whose head was read but which did not complete (compared only when the input ended inside it). */
  readonly partial: Message | null;
  readonly end: End;
  /** Ours: status and ParseError code. llhttp's: error code and reason. */
  readonly error: string | null;
}
/** Our outcome next to llhttp's, for one input. */
interface Verdict {
  readonly ours: Outcome;
  readonly theirs: Outcome;
  readonly agree: boolean;
  readonly decidedAtLineEnd: boolean;
}

interface CategoryRule {
  /** Why we answer differently, with the RFC text that decides it. */
  readonly reason: string;
  /** What the difference must look like (`plain` = as sent, `hosted` = with a Host added), so an entry cannot hide another one. */
  readonly matches: (plain: Verdict, hosted: Verdict) => boolean;
}

const refusedWith = (error: string) => (_plain: Verdict, hosted: Verdict): boolean => hosted.ours.error === error;
const NOT_IMPLEMENTED = '501 ERR_HTTP_METHOD_NOT_IMPLEMENTED';

/** Every kind of deliberate difference: one place holds its reason and its shape. */
const CATEGORIES = {
  'missing-host': {
    reason: 'missing Host on HTTP/1.1 — RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field"',
    matches: (plain, hosted) => plain.ours.error === '400 ERR_HTTP_HOST' && hosted.agree,
  },
  connect: {
    reason: 'CONNECT answered 501 — we do not tunnel; RFC 9110 §9.1: a method "unrecognized or not implemented" SHOULD get 501',
    matches: (plain, hosted) => hosted.theirs.end === 'upgrade' && refusedWith(NOT_IMPLEMENTED)(plain, hosted),
  },
  upgrade: {
    reason: 'Upgrade ignored — RFC 9110 §7.8: "A server MAY ignore a received Upgrade header field"; the bytes after the request are read as HTTP/1.1, llhttp hands them over',
    matches: (_plain, hosted) => hosted.theirs.end === 'upgrade' && sameMessages(hosted.ours.messages, hosted.theirs.messages),
  },
  pri: {
    reason: 'PRI (the HTTP/2 preface) answered 501 — we speak only HTTP/1.x; RFC 9110 §9.1, and PRI is no HTTP/1.1 method (RFC 9113 §3.4)',
    matches: (plain, hosted) => hosted.theirs.end === 'upgrade' && refusedWith(NOT_IMPLEMENTED)(plain, hosted),
  },
  'non-http-protocol': {
    reason: 'RTSP/ICE request line answered 400 — RFC 9112 §2.3: HTTP-name = %s"HTTP"; §3: an invalid request-line SHOULD get 400',
    matches: refusedWith('400 ERR_HTTP_VERSION'),
  },
  'non-http-method': {
    reason: 'SOURCE (Icecast; llhttp knows it for ICE) answered 501 — not an HTTP method; RFC 9110 §9.1',
    matches: refusedWith(NOT_IMPLEMENTED),
  },
  'asterisk-form': {
    reason: 'asterisk-form outside OPTIONS answered 400 — RFC 9112 §3.2.4: "The asterisk-form of request-target is only used for a server-wide OPTIONS request"',
    matches: refusedWith('400 ERR_HTTP_TARGET'),
  },
  'http-0.9': {
    reason: 'HTTP/0.9 request line (no version) answered 400 — RFC 9112 §3: request-line = method SP request-target SP HTTP-version',
    matches: refusedWith('400 ERR_HTTP_TARGET'),
  },
  'transfer-coding': {
    reason: 'a transfer coding before chunked (deflate) answered 501 — RFC 9112 §6.1: a server that receives a transfer coding it does not understand SHOULD respond 501',
    matches: refusedWith('501 ERR_HTTP_CODING_NOT_IMPLEMENTED'),
  },
  'userinfo': {
    reason: 'userinfo in an absolute-form target answered 400 — RFC 9110 §4.2.4: a recipient SHOULD parse for userinfo and treat its presence as an error',
    matches: refusedWith('400 ERR_HTTP_TARGET'),
  },
  'skip-body': {
    reason: 'the fixture\'s callback tells llhttp to skip a request body; we read Content-Length octets — RFC 9112 §6.3: a valid Content-Length "defines the expected message body length"',
    matches: (_plain, hosted) => hosted.theirs.end === 'complete' && hosted.ours.end === 'incomplete',
  },
} as const satisfies Record<string, CategoryRule>;
type Category = keyof typeof CATEGORIES;

/** The deliberate differences, by file and title. Any other disagreement fails, and so does an entry that no longer differs. */
const DELIBERATE_DIFFERENCES: Readonly<Record<string, Readonly<Record<string, Category>>>> = {
  'connection.md': {
    'Setting flag': 'missing-host',
    'Restarting when keep-alive is explicitly': 'missing-host',
    'Setting flag on `close`': 'missing-host',
    'Setting flag on `close` followed by tab': 'missing-host',
    'Sample': 'missing-host',
    'Multiple tokens with folding and LWS': 'upgrade',
    'Setting a flag and pausing': 'upgrade',
    'Emitting part of body and pausing': 'upgrade',
    'Upgrade GET request': 'upgrade',
    'Upgrade POST request': 'upgrade',
  },
  'content-length.md': {
    '`Content-Length` with zeroes': 'missing-host',
    '`Content-Length` with follow-up headers': 'missing-host',
    'Spaces in `Content-Length` (surrounding)': 'missing-host',
    'Tabs in `Content-Length` (surrounding)': 'missing-host',
    'Content-Length reset when no body is received': 'skip-body',
  },
  'finish.md': { 'It should be safe to finish after GET request': 'missing-host' },
  'method.md': {
    'REPORT request': 'missing-host',
    'CONNECT request': 'connect',
    'CONNECT request with CAPS': 'connect',
    'CONNECT with body': 'connect',
    'M-SEARCH request': 'asterisk-form',
    'SOURCE request': 'non-http-method',
    'SOURCE request with ICE': 'non-http-protocol',
    'OPTIONS request with RTSP': 'non-http-protocol',
    'ANNOUNCE request with RTSP': 'non-http-protocol',
    'PRI request HTTP2': 'pri',
  },
  'pausing.md': Object.fromEntries([
    'on_message_begin', 'on_message_complete', 'on_protocol_complete', 'on_method_complete', 'on_url_complete',
    'on_version_complete', 'on_header_field_complete', 'on_header_value_complete', 'on_headers_complete',
    'on_chunk_header', 'on_chunk_extension_name', 'on_chunk_extension_value', 'on_chunk_complete',
  ].map((title) => [title, 'missing-host' as const])),
  'pipelining.md': { 'Should parse multiple events': 'missing-host' },
  'sample.md': {
    'Simple request': 'missing-host',
    'Request with method starting with `H`': 'missing-host',
    'DUMBPACK': 'missing-host',
    'No headers and no body': 'missing-host',
    'One header and no body': 'missing-host',
    'Prefix newline': 'missing-host',
    'No HTTP version': 'http-0.9',
    'Request starting with CRLF': 'missing-host',
    'Extended Characters': 'missing-host',
    '255 ASCII in header value': 'missing-host',
  },
  'transfer-encoding.md': {
    'Parsing and setting flag': 'missing-host',
    'Parse chunks with lowercase size': 'missing-host',
    'Parse chunks with uppercase size': 'missing-host',
    'POST with `Transfer-Encoding: chunked`': 'missing-host',
    'Two chunks and triple zero prefixed end chunk': 'missing-host',
    'Trailing headers': 'missing-host',
    'Chunk extensions': 'missing-host',
    'Chunk extensions quoting': 'missing-host',
    'POST with `chunked` as last transfer-encoding': 'transfer-coding',
    'POST with `chunked` as last transfer-encoding (multiple headers)': 'transfer-coding',
  },
  'uri.md': {
    'Quotes in URI': 'missing-host',
    'Query URL with question mark': 'missing-host',
    'Host terminated by a query string': 'missing-host',
    '`host:port` terminated by a query string': 'missing-host',
    'Query URL with vertical bar character': 'missing-host',
    '`host:port` terminated by a space': 'missing-host',
    'Fragment in URI': 'missing-host',
    'Underscore in hostname': 'connect',
    '`host:port` and basic auth': 'userinfo',
  },
};

/** Feeds `input` to a fresh parser (in two pushes when `split` is given), reading as the server does. */
function observe(input: Buffer, split?: number): Outcome {
  const parts = split === undefined ? [input] : [input.subarray(0, split), input.subarray(split)];
  const parser = new RequestParser(DEFAULT_LIMITS);
  const messages: Message[] = [];
  let body: Buffer[] | null = null; // body so far of the message whose head was read; null between messages
  const partial = (): Message | null => (body === null ? null : ourMessage(parser.head!, body, []));
  try {
    for (let i = 0; i < parts.length; i++) {
      parser.push(parts[i]!);
      for (let event = parser.next(); event !== NEED_MORE; event = parser.next()) {
        if (event === HEAD) body = [];
        if (event === BODY) body!.push(Buffer.from(parser.chunk));
        if (event !== END) continue;
        messages.push(ourMessage(parser.head!, body!, parser.trailers));
        body = null;
        if (parser.head!.keepAlive) continue;
        const unread = parser.buffered + parts.slice(i + 1).reduce((sum, part) => sum + part.length, 0);
        return { messages, partial: null, end: unread > 0 ? 'closed' : 'complete', error: null };
      }
    }
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    return { messages, partial: partial(), end: 'rejected', error: `${err.status} ${err.code}` };
  }
  return { messages, partial: partial(), end: parser.idle ? 'complete' : 'incomplete', error: null };
}

function ourMessage(head: RequestHead, body: Buffer[], trailers: readonly string[]): Message {
  return {
    method: head.method, url: head.target, version: `HTTP/1.${head.minorVersion}`,
    headers: pairs(head.rawHeaders), trailers: pairs(trailers), body: Buffer.concat(body).toString('latin1'),
  };
}

function pairs(flat: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/** llhttp's outcome, in the same terms. */
function expectedOutcome(expected: LlhttpExpected): Outcome {
  const messages = expected.messages.filter((m) => m.complete).map((m) => theirMessage(m, m.trailers));
  const last = expected.messages[expected.messages.length - 1];
  const partial = last !== undefined && !last.complete && last.headersComplete ? theirMessage(last, []) : null;
  const { error, finish } = expected;
  if (error !== undefined) {
    const end = error.code === 22 || error.code === 23 ? 'upgrade' : error.code === 5 ? 'closed' : 'rejected';
    return { messages, partial, end, error: `${error.code} ${error.reason}` };
  }
  const cutShort = finish === 2 || (last !== undefined && !last.complete);
  return { messages, partial, end: cutShort ? 'incomplete' : 'complete', error: null };
}

function theirMessage(m: LlhttpMessage, trailers: Array<[string, string]>): Message {
  const trim = (fields: Array<[string, string]>): string[][] => fields.map(([n, v]) => [n, v.replace(/^[ \t]+|[ \t]+$/g, '')]);
  const [major, minor] = m.version.split('.');
  const version = m.protocol === 'HTTP' && major === '1' && Number(minor) > 1 ? 'HTTP/1.1' : `${m.protocol}/${m.version}`;
  return { method: m.method, url: m.url, version, headers: trim(m.headers), trailers: trim(trailers), body: m.body.toString('latin1') };
}

/** The case with `Host: llhttp.test` added to each HTTP/1.1 message lacking a Host; undefined when none lacks one. */
function withHost(c: LlhttpCase): { input: Buffer; expected: LlhttpExpected } | undefined {
  const pieces: Buffer[] = [];
  let from = 0;
  const messages = c.expected.messages.map((m) => {
    const lacksHost = m.protocol === 'HTTP' && /^1\.[1-9]$/.test(m.version) && !m.headers.some(([n]) => n.toLowerCase() === 'host');
    if (!lacksHost || m.fieldsOffset === undefined) return m;
    pieces.push(c.input.subarray(from, m.fieldsOffset), Buffer.from('Host: llhttp.test\r\n'));
    from = m.fieldsOffset;
    return { ...m, headers: [['Host', 'llhttp.test'] as [string, string], ...m.headers] };
  });
  if (pieces.length === 0) return undefined;
  return { input: Buffer.concat([...pieces, c.input.subarray(from)]), expected: { ...c.expected, messages } };
}

const COMPLETION = Buffer.from('\r\n\r\n');

function judge(input: Buffer, theirs: Outcome): Verdict {
  let ours = observe(input);
  const decidedAtLineEnd = ours.end === 'incomplete' && theirs.end === 'rejected';
  if (decidedAtLineEnd) ours = observe(Buffer.concat([input, COMPLETION]));
  const agree = ours.end === theirs.end && sameMessages(comparable(ours), comparable(theirs));
  return { ours, theirs, agree, decidedAtLineEnd };
}

/** The messages to compare: every complete one, and the one cut short when the input simply ended (not after an error). */
function comparable(outcome: Outcome): Array<Message | null> {
  return [...outcome.messages, outcome.end === 'incomplete' ? outcome.partial : null];
}

function sameMessages(a: ReadonlyArray<Message | null>, b: ReadonlyArray<Message | null>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function assertSameWhenSplit(input: Buffer): void {
  const whole = observe(input);
  for (let offset = 1; offset < input.length; offset++) {
    assert.deepStrictEqual(observe(input, offset), whole, `split at byte ${offset}`);
  }
}

const tally = { agree: 0, lenient: 0, lenientRejected: 0, lenientClosed: 0, decidedAtLineEnd: 0, differences: new Map<Category, number>() };

function show(v: Verdict): string {
  return `\n  llhttp: ${JSON.stringify(v.theirs)}\n  ours:   ${JSON.stringify(v.ours)}`;
}

/** Both runs of a case: as sent, and with a Host added where HTTP/1.1 needs one. */
function runs(c: LlhttpCase): { plain: Verdict; hosted: Verdict } {
  const plain = judge(c.input, expectedOutcome(c.expected));
  const variant = withHost(c);
  const hosted = variant === undefined ? plain : judge(variant.input, expectedOutcome(variant.expected));
  if (plain.decidedAtLineEnd || hosted.decidedAtLineEnd) tally.decidedAtLineEnd++;
  return { plain, hosted };
}

function checkAgreement(c: LlhttpCase): void {
  const { plain, hosted } = runs(c);
  assert.ok(plain.agree, `disagrees with llhttp as sent:${show(plain)}`);
  assert.ok(hosted.agree, `disagrees with llhttp once a Host is added:${show(hosted)}`);
  tally.agree++;
}

function checkDifference(c: LlhttpCase, category: Category): void {
  const { plain, hosted } = runs(c);
  assert.ok(category === 'missing-host' || !hosted.agree, `stale entry: agrees with llhttp now, remove it:${show(hosted)}`);
  assert.ok(CATEGORIES[category].matches(plain, hosted), `does not differ only by ${category}:${show(plain)}${show(hosted)}`);
  tally.differences.set(category, (tally.differences.get(category) ?? 0) + 1);
}

/**
 * A lenient-flag case is refused: an error, or the connection closes before
 * the bytes leniency would accept. Input that leaves us waiting is completed
 * with CRLF CRLF first, as for strict rejections.
 */
function checkRefused(c: LlhttpCase): void {
  tally.lenient++;
  const variant = withHost(c);
  const ends = [c.input, ...(variant === undefined ? [] : [variant.input])].map((input) => {
    const ours = observe(input);
    return ours.end === 'incomplete' ? observe(Buffer.concat([input, COMPLETION])).end : ours.end;
  });
  assert.ok(ends.every((end) => end === 'rejected' || end === 'closed'), `a lenient-flag case was accepted: ${ends.join(', ')}`);
  if (ends.includes('closed')) tally.lenientClosed++;
  else tally.lenientRejected++;
}

function summary(strict: number): string {
  const differences = [...tally.differences].map(([category, n]) => `${category} ${n}`).join(', ');
  const different = [...tally.differences.values()].reduce((sum, n) => sum + n, 0);
  return `llhttp conformance: ${strict + tally.lenient} cases; ${strict} strict: ${tally.agree} agree, ` +
    `${different} deliberate differences (${differences}); ${tally.lenientRejected + tally.lenientClosed}/${tally.lenient} ` +
    `lenient-flag cases refused (${tally.lenientRejected} rejected, ${tally.lenientClosed} closed first); ` +
    `${tally.decidedAtLineEnd} rejections decided at the line end`;
}

function loadCases(): LlhttpCase[] {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.md')).sort();
  const cases = files.flatMap((file) => parseFixtureFile(file, readFileSync(new URL(file, FIXTURES), 'utf8')));
  return cases.filter((c) => c.type.startsWith('request'));
}

const isLenient = (c: LlhttpCase): boolean => c.type.startsWith('request-lenient');
const differenceOf = (c: LlhttpCase): Category | undefined => DELIBERATE_DIFFERENCES[c.file]?.[c.title];

function defineCaseTests(c: LlhttpCase): void {
  const key = `${c.file} › ${c.title}`;
  const category = differenceOf(c);
  if (isLenient(c)) test(`${key}: a lenient-flag case is refused`, () => checkRefused(c));
  else if (category === undefined) test(`${key}: agrees with llhttp`, () => checkAgreement(c));
  else {
    test(`${key}: differs from llhttp only by ${category}`, (t) => {
      t.diagnostic(CATEGORIES[category].reason);
      checkDifference(c, category);
    });
  }
  test(`${key}: fed in two pieces split at any byte, gives the same outcome`, () => {
    assertSameWhenSplit(c.input);
    const variant = withHost(c);
    if (variant !== undefined) assertSameWhenSplit(variant.input);
  });
}

if (existsSync(FIXTURES)) {
  const cases = loadCases();
  describe('llhttp request fixtures', () => {
    after(() => console.log(summary(cases.filter((c) => !isLenient(c)).length)));
    for (const c of cases) defineCaseTests(c);
    test('every deliberate difference names a strict fixture case', () => {
      const strict = new Set(cases.filter((c) => !isLenient(c)).map((c) => `${c.file} › ${c.title}`));
      const listed = Object.entries(DELIBERATE_DIFFERENCES).flatMap(([file, titles]) => Object.keys(titles).map((t) => `${file} › ${t}`));
      assert.deepStrictEqual(listed.filter((key) => !strict.has(key)), []);
    });
  });
} else {
  const reason = '../shared/vectors/llhttp is absent (a clone without ../shared)';
  console.log(`llhttp conformance skipped: ${reason}`);
  test('agrees with the llhttp request fixtures', { skip: reason }, () => {});
}
