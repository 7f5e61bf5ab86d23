/**
 * Sends what a context holds. Strings and bytes go out with their
 * Content-Length in one write; iterables are streamed with backpressure and
 * abandoned if the client goes away. HEAD and body-less statuses (1xx, 204,
 * 304) never send a body: the wire writer drops it, and a stream is not even
 * read.
 */
import { statusHasNoBody } from '../wire/status.ts';
import type { Context, Output } from './context.ts';

/** Writes `c.output` to the wire; a promise only when streaming. */
export function respond(c: Context): Promise<void> | undefined {
  const res = c.res;
  if (res.finished) return undefined;
  const output = c.output;
  if (output === undefined || typeof output === 'string' || output instanceof Uint8Array) {
    res.end(output);
    return undefined;
  }
  if (c.req.method === 'HEAD' || statusHasNoBody(res.statusCode)) {
    closeIterable(output);
    res.flushHeaders(); // the head a GET would get: no length is known, so none is declared
    res.end();
    return undefined;
  }
  return pipe(output, c);
}

async function pipe(source: AsyncIterable<string | Uint8Array>, c: Context): Promise<void> {
  const res = c.res;
  res.flushHeaders();
  for await (const chunk of source) {
    if (res.aborted) return; // the client left; leaving the loop closes the source
    if (!res.write(chunk)) await res.drained();
  }
  res.end();
}

function closeIterable(output: Exclude<Output, string | Uint8Array | undefined>): void {
  const iterator = output[Symbol.asyncIterator]();
  void iterator.return?.();
}
