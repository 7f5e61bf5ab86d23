/**
 * HalfSipHash-2-4-64 against the SipHash reference's test vectors
 * (`vectors_hsip64`: key 00 01 … 07, input 00 01 … n-1), and the packing of
 * a string's UTF-16 code units into its input bytes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { halfSipHash64 } from '../../../src/sign/replay/half-siphash.ts';

/** Input length in bytes → the 8 output bytes, from the reference's vectors.h. */
const VECTORS: ReadonlyMap<number, string> = new Map([
  [0, '218d1f59b9b83cc8'],
  [2, '064f39ef7c50eb57'],
  [4, 'd5e78a175be52ea1'],
  [6, 'ce3e91358aa2bc25'],
  [8, 'edfee820bce4858c'],
  [16, '7336aad25f7bf3b5'],
]);

const KEY_0 = 0x03020100;
const KEY_1 = 0x07060504;

/** The string whose UTF-16LE bytes are 00 01 … length-1 (length even). */
function countingText(length: number): string {
  let text = '';
  for (let byte = 0; byte < length; byte += 2) text += String.fromCharCode(byte | ((byte + 1) << 8));
  return text;
}

function hex(text: string, k0 = KEY_0, k1 = KEY_1): string {
  const out = new Int32Array(2);
  halfSipHash64(k0, k1, text, out);
  return Buffer.from(out.buffer).toString('hex');
}

for (const [length, expected] of VECTORS) {
  test(`matches the reference vector for ${length} input bytes`, () => {
    assert.equal(hex(countingText(length)), expected);
  });
}

test('an odd number of code units hashes its last one as a two-byte tail', () => {
  // Three code units are six bytes: the reference's 6-byte vector.
  assert.equal(countingText(6).length, 3);
  assert.equal(hex(countingText(6)), VECTORS.get(6));
});

test('texts that differ in one code unit, in length or only above byte 0xff differ', () => {
  const texts = ['', 'a', 'b', 'ab', 'ba', 'a\0', '\0a', 'a\u0100', 'a\u0001', 'keyid\nnonce', 'keyid\nnoncf'];
  const fingerprints = new Set(texts.map((text) => hex(text)));
  assert.equal(fingerprints.size, texts.length);
});

test('another key gives another fingerprint for the same text', () => {
  assert.notEqual(hex('keyid\nnonce', 1, 2), hex('keyid\nnonce', 1, 3));
  assert.notEqual(hex('keyid\nnonce', 1, 2), hex('keyid\nnonce', 5, 2));
});
