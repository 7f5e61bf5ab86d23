/**
 * The httpwg Structured Field Tests (RFC 8941 / RFC 9651), every file of
 * `../shared/vectors/structured-fields/` (found relative to the project
 * root), including `serialisation-tests/`.
 *
 * For a case with `raw`: the field lines, joined with ", ", are parsed; a
 * `must_fail` case must throw, a `can_fail` case may; otherwise the result
 * must equal `expected`, and serialising it, and serialising `expected`
 * itself, must give `canonical` (or `raw`). A `serialisation-tests` case
 * has no `raw`: `expected` must serialise to `canonical`, or throw when
 * `must_fail`.
 *
 * JSON cannot tell `1.0` from `1`, so the files are read with every number
 * written with "." or an exponent turned into a `{"__type": "decimal"}`
 * object before `JSON.parse`; integers and decimals are then compared exactly.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  Decimal,
  DisplayString,
  SfDate,
  Token,
  isInnerList,
  parseDictionary,
  parseField,
  parseSoleByteSequence,
  serializeDictionary,
  serializeField,
  type BareItem,
  type FieldType,
  type FieldValue,
  type InnerList,
  type Item,
  type Member,
  type Parameters,
} from '../../src/sign/structured-fields/index.ts';

const VECTORS = new URL('../../../shared/vectors/structured-fields/', import.meta.url);

interface Case {
  readonly name: string;
  readonly raw?: string[];
  readonly header_type: FieldType;
  readonly expected?: unknown;
  readonly must_fail?: boolean;
  readonly can_fail?: boolean;
  readonly canonical?: string[];
}

const counts = { parse: 0, parseTotal: 0, canFailRejected: 0, serialise: 0, serialiseTotal: 0 };

if (existsSync(VECTORS)) {
  describe('httpwg Structured Field Tests', () => {
    after(() => {
      const { parse, parseTotal, canFailRejected, serialise, serialiseTotal } = counts;
      console.log(`structured fields: parse ${parse}/${parseTotal} passed (${canFailRejected} can_fail cases rejected), serialise ${serialise}/${serialiseTotal} passed`);
    });
    for (const file of vectorFiles()) {
      describe(file, () => {
        for (const c of readCases(file)) defineCase(c);
      });
    }
  });
} else {
  const reason = '../shared/vectors/structured-fields is absent (a clone without ../shared)';
  console.log(`structured field tests skipped: ${reason}`);
  test('passes the httpwg Structured Field Tests', { skip: reason }, () => {});
}

function vectorFiles(): string[] {
  const top = readdirSync(VECTORS).filter((f) => f.endsWith('.json'));
  const serialisation = readdirSync(new URL('serialisation-tests/', VECTORS))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `serialisation-tests/${f}`);
  return [...top.sort(), ...serialisation.sort()];
}

function readCases(file: string): Case[] {
  const text = readFileSync(new URL(file, VECTORS), 'utf8');
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) =>
    token.startsWith('"') || !/[.eE]/.test(token) ? token : `{"__type":"decimal","value":${token}}`,
  );
  return JSON.parse(marked) as Case[];
}

function defineCase(c: Case): void {
  if (c.raw !== undefined) {
    const raw = c.raw;
    test(`parses: ${c.name}`, () => {
      counts.parseTotal += 1;
      checkParse(c, raw);
      counts.parse += 1;
    });
  }
  if (c.expected !== undefined || c.raw === undefined) {
    test(`serialises: ${c.name}`, () => {
      counts.serialiseTotal += 1;
      checkSerialise(c);
      counts.serialise += 1;
    });
  }
}

function checkParse(c: Case, raw: string[]): void {
  const input = raw.join(', ');
  if (c.must_fail === true) {
    assert.throws(() => parseField(c.header_type, input), { name: 'StructuredFieldError' });
    return;
  }
  let parsed: FieldValue;
  try {
    parsed = parseField(c.header_type, input);
  } catch (error) {
    if (c.can_fail !== true) throw error;
    counts.canFailRejected += 1;
    return;
  }
  assert.deepStrictEqual(fieldToJson(c.header_type, parsed), c.expected);
  assert.equal(serializeField(c.header_type, parsed), canonicalText(c, raw));
}

function checkSerialise(c: Case): void {
  const serialise = (): string => serializeField(c.header_type, fieldFromJson(c.header_type, c.expected));
  if (c.must_fail === true) {
    if (c.raw === undefined) assert.throws(serialise, { name: 'StructuredFieldError' });
    return;
  }
  assert.equal(serialise(), canonicalText(c, c.raw ?? []));
}

/** What serialising must give: `canonical`, else `raw` (lines joined); [] is the omitted field, "". */
function canonicalText(c: Case, raw: string[]): string {
  return (c.canonical ?? raw).join(', ');
}

describe('Structured Fields round trip', () => {
  const integer = fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 });
  const key = fc.stringMatching(/^[a-z*][a-z0-9_\-.*]{0,6}$/);
  const bare = fc.oneof(
    integer,
    integer.map((n) => new Decimal(n / 1000)),
    fc.stringMatching(/^[\x20-\x7e]{0,12}$/),
    fc.stringMatching(/^[A-Za-z*][\w!#$%&'*+\-.^`|~:/]{0,8}$/).map((t) => new Token(t)),
    fc.uint8Array({ maxLength: 12 }),
    fc.boolean(),
    integer.map((n) => new SfDate(n)),
    fc.string({ unit: 'grapheme', maxLength: 6 }).map((text) => new DisplayString(text)),
  );
  const params = fc.uniqueArray(fc.tuple(key, bare), { selector: ([k]) => k, maxLength: 3 }).map((entries) => new Map(entries));
  const oneItem = fc.tuple(bare, params).map(([value, p]): Item => ({ value, params: p }));
  const innerList = fc.tuple(fc.array(oneItem, { maxLength: 3 }), params).map(([items, p]): InnerList => ({ items, params: p }));
  const member = fc.oneof(oneItem, innerList);
  const dictionary = fc.uniqueArray(fc.tuple(key, member), { selector: ([k]) => k, maxLength: 4 }).map((entries) => new Map(entries));

  test('any dictionary serialises to text that parses back to the same values', () => {
    fc.assert(
      fc.property(dictionary, (value) => {
        const text = serializeDictionary(value);
        assert.deepStrictEqual(parseDictionary(text), value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseSoleByteSequence', () => {
  /** What the whole parse makes of `text`, in the shortcut's terms: [key, bytes] for one parameterless byte sequence. */
  function wholeParse(text: string): [string, number[]] | 'other' | 'error' {
    let parsed: ReadonlyMap<string, Member>;
    try {
      parsed = parseDictionary(text);
    } catch {
      return 'error';
    }
    const [entry, ...rest] = parsed;
    if (entry === undefined || rest.length > 0) return 'other';
    const [key, member] = entry;
    return !isInnerList(member) && member.value instanceof Uint8Array && member.params.size === 0 ? [key, [...member.value]] : 'other';
  }

  test('agrees with parseDictionary wherever it answers, and answers the plain one-member form', () => {
    const starts = ['sig1', 'sha-256', '*k', 'a_b.c', 'K', '1a', '', ' a', 'a ', '%'];
    const separators = ['=:', '=', ':', '= :', '=::', ''];
    const middles = ['AQ==', 'AQ', 'A', 'AQAB', 'AQA', '', 'A Q', 'AQ==:AQ', 'A*', 'AQ:, b=:Ag==', '=AQ'];
    const ends = [':', '', ': ', ':;p', ':, b=:Ag==:', ':,', '::', '=:', ' '];
    fc.assert(
      fc.property(fc.tuple(...[starts, separators, middles, ends].map((set) => fc.constantFrom(...set))), (parts) => {
        const text = parts.join('');
        const sole = parseSoleByteSequence(text);
        if (sole !== undefined) assert.deepStrictEqual(wholeParse(text), [sole[0], [...sole[1]]], text);
      }),
      { numRuns: 5000 },
    );
    for (const text of ['sig1=:AQ==:', 'sha-256=::', '*k=:AQAB:', 'a=:AQ:']) assert.notEqual(parseSoleByteSequence(text), undefined, text);
    for (const text of [' a=:AQ==:', 'a=:AQ==: ', 'a=:AQ==:;p', 'a=:AQ==:, b=:Ag==:', 'a=:', 'a=:AQ==', 'a=:AQAB', 'A=:AQ==:', 'a=:A:']) {
      assert.equal(parseSoleByteSequence(text), undefined, text);
    }
  });
});

// ---- the test format's JSON ↔ our values -------------------------------------------------------

type Json = unknown;

function fieldToJson(type: FieldType, value: FieldValue): Json {
  if (type === 'item') return memberToJson(value as Item);
  if (type === 'list') return (value as Member[]).map(memberToJson);
  return [...(value as Map<string, Member>)].map(([key, member]) => [key, memberToJson(member)]);
}

function memberToJson(member: Member): Json {
  if (isInnerList(member)) return [member.items.map(memberToJson), paramsToJson(member.params)];
  return [bareToJson(member.value), paramsToJson(member.params)];
}

function paramsToJson(params: Parameters): Json {
  return [...params].map(([key, value]) => [key, bareToJson(value)]);
}

function bareToJson(value: BareItem): Json {
  if (value instanceof Token) return { __type: 'token', value: value.value };
  if (value instanceof Decimal) return { __type: 'decimal', value: value.value };
  if (value instanceof Uint8Array) return { __type: 'binary', value: base32(value) };
  if (value instanceof SfDate) return { __type: 'date', value: value.seconds };
  if (value instanceof DisplayString) return { __type: 'displaystring', value: value.value };
  return value;
}

function fieldFromJson(type: FieldType, json: Json): FieldValue {
  const pairs = json as Array<[string, Json]>;
  if (type === 'item') return memberFromJson(json) as Item;
  if (type === 'list') return (json as Json[]).map(memberFromJson);
  return new Map(pairs.map(([key, member]) => [key, memberFromJson(member)]));
}

function memberFromJson(json: Json): Member {
  const [value, params] = json as [Json, Array<[string, Json]>];
  if (Array.isArray(value)) return { items: value.map(memberFromJson) as Item[], params: paramsFromJson(params) } satisfies InnerList;
  return { value: bareFromJson(value), params: paramsFromJson(params) };
}

function paramsFromJson(pairs: Array<[string, Json]>): Parameters {
  return new Map(pairs.map(([key, value]) => [key, bareFromJson(value)]));
}

function bareFromJson(json: Json): BareItem {
  if (typeof json !== 'object' || json === null) return json as BareItem;
  const { __type: type, value } = json as { __type: string; value: never };
  if (type === 'token') return new Token(value);
  if (type === 'decimal') return new Decimal(value);
  if (type === 'binary') return unbase32(value);
  if (type === 'date') return new SfDate(value);
  if (type === 'displaystring') return new DisplayString(value);
  throw new Error(`unknown __type ${type}`);
}

// ---- base32 (RFC 4648 §6), the test format's encoding of byte sequences ------------------------

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let count = 0;
  let out = '';
  for (const byte of bytes) {
    bits = (bits << 8) | byte;
    count += 8;
    while (count >= 5) {
      count -= 5;
      out += BASE32[(bits >> count) & 31];
    }
    bits &= (1 << count) - 1;
  }
  if (count > 0) out += BASE32[(bits << (5 - count)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

function unbase32(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let count = 0;
  for (const char of text.replace(/=+$/, '')) {
    bits = (bits << 5) | BASE32.indexOf(char);
    count += 5;
    if (count >= 8) {
      count -= 8;
      out.push((bits >> count) & 0xff);
    }
    bits &= (1 << count) - 1;
  }
  return new Uint8Array(out);
}
