/**
 * Loader for the request fixtures of llhttp (Node's HTTP parser), kept as
 * Markdown in `../shared/vectors/llhttp/`. Pure: a file's text in, cases out.
 *
 * A case is a heading, an `<!-- meta={...} -->` comment, an ```http block
 * (the input) and a ```log block (the events llhttp emits). The input is
 * decoded the way llhttp's own `test/md-test.ts` does it, in this order:
 *   1. a backslash at the end of a line joins it with the next one;
 *   2. every newline becomes CRLF;
 *   3. the escapes `\r \n \t \f \xHH \ooo` (octal) expand;
 *   4. the string is encoded as UTF-8 (so `\xff` is the two bytes C3 BF,
 *      as the fixtures' offsets show).
 * Span values are taken from the input by their `off=`/`len=` rather than
 * from the printed text, which llhttp abbreviates (`span[body]=cr`).
 */

/** One message as llhttp reported it. Names and values are latin1 strings of the raw bytes. */
export interface LlhttpMessage {
  readonly method: string;
  readonly url: string;
  /** `HTTP`, `RTSP` or `ICE`. */
  readonly protocol: string;
  /** As sent, e.g. `1.1`. */
  readonly version: string;
  /** Offset of the first field line: just after the request line's CRLF (undefined when llhttp did not get that far). */
  readonly fieldsOffset: number | undefined;
  /** Header fields as [name, value] pairs; values are llhttp's spans (trailing OWS included). */
  readonly headers: Array<[string, string]>;
  /** Trailer fields of a chunked body. */
  readonly trailers: Array<[string, string]>;
  readonly body: Buffer;
  /** True once `headers complete` was reported. */
  readonly headersComplete: boolean;
  /** True once `message complete` was reported. */
  readonly complete: boolean;
}

export interface LlhttpExpected {
  /** Every message begun, in order; only the last one may be incomplete. */
  readonly messages: LlhttpMessage[];
  /** The error that stopped llhttp (codes 22 and 23 are its pauses on CONNECT/Upgrade and PRI). */
  readonly error?: { readonly code: number; readonly reason: string };
  /** `request-finish` cases: what `llhttp_finish()` returned (0 = safe to close, 2 = message cut short). */
  readonly finish?: number;
}

export interface LlhttpCase {
  /** File name, e.g. `sample.md`. */
  readonly file: string;
  /** The nearest heading; a repeated title gets ` (2)`, ` (3)`, … so the pair file + title is unique. */
  readonly title: string;
  /** The meta `type`: `request`, `request-finish`, `request-lenient-headers`, … */
  readonly type: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly input: Buffer;
  readonly expected: LlhttpExpected;
}

const HEADING = /^#{2,6}\s+(.*?)\s*$/;
const META = /^<!--\s*meta=(.*?)\s*-->\s*$/;
const FENCE = /^```(\w*)\s*$/;

/** Parses one fixture file's Markdown into its cases. */
export function parseFixtureFile(file: string, markdown: string): LlhttpCase[] {
  const lines = markdown.split('\n');
  const cases: LlhttpCase[] = [];
  const seen = new Map<string, number>();
  let heading = '';
  let meta: Record<string, unknown> | undefined;
  let http: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence !== null && fence[1] !== '') {
      const end = lines.indexOf('```', i + 1);
      if (end === -1) throw new Error(`${file}:${i + 1}: unterminated code block`);
      const body = lines.slice(i + 1, end).join('\n');
      i = end;
      if (fence[1] === 'http') http = body;
      if (fence[1] === 'log' && meta !== undefined && http !== undefined) {
        const count = (seen.get(heading) ?? 0) + 1;
        seen.set(heading, count);
        const title = count === 1 ? heading : `${heading} (${count})`;
        const input = decodeInput(http);
        cases.push({ file, title, type: String(meta.type), meta, input, expected: parseLog(body, input) });
        meta = undefined;
        http = undefined;
      }
      continue;
    }
    const h = HEADING.exec(line);
    if (h !== null) heading = h[1]!;
    const m = META.exec(line);
    if (m !== null) meta = JSON.parse(m[1]!) as Record<string, unknown>;
  }
  return cases;
}

/** The bytes an ```http block stands for (see the module comment). */
export function decodeInput(block: string): Buffer {
  if (block.includes('${')) throw new Error('inline JavaScript in fixture input is not supported');
  const text = block
    .replace(/\\(\r\n|\r|\n)/g, '')
    .replace(/\r\n|\r|\n/g, '\r\n')
    .replace(/\\r/g, '\r')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\f/g, '\f')
    .replace(/\\x([0-9a-fA-F]+)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\([0-7]{1,3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return Buffer.from(text, 'utf8');
}

interface Draft {
  method: string;
  url: string;
  protocol: string;
  version: string;
  fieldsOffset: number | undefined;
  headers: Array<[string, string]>;
  trailers: Array<[string, string]>;
  body: Buffer[];
  headersComplete: boolean;
  complete: boolean;
  field: string;
  pending: Map<string, string>;
}

const EVENT = /^off=(\d+|NULL) (.*)$/;
const SPAN = /^len=(\d+) span\[(\w+)\]=/;
const ERROR = /^error code=(\d+) reason="(.*)"$/;

/** Rebuilds llhttp's messages from a ```log block. */
export function parseLog(log: string, input: Buffer): LlhttpExpected {
  const drafts: Draft[] = [];
  let error: { code: number; reason: string } | undefined;
  let finish: number | undefined;
  for (const line of log.split('\n')) {
    const event = EVENT.exec(line);
    if (event === null) continue;
    const off = Number(event[1]);
    const what = event[2]!;
    const span = SPAN.exec(what);
    const err = ERROR.exec(what);
    const current = drafts[drafts.length - 1];
    if (what === 'message begin') drafts.push(newDraft());
    else if (span !== null && current !== undefined) addSpan(current, span[2]!, input.subarray(off, off + Number(span[1])));
    else if (what === 'version complete' && current !== undefined) {
      complete(current, 'version');
      if (input[off] === 0x0d && input[off + 1] === 0x0a) current.fieldsOffset = off + 2;
    } else if (what.endsWith(' complete') && current !== undefined) complete(current, what.slice(0, -' complete'.length));
    else if (what.startsWith('headers complete') && current !== undefined) current.headersComplete = true;
    else if (err !== null) error = { code: Number(err[1]), reason: err[2]! };
    else if (what.startsWith('finish=')) finish = Number(what.slice('finish='.length));
  }
  const messages = drafts.map(({ field: _f, pending: _p, body, ...rest }) => ({ ...rest, body: Buffer.concat(body) }));
  return { messages, ...(error === undefined ? {} : { error }), ...(finish === undefined ? {} : { finish }) };
}

function newDraft(): Draft {
  return {
    method: '', url: '', protocol: '', version: '', fieldsOffset: undefined, headers: [], trailers: [], body: [],
    headersComplete: false, complete: false, field: '', pending: new Map(),
  };
}

function addSpan(draft: Draft, kind: string, bytes: Buffer): void {
  if (kind === 'body') draft.body.push(Buffer.from(bytes));
  else draft.pending.set(kind, (draft.pending.get(kind) ?? '') + bytes.toString('latin1'));
}

function complete(draft: Draft, kind: string): void {
  const value = draft.pending.get(kind) ?? '';
  draft.pending.delete(kind);
  switch (kind) {
    case 'method':
    case 'url':
    case 'protocol':
    case 'version':
      draft[kind] = value;
      break;
    case 'header_field':
      draft.field = value;
      break;
    case 'header_value':
      (draft.headersComplete ? draft.trailers : draft.headers).push([draft.field, value]);
      break;
    case 'message':
      draft.complete = true;
      break;
  }
}
