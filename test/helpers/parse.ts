/**
 * Drives a `RequestParser` to completion over a list of input pieces and
 * records what it saw, so tests can compare whole and split inputs.
 */
import { BODY, DEFAULT_LIMITS, END, HEAD, NEED_MORE, ParseError, RequestParser, type Limits } from '../../src/index.ts';

export interface ParsedMessage {
  method: string;
  target: string;
  minorVersion: number;
  rawHeaders: string[];
  body: string;
  trailers: string[];
  keepAlive: boolean;
}

export interface ParseOutcome {
  messages: ParsedMessage[];
  /** The code of the ParseError that stopped parsing, if one did. */
  error?: string;
  /** The status that error answers with. */
  status?: number;
}

/** Feeds `pieces` in order, pulling every event after each push. */
export function parseAll(pieces: readonly Buffer[], limits: Limits = DEFAULT_LIMITS): ParseOutcome {
  const parser = new RequestParser(limits);
  const messages: ParsedMessage[] = [];
  let current: ParsedMessage | undefined;
  try {
    for (const piece of pieces) {
      parser.push(piece);
      for (let kind = parser.next(); kind !== NEED_MORE; kind = parser.next()) {
        if (kind === HEAD) {
          const head = parser.head!;
          current = {
            method: head.method,
            target: head.target,
            minorVersion: head.minorVersion,
            rawHeaders: [...head.rawHeaders],
            body: '',
            trailers: [],
            keepAlive: head.keepAlive,
          };
        } else if (kind === BODY) {
          current!.body += parser.chunk.toString('latin1');
        } else if (kind === END) {
          current!.trailers = [...parser.trailers];
          messages.push(current!);
          current = undefined;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { messages, error: error.code, status: error.status };
  }
  return { messages };
}

/** The input split into two pieces at `offset`. */
export function splitAt(input: Buffer, offset: number): Buffer[] {
  return [input.subarray(0, offset), input.subarray(offset)];
}

/** CRLF-joined lines, as a Buffer (latin1, so "\xHH" escapes stay single bytes). */
export function crlf(...lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'latin1');
}
