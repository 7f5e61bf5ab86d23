/**
 * Bytes to a string with one char per byte. `Buffer#latin1Slice` is what
 * `buf.toString('latin1', start, end)` calls after checking its arguments;
 * the parser calls it directly once per request head.
 */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

/** `buf[start, end)` as a string, one char per byte. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as Latin1Slicer).latin1Slice(start, end);
}
