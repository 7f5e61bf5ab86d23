/**
 * A raw HTTP/1.1 request (as a file or on stdin) turned into the
 * `SignedRequest` a verifier checks, read by the server's own parser
 * (`RequestParser`), so `signwire verify` sees what the server would.
 *
 * Hand-written files are tolerated: the head may end its lines with LF
 * only (they become CRLF; the body is left byte for byte), empty lines
 * before it are ignored (RFC 9112 §2.2), and so is whitespace after the
 * body (an editor's final newline).
 */
import { splitTarget } from '../app/request.ts';
import type { SignedRequest } from '../sign/scheme.ts';
import { ParseError } from '../wire/errors.ts';
import { DEFAULT_LIMITS, resolveLimits } from '../wire/limits.ts';
import { BODY, END, HEAD, NEED_MORE, RequestParser, type RequestHead } from '../wire/parser.ts';
import { UsageError } from './usage-error.ts';

/**
 * The request in `bytes`, as a verifier sees it: authority from the
 * absolute-form target or Host, the given scheme. Throws `UsageError` when
 * the bytes are not one complete HTTP/1.1 request.
 *
 * @example
 * const req = parseRawRequest(readFileSync('request.http'), 'http');
 * await createVerifier({ keys }).verify(req);
 */
export function parseRawRequest(bytes: Buffer, scheme: 'http' | 'https'): SignedRequest {
  const parser = new RequestParser(resolveLimits({ maxBodyBytes: Math.max(DEFAULT_LIMITS.maxBodyBytes, bytes.length) }));
  parser.push(withCrlfHead(bytes));
  let head: RequestHead | undefined;
  const chunks: Buffer[] = [];
  for (let event = next(parser); event !== END; event = next(parser)) {
    if (event === NEED_MORE) throw new UsageError(head === undefined ? 'the request head is incomplete' : 'the body is shorter than its Content-Length');
    if (event === HEAD) head = parser.head;
    if (event === BODY) chunks.push(Buffer.from(parser.chunk));
  }
  if (parser.buffered > 0 && !/^[ \t\r\n]*$/.test(bytes.subarray(bytes.length - parser.buffered).toString('latin1'))) {
    throw new UsageError(`${parser.buffered} byte${parser.buffered === 1 ? '' : 's'} follow${parser.buffered === 1 ? 's' : ''} the request (is Content-Length right?)`);
  }
  return signedRequest(head!, Buffer.concat(chunks), scheme);
}

function next(parser: RequestParser): number {
  try {
    return parser.next();
  } catch (error) {
    if (error instanceof ParseError) throw new UsageError(`not a valid HTTP/1.1 request: ${error.code}: ${error.message}`);
    throw error;
  }
}

/** The bytes with every line of the head ending in CRLF and the head closed by a blank line (empty lines before it dropped). */
function withCrlfHead(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const start = /^(?:\r?\n)*/.exec(text)![0].length;
  const blankLine = /\r?\n\r?\n/g;
  blankLine.lastIndex = start;
  const blank = blankLine.exec(text);
  const headEnd = blank === null ? withoutLineBreaksAtEnd(text).length : blank.index;
  const head = text.slice(start, headEnd).replace(/\r?\n/g, '\r\n');
  const body = blank === null ? Buffer.alloc(0) : bytes.subarray(blank.index + blank[0].length);
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]);
}

/*
 * The text without its final line breaks (CRLF or LF; a bare CR stays, for the parser to refuse).
 * A loop, not /(\r?\n)+$/: such a regex takes quadratic time on a long run of line breaks that does not end the text.
 */
function withoutLineBreaksAtEnd(text: string): string {
  let end = text.length;
  while (text[end - 1] === '\n') end -= text[end - 2] === '\r' ? 2 : 1;
  return text.slice(0, end);
}

function signedRequest(head: RequestHead, body: Buffer, scheme: 'http' | 'https'): SignedRequest {
  const fields = new Map<string, string>();
  const lines = new Map<string, string[]>();
  for (let i = 0; i < head.rawHeaders.length; i += 2) {
    const name = head.rawHeaders[i]!.toLowerCase();
    const value = head.rawHeaders[i + 1]!;
    const previous = fields.get(name);
    fields.set(name, previous === undefined ? value : `${previous}${name === 'cookie' ? '; ' : ', '}${value}`); // as WireRequest#header
    lines.set(name, [...(lines.get(name) ?? []), value]);
  }
  const [path, search] = splitTarget(head.target);
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(head.target);
  return {
    method: head.method,
    target: head.target,
    path,
    search,
    authority: absolute?.[1] ?? fields.get('host') ?? '',
    scheme,
    header: (name) => fields.get(name.toLowerCase()),
    headerLines: (name) => lines.get(name.toLowerCase()) ?? [],
    body: () => Promise.resolve(new Uint8Array(body)),
  };
}
