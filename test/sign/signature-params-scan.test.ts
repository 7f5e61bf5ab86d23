/**
 * scanSerializedParameters reads signature parameters written exactly as
 * serializeSignatureParameters writes them, without the Structured Field
 * parse, and the verifier then signs over that text as it is. These tests
 * hold it to the whole parse: whatever it accepts parses to the same
 * parameters, in the same order, and serializes back to the same text;
 * whatever it declines is invalid, written some other way, or holds an
 * escaped character (rare, and left to the whole parse).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { scanSerializedParameters, serializeSignatureParameters, signatureParamsFromItem } from '../../src/sign/rfc9421/signature-params.ts';
import { parseTrailingParameters } from '../../src/sign/structured-fields/index.ts';

/** The whole parse and its serialization, or undefined when the text is not valid signature parameters. */
function reference(text: string): { params: object; serialized: string } | undefined {
  try {
    const parsed = parseTrailingParameters(text, 0);
    if (parsed === undefined) return undefined;
    const params = signatureParamsFromItem(parsed);
    return { params, serialized: serializeSignatureParameters(params) };
  } catch {
    return undefined; // a Structured Field or signature parameter error
  }
}

function agreesWithParse(text: string): void {
  const scanned = scanSerializedParameters(text, 0);
  const whole = reference(text);
  if (scanned === undefined) {
    const serializedAsIs = whole !== undefined && whole.serialized === text;
    assert.ok(!serializedAsIs || text.includes('\\'), `declined, yet written as serialized: ${JSON.stringify(text)}`);
    return;
  }
  assert.ok(whole !== undefined, `accepted, yet the whole parse refuses: ${JSON.stringify(text)}`);
  assert.deepEqual(Object.entries(scanned), Object.entries(whole.params), JSON.stringify(text));
  assert.equal(whole.serialized, text);
}

/* Pieces of parameter text, good and bad, close to what clients send. */
const KEYS = ['created', 'expires', 'nonce', 'alg', 'keyid', 'tag', 'foo', 'Created', 'key', 'createdx', '*x'];
const VALUES = [
  '1618884473', '0', '01', '00', '-1', '1.5', '999999999999999', '1000000000000000', '1e3',
  '"k"', '""', '"hmac-sha256"', '"a b"', '"a\\"b"', '"a\\\\b"', '"é"', '"\t"', '"unterminated', 'token', '?1', ':AQ==:', '',
];
const SEPARATORS = [';', ';', ';', '; ', ' ;', ''];

const piece = fc.record({
  separator: fc.constantFrom(...SEPARATORS),
  key: fc.constantFrom(...KEYS),
  equals: fc.constantFrom('=', '=', '=', ''),
  value: fc.constantFrom(...VALUES),
});

describe('scanSerializedParameters', () => {
  test('reads what the serializer writes: every parameter, in its order', () => {
    const params = { created: 1618884473, expires: 1618884773, nonce: 'b3k2pp5k7z-50gnwp.yemd', alg: 'hmac-sha256', keyid: 'test-key', tag: 'app' };
    const text = serializeSignatureParameters(params);
    assert.deepEqual(Object.entries(scanSerializedParameters(text, 0)!), Object.entries(params));
    assert.deepEqual(scanSerializedParameters(`("@method")${text}`, 11), params);
    assert.deepEqual(scanSerializedParameters('', 0), {});
  });

  test('declines valid text not written as serialized, and strings with an escape (the whole parse reads them)', () => {
    for (const text of [';created=01', '; created=1', ';created=1;created=2', ';nonce="a\\"b"', ';created=1 ', ';keyid=tok']) {
      assert.equal(scanSerializedParameters(text, 0), undefined, text);
    }
  });

  test('declines what is not signature parameters at all', () => {
    for (const text of [';foo="x"', ';created="1"', ';nonce=1', ';created=-1', ';created=1000000000000000', ';created', ';keyid="é"', ';keyid="a', 'x']) {
      assert.equal(scanSerializedParameters(text, 0), undefined, text);
    }
  });

  test('agrees with the whole parse on 5,000 generated texts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 7 }), fc.constantFrom('', '', ' ', ',', ')'), (pieces, end) => {
        const text = pieces.map((p) => `${p.separator}${p.key}${p.equals}${p.value}`).join('') + end;
        agreesWithParse(text);
        if (scanSerializedParameters(text, 0) !== undefined) accepted += 1;
      }),
      { numRuns: 5_000 },
    );
    assert.ok(accepted >= 200, `only ${accepted} texts were accepted: the generator must reach the accepted side too`);
  });

  test('agrees with the whole parse on random printable text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => agreesWithParse(`;${text}`)), { numRuns: 2_000 });
  });
});
