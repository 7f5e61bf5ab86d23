/**
 * `compress()`: gzip or brotli content-coding of responses, negotiated from
 * Accept-Encoding (RFC 9110 §12.5.3):
 *
 *   Accept-Encoding = #( codings [ weight ] )
 *   codings         = content-coding / "identity" / "*"
 *   weight          = OWS ";" OWS "q=" qvalue
 *   qvalue          = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 *
 * A coding is acceptable when its own entry (or else `*`) has q > 0
 * (`x-gzip` counts as gzip). The coding with the highest q wins, ties going
 * to the order of `encodings`; an explicit `identity` entry with a higher q
 * than every coding keeps the body as it is. A request without
 * Accept-Encoding gets identity (curl without `--compressed`, scripts that
 * cannot decode), as does one that accepts none of the codings.
 *
 * Bodies under `threshold` bytes stay as they are; a stream without a
 * Content-Length is always compressed, and each of its chunks is flushed as
 * it comes. The body is compressed as a stream (the response goes out
 * chunked, with no Content-Length), and `Vary: Accept-Encoding` marks every
 * response whose type could have been compressed.
 */
import { constants, createBrotliCompress, createGzip, type BrotliCompress, type Gzip } from 'node:zlib';
import { SignwireError } from '../errors.ts';
import { statusHasNoBody } from '../wire/status.ts';
import type { Middleware } from './compose.ts';
import type { Context, Output } from './context.ts';
import { isCompressible } from './mime.ts';

export type CompressEncoding = 'br' | 'gzip';

export interface CompressOptions {
  /** Smallest body compressed, in bytes (streams without a Content-Length are always compressed). Default 1024. */
  readonly threshold?: number;
  /** Codings offered, most preferred first. Default `['br', 'gzip']`. */
  readonly encodings?: readonly CompressEncoding[];
  /** gzip level (0–9, default 6) and brotli quality (0–11, default 4); a number sets both. */
  readonly level?: number | { readonly gzip?: number; readonly br?: number };
}

type Encoder = Gzip | BrotliCompress;
type Chunk = string | Uint8Array;

const ENTRY = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*(?:;[ \t]*q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?$/i;

/**
 * Compresses response bodies with brotli or gzip when the client accepts it.
 * Add it first, so that it sees the final body of every route.
 *
 * @example
 * app.use(compress());
 * app.use(compress({ threshold: 2048, encodings: ['gzip'], level: 9 }));
 */
export function compress(options: CompressOptions = {}): Middleware<Context> {
  const threshold = options.threshold ?? 1024;
  const encodings = options.encodings ?? ['br', 'gzip'];
  const levels = checkOptions(threshold, encodings, options.level);
  return async (c, next) => {
    await next();
    if (!compressibleResponse(c)) return;
    addVary(c); // also on HEAD: its headers should be those of a GET
    if (c.req.method === 'HEAD') return;
    const size = bodySize(c);
    if (size !== undefined && size < threshold) return;
    const encoding = negotiate(c.req.header('accept-encoding'), encodings);
    if (encoding === undefined) return;
    const encoder = encoding === 'br' ? brotli(levels.br, size) : createGzip({ level: levels.gzip });
    const flush = encoding === 'br' ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH;
    c.output = encode(c.output!, encoder, size === undefined ? flush : undefined);
    c.res.setHeader('Content-Encoding', encoding);
    c.res.removeHeader('Content-Length');
    c.res.removeHeader('Accept-Ranges'); // ranges would address the identity bytes
    weakenEtag(c);
  };
}

/**
 * A body the middleware may compress: there is one, not yet sent, not a
 * range (206) or a body-less status, of a compressible type (text, JSON,
 * JavaScript, XML, SVG, WebAssembly: `isCompressible`), not encoded yet, and
 * not marked `Cache-Control: no-transform`.
 */
function compressibleResponse(c: Context): boolean {
  const res = c.res;
  if (c.output === undefined || res.headersSent) return false;
  if (res.statusCode === 206 || statusHasNoBody(res.statusCode)) return false;
  if (res.hasHeader('content-encoding') || /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.getHeader('cache-control') ?? '')) return false;
  const type = res.getHeader('content-type');
  return type !== undefined && isCompressible(type);
}

/**
 * The coding to use for `header`, or undefined for identity.
 *
 * @example
 * negotiate('br;q=0.5, gzip', ['br', 'gzip']); // 'gzip'
 * negotiate('*;q=0, identity', ['br', 'gzip']); // undefined
 */
export function negotiate(header: string | undefined, encodings: readonly CompressEncoding[]): CompressEncoding | undefined {
  if (header === undefined) return undefined;
  const weights = parseAcceptEncoding(header);
  const star = weights.get('*');
  let best: CompressEncoding | undefined;
  let bestQ = 0;
  for (const encoding of encodings) {
    const q = weights.get(encoding) ?? (encoding === 'gzip' ? weights.get('x-gzip') : undefined) ?? star ?? 0;
    if (q > bestQ) [best, bestQ] = [encoding, q];
  }
  const identity = weights.get('identity') ?? 0;
  return identity > bestQ ? undefined : best;
}

/** Coding (lower-cased) → q. Malformed members are skipped; a repeated coding keeps its first q. */
function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const member of header.split(',')) {
    const match = ENTRY.exec(member.trim());
    if (match === null) continue;
    const coding = match[1]!.toLowerCase();
    if (!weights.has(coding)) weights.set(coding, match[2] === undefined ? 1 : Number(match[2]));
  }
  return weights;
}

/** The size of a string or byte body, or of a stream with a Content-Length (a file); else undefined. */
function bodySize(c: Context): number | undefined {
  const output = c.output;
  if (typeof output === 'string') return Buffer.byteLength(output);
  if (output instanceof Uint8Array) return output.byteLength;
  const declared = c.res.getHeader('content-length');
  return declared !== undefined && /^\d{1,15}$/.test(declared) ? Number(declared) : undefined;
}

/** Adds Accept-Encoding to Vary, unless Vary already lists it or is `*`. */
function addVary(c: Context): void {
  const vary = c.res.getHeader('vary');
  if (vary === undefined) c.res.setHeader('Vary', 'Accept-Encoding');
  else if (!/(?:^|,)\s*(?:\*|accept-encoding)\s*(?:,|$)/i.test(vary)) c.res.setHeader('Vary', `${vary}, Accept-Encoding`);
}

/** A strong ETag names the identity bytes; the encoded body gets its weak form (as nginx does). */
function weakenEtag(c: Context): void {
  const etag = c.res.getHeader('etag');
  if (etag?.startsWith('"') === true) c.res.setHeader('ETag', `W/${etag}`);
}

function brotli(quality: number, size: number | undefined): BrotliCompress {
  const params: Record<number, number> = { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT };
  if (size !== undefined) params[constants.BROTLI_PARAM_SIZE_HINT] = size;
  return createBrotliCompress({ params });
}

/**
 * The body fed through `encoder`, as the compressed chunks it yields. With
 * `flush`, each chunk of a stream is flushed, so it reaches the client
 * without waiting for the next (server-sent events stay live). If the
 * client leaves, the encoder is destroyed and the source closed.
 */
async function* encode(output: Exclude<Output, undefined>, encoder: Encoder, flush: number | undefined): AsyncGenerator<Buffer> {
  const source: AsyncIterable<Chunk> | Iterable<Chunk> = typeof output === 'string' || output instanceof Uint8Array ? [output] : output;
  void feed(source, encoder, flush).catch((error: unknown) => encoder.destroy(error instanceof Error ? error : new Error(String(error))));
  try {
    for await (const chunk of encoder) yield chunk as Buffer;
  } finally {
    encoder.destroy();
  }
}

/** Writes the source into the encoder with backpressure, then ends it. */
async function feed(source: AsyncIterable<Chunk> | Iterable<Chunk>, encoder: Encoder, flush: number | undefined): Promise<void> {
  for await (const chunk of source) {
    if (encoder.destroyed) return; // leaving the loop closes the source
    encoder.write(chunk);
    if (flush !== undefined) encoder.flush(flush);
    if (encoder.writableNeedDrain) await drainedOrClosed(encoder);
    if (encoder.destroyed) return;
  }
  encoder.end();
}

function drainedOrClosed(encoder: Encoder): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      encoder.off('drain', done).off('close', done);
      resolve();
    };
    encoder.on('drain', done).on('close', done);
  });
}

function checkOptions(threshold: number, encodings: readonly CompressEncoding[], level: CompressOptions['level']): { gzip: number; br: number } {
  if (!Number.isSafeInteger(threshold) || threshold < 0) invalid(`threshold must be a non-negative integer, got ${String(threshold)}`);
  if (encodings.length === 0 || encodings.some((e) => e !== 'br' && e !== 'gzip')) invalid(`encodings must list 'br' and/or 'gzip'`);
  const levels = typeof level === 'number' ? { gzip: level, br: level } : { gzip: level?.gzip ?? 6, br: level?.br ?? 4 };
  if (!Number.isInteger(levels.gzip) || levels.gzip < 0 || levels.gzip > 9) invalid(`gzip level must be 0-9, got ${String(levels.gzip)}`);
  if (!Number.isInteger(levels.br) || levels.br < 0 || levels.br > 11) invalid(`brotli quality must be 0-11, got ${String(levels.br)}`);
  return levels;
}

function invalid(message: string): never {
  throw new SignwireError('ERR_INVALID_OPTION', `compress(): ${message}`);
}
