/**
 * HalfSipHash-2-4 with a 64-bit output (Aumasson and Bernstein, the SipHash
 * reference's `halfsiphash.c` with `outlen` 8): a keyed pseudorandom function
 * made of additions, rotations and xors on 32-bit words, which JavaScript
 * computes without allocating. `MemoryNonceStore` keeps this fingerprint of
 * each nonce instead of the nonce's text.
 *
 * The input is the text's UTF-16 code units as little-endian bytes, two code
 * units per 32-bit word; for text of code units below 256 that is the text's
 * bytes each followed by a zero byte. Lossless for every string.
 */

/** Where a fingerprint's two 32-bit words are written: [0] the first four output bytes, [1] the last four. */
export type Fingerprint = Int32Array;

/** v0-v3, reused: the function is synchronous and calls nothing that could re-enter it. */
const state = new Int32Array(4);

/**
 * Writes HalfSipHash-2-4-64 of `text` under the key (`k0`, `k1`: its bytes
 * 0-3 and 4-7, little-endian) into `out`.
 *
 * @example
 * const out = new Int32Array(2);
 * halfSipHash64(0x03020100, 0x07060504, '', out);
 * Buffer.from(out.buffer).toString('hex'); // '218d1f59b9b83cc8', the reference's first vector
 */
export function halfSipHash64(k0: number, k1: number, text: string, out: Fingerprint): void {
  initialize(k0, k1);
  const units = text.length;
  const whole = units & ~1;
  for (let i = 0; i < whole; i += 2) absorb(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  const byteLength = (units * 2) & 0xff;
  const last = units === whole ? 0 : text.charCodeAt(whole);
  absorb(last | (byteLength << 24));
  state[2] = state[2]! ^ 0xee;
  rounds(4);
  out[0] = state[1]! ^ state[3]!;
  state[1] = state[1]! ^ 0xdd;
  rounds(4);
  out[1] = state[1]! ^ state[3]!;
}

/** v0-v3 once the key is mixed in, with the 64-bit output's tweak. */
function initialize(k0: number, k1: number): void {
  state[0] = k0;
  state[1] = k1 ^ 0xee;
  state[2] = 0x6c796765 ^ k0;
  state[3] = 0x74656462 ^ k1;
}

/** One message word through two compression rounds. */
function absorb(word: number): void {
  state[3] = state[3]! ^ word;
  rounds(2);
  state[0] = state[0]! ^ word;
}

function rounds(count: number): void {
  let v0 = state[0]!;
  let v1 = state[1]!;
  let v2 = state[2]!;
  let v3 = state[3]!;
  for (let i = 0; i < count; i++) {
    v0 = (v0 + v1) | 0;
    v1 = rotl(v1, 5) ^ v0;
    v0 = rotl(v0, 16);
    v2 = (v2 + v3) | 0;
    v3 = rotl(v3, 8) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = rotl(v3, 7) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = rotl(v1, 13) ^ v2;
    v2 = rotl(v2, 16);
  }
  state[0] = v0;
  state[1] = v1;
  state[2] = v2;
  state[3] = v3;
}

function rotl(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}
