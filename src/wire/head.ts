/**
 * The text of a response head, made of two parts that repeat from one
 * response to the next:
 *
 * - the prefix: status line, the fields the handler set, and the Date line.
 *   The last prefix built is remembered with what it was built from, so a
 *   server answering alike again and again (the same status and header
 *   values, within the same second) reuses one flat string instead of
 *   joining a dozen pieces per response;
 * - the end: `Content-Length`, the keep-alive lines and the blank line,
 *   made once per length for each server (`KeepAliveTails`).
 *
 * A head is then two flat strings joined, which the socket copies out in two
 * runs (a head joined piece by piece is a tree of a dozen nodes, walked when
 * written, and a dozen allocations).
 */
import { statusLine } from './status.ts';

/**
 * The headers the server manages, which a handler's values never reach the
 * wire for (see `WireResponse`); a switch, as it runs for every header set.
 */
export function isManaged(lower: string): boolean {
  switch (lower) {
    case 'connection':
    case 'keep-alive':
    case 'transfer-encoding':
    case 'content-length':
      return true;
    default:
      return false;
  }
}

/**
 * What the last prefix was built from. It keeps one response's field
 * strings alive until a different head is built: at most a few small strings
 * (or the request text one of them was sliced from) for the whole process.
 */
const last = { status: 0, dateLine: '', fields: [] as string[], prefix: '' };

/**
 * The status line, each field of `fields` ([name, lower-cased name, value,
 * …]) but the managed ones, and `dateLine` unless a Date field was set.
 *
 * @example
 * headPrefix(200, ['Content-Type', 'content-type', 'text/plain'], 'Date: …\r\n');
 * // 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: …\r\n'
 */
export function headPrefix(status: number, fields: readonly string[], dateLine: string): string {
  if (status === last.status && dateLine === last.dateLine && sameStrings(fields, last.fields)) return last.prefix;
  const parts = [statusLine(status)];
  let hasDate = false;
  for (let i = 0; i < fields.length; i += 3) {
    const lower = fields[i + 1]!;
    if (isManaged(lower)) continue;
    if (lower === 'date') hasDate = true;
    parts.push(fields[i]!, ': ', fields[i + 2]!, '\r\n');
  }
  if (!hasDate) parts.push(dateLine);
  const prefix = parts.join(''); // one flat string, not a tree of joined pieces
  last.status = status;
  last.dateLine = dateLine;
  last.fields = fields.slice();
  last.prefix = prefix;
  return prefix;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lengths whose head end is kept: most bodies of API responses are shorter. */
const KEPT_LENGTHS = 4096;

/**
 * The end of a persistent response's head, for one server's keep-alive
 * lines: `Content-Length: N\r\n`, the keep-alive lines, and the blank line.
 */
export class KeepAliveTails {
  /** "Connection: keep-alive\r\nKeep-Alive: timeout=N\r\n". */
  readonly line: string;
  readonly #byLength: Array<string | undefined> = [];

  constructor(line: string) {
    this.line = line;
  }

  /**
   * The end of a head with a body of `length` bytes.
   *
   * @example
   * tails.withLength(13); // 'Content-Length: 13\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\n\r\n'
   */
  withLength(length: number): string {
    const kept = this.#byLength[length];
    if (kept !== undefined) return kept;
    // Joined from an array: one flat string, as it is written again and again (not a tree of pieces).
    const end = ['Content-Length: ', String(length), '\r\n', this.line, '\r\n'].join('');
    if (length < KEPT_LENGTHS) {
      // Filled in order up to `length`, so the array stays packed (not a dictionary) however lengths arrive.
      while (this.#byLength.length < length) this.#byLength.push(undefined);
      this.#byLength[length] = end;
    }
    return end;
  }
}
