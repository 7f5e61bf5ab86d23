/**
 * The exact bytes a response will carry, read from `c.output` once the
 * middleware chain is done, so they can be digested before the head goes
 * out. Text is its UTF-8 bytes (what the writer sends); a stream
 * (`c.stream`, `c.file`) is read into memory up to a limit and replaced by
 * its bytes. A stream over the limit is not signed: what was read is put
 * back in front of the rest, so the client still gets the whole body.
 *
 * HEAD answers and 1xx / 204 / 304 statuses carry no content: their stream
 * is not read (the app closes it unread, as it always does).
 */
import type { Context } from '../../app/context.ts';
import { statusHasNoBody } from '../../wire/status.ts';

/** The body is a stream larger than the limit: the response goes out unsigned. */
export const TOO_LARGE = Symbol('too large');

type Chunk = string | Uint8Array;

const UTF8 = new TextEncoder();

/**
 * The response's content bytes; undefined when it carries none; `TOO_LARGE`
 * for a stream over `maxBytes`. A buffered stream becomes `c.output`.
 *
 * @example
 * const body = await responseBody(c, 1_048_576);
 * if (body !== TOO_LARGE) signResponse(message, body, signer);
 */
export async function responseBody(c: Context, maxBytes: number): Promise<Uint8Array | undefined | typeof TOO_LARGE> {
  if (c.req.method === 'HEAD' || statusHasNoBody(c.res.statusCode)) return undefined;
  const output = c.output;
  if (output === undefined) return new Uint8Array(0);
  if (typeof output === 'string') return (c.output = UTF8.encode(output));
  if (output instanceof Uint8Array) return output;
  const declared = Number(c.res.getHeader('content-length') ?? 0);
  if (declared > maxBytes) return TOO_LARGE; // a file's size is known before reading it
  return buffer(c, output[Symbol.asyncIterator](), maxBytes);
}

async function buffer(c: Context, source: AsyncIterator<Chunk>, maxBytes: number): Promise<Uint8Array | typeof TOO_LARGE> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let step = await source.next(); step.done !== true; step = await source.next()) {
      const chunk = typeof step.value === 'string' ? UTF8.encode(step.value) : step.value;
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        c.output = replay(chunks, source);
        return TOO_LARGE;
      }
    }
  } catch (error) {
    await source.return?.();
    throw error;
  }
  return (c.output = concat(chunks, size));
}

/** The chunks already read, then the rest of the source. */
async function* replay(chunks: readonly Uint8Array[], source: AsyncIterator<Chunk>): AsyncGenerator<Chunk> {
  yield* chunks;
  try {
    for (let step = await source.next(); step.done !== true; step = await source.next()) yield step.value;
  } finally {
    await source.return?.(); // the client left, or the source failed: let it release its file
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
