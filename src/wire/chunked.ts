/**
 * The chunked transfer coding, decoded from bytes.
 *
 * RFC 9112 §7.1:
 *   chunked-body   = *chunk last-chunk trailer-section CRLF
 *   chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-size     = 1*HEXDIG
 *   last-chunk     = 1*("0") [ chunk-ext ] CRLF
 *   chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *   chunk-ext-name = token
 *   chunk-ext-val  = token / quoted-string
 *
 * The decoder is a small state machine over (buffer, offset). It never copies
 * chunk data: a data event is a view of the input.
 */
import { ParseError } from './errors.ts';
import { parseFieldLine } from './field-line.ts';
import { latin1 } from './latin1.ts';
import type { Limits } from './limits.ts';
import { CR, LF, TCHAR, isWhitespace } from './tokens.ts';

const SIZE_LINE = 0;
const DATA = 1;
const DATA_END = 2;
const TRAILERS = 3;

/** What one call to `step` found. */
export const CHUNK_NEED_MORE = 0;
export const CHUNK_DATA = 1;
export const CHUNK_END = 2;

export class ChunkedDecoder {
  /** Offset in the buffer after what the last `step` consumed. */
  pos = 0;
  /** The bytes of the last CHUNK_DATA event. */
  data: Buffer = Buffer.alloc(0);
  /** Trailer fields (flat name/value pairs), complete after CHUNK_END. */
  readonly trailers: string[] = [];
  #state = SIZE_LINE;
  #remaining = 0;
  #total = 0;
  #trailerBytes = 0;
  readonly #limits: Limits;

  constructor(limits: Limits) {
    this.#limits = limits;
  }

  /** Advances over `buf` from `pos`; returns one of the CHUNK_* kinds. Throws `ParseError`. */
  step(buf: Buffer, pos: number): number {
    this.pos = pos;
    while (this.pos < buf.length) {
      switch (this.#state) {
        case SIZE_LINE:
          if (!this.#sizeLine(buf)) return CHUNK_NEED_MORE;
          break;
        case DATA:
          return this.#chunkData(buf);
        case DATA_END:
          if (!this.#dataEnd(buf)) return CHUNK_NEED_MORE;
          break;
        case TRAILERS:
          if (this.#trailerLine(buf)) return CHUNK_END;
          if (this.#state === TRAILERS && this.pos === pos) return CHUNK_NEED_MORE;
          break;
      }
      pos = this.pos;
    }
    return CHUNK_NEED_MORE;
  }

  #sizeLine(buf: Buffer): boolean {
    const end = findLineEnd(buf, this.pos, this.#limits.maxChunkLineBytes, 'chunk size line');
    if (end === -1) return false;
    const size = parseChunkSizeLine(buf, this.pos, end);
    this.#total += size;
    if (this.#total > this.#limits.maxBodyBytes) {
      throw new ParseError('ERR_HTTP_BODY_TOO_LARGE', 413, 'request body is larger than the limit');
    }
    this.pos = end + 2;
    this.#remaining = size;
    this.#state = size === 0 ? TRAILERS : DATA;
    return true;
  }

  #chunkData(buf: Buffer): number {
    const take = Math.min(this.#remaining, buf.length - this.pos);
    this.data = buf.subarray(this.pos, this.pos + take);
    this.pos += take;
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = DATA_END;
    return CHUNK_DATA;
  }

  #dataEnd(buf: Buffer): boolean {
    if (buf.length - this.pos < 2) {
      if (buf[this.pos] !== CR) throw badChunk('chunk data is not followed by CRLF');
      return false;
    }
    if (buf[this.pos] !== CR || buf[this.pos + 1] !== LF) throw badChunk('chunk data is not followed by CRLF');
    this.pos += 2;
    this.#state = SIZE_LINE;
    return true;
  }

  /** Returns true at the empty line that ends the trailer section. */
  #trailerLine(buf: Buffer): boolean {
    const room = this.#limits.maxHeaderBytes - this.#trailerBytes;
    const end = findLineEnd(buf, this.pos, room, 'trailer section');
    if (end === -1) return false;
    this.#trailerBytes += end + 2 - this.pos;
    if (end === this.pos) {
      this.pos += 2;
      return true;
    }
    parseFieldLine(latin1(buf, this.pos, end + 2), 0, this.trailers, this.trailers.length);
    if (this.trailers.length / 2 > this.#limits.maxHeaderCount) {
      throw new ParseError('ERR_HTTP_HEADERS_TOO_LARGE', 431, 'too many trailer fields');
    }
    this.pos = end + 2;
    return false;
  }
}

/**
 * Finds the CR of the CRLF ending the line at `start`; -1 when more bytes are
 * needed. Throws on a bare LF or a line longer than `max`.
 */
export function findLineEnd(buf: Buffer, start: number, max: number, what: string): number {
  const lf = buf.indexOf(LF, start);
  if (lf === -1) {
    if (buf.length - start > max) throw tooLong(what);
    return -1;
  }
  if (lf === start || buf[lf - 1] !== CR) {
    throw new ParseError('ERR_HTTP_LINE_ENDING', 400, `bare LF in ${what}`);
  }
  if (lf + 1 - start > max) throw tooLong(what);
  return lf - 1;
}

function tooLong(what: string): ParseError {
  if (what === 'chunk size line') return badChunk('chunk size line is longer than the limit');
  return new ParseError('ERR_HTTP_HEADERS_TOO_LARGE', 431, `${what} is larger than the limit`);
}

function badChunk(message: string): ParseError {
  return new ParseError('ERR_HTTP_CHUNK', 400, message);
}

/** Parses `chunk-size [ chunk-ext ]` in `buf[start, end)`; returns the size. */
export function parseChunkSizeLine(buf: Buffer, start: number, end: number): number {
  let size = 0;
  let i = start;
  for (; i < end; i++) {
    const digit = hexValue(buf[i]!);
    if (digit === -1) break;
    size = size * 16 + digit;
    if (size > Number.MAX_SAFE_INTEGER) throw badChunk('chunk size is too large');
  }
  if (i === start) throw badChunk('invalid character in chunk size');
  if (i < end) checkChunkExtensions(buf, i, end);
  return size;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Validates `*( BWS ";" BWS name [ BWS "=" BWS value ] )`; extensions are otherwise ignored. */
function checkChunkExtensions(buf: Buffer, start: number, end: number): void {
  let i = start;
  const skipWhitespace = (): void => {
    while (i < end && isWhitespace(buf[i]!)) i++;
  };
  const token = (): void => {
    const from = i;
    while (i < end && TCHAR[buf[i]!] === 1) i++;
    if (i === from) throw badChunk('invalid character in chunk extensions');
  };
  while (i < end) {
    skipWhitespace();
    if (buf[i] !== 0x3b) throw badChunk('invalid character in chunk size');
    i++;
    skipWhitespace();
    token();
    skipWhitespace();
    if (i < end && buf[i] === 0x3d) {
      i++;
      skipWhitespace();
      if (buf[i] === 0x22) i = skipQuotedString(buf, i, end);
      else token();
    }
  }
}

/** RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE. Returns the offset after it. */
function skipQuotedString(buf: Buffer, start: number, end: number): number {
  for (let i = start + 1; i < end; i++) {
    const byte = buf[i]!;
    if (byte === 0x22) return i + 1;
    if (byte === 0x5c) i++;
    else if (byte !== 0x09 && (byte < 0x20 || byte === 0x7f)) break;
  }
  throw badChunk('invalid character in chunk extensions quoted value');
}
