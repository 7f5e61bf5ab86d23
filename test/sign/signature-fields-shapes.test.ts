/**
 * parseSignatureFields remembers the head of a Signature-Input value (label
 * and covered components, up to the first ")") and parses only the
 * parameters of a value that starts with a known head. These tests hold the
 * shortcut to the whole parse: every input gives the same entries, or the
 * same error, before its head is known and after.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSignatureFields } from '../../src/sign/rfc9421/index.ts';
import { SignatureError } from '../../src/sign/errors.ts';

type Outcome = { entries: unknown } | { code: string; message: string };

function outcome(input: string, signature: string): Outcome {
  try {
    const entries = parseSignatureFields(input, signature);
    return { entries: entries.map((e) => ({ label: e.label, components: e.components, params: e.params, signature: [...e.signature] })) };
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    return { code: error.code, message: error.message };
  }
}

/* Covered components: plain ones, one with parameters, and one holding ")" inside a string. */
const COMPONENT_SETS = [
  '"@method" "@authority" "@path" "@query" "content-digest"',
  '"@method" "x-tenant";key="eu" "@query-param";name="id"',
  '"@query-param";name="a)b" "@method"',
  '',
];

/* What may follow the inner list: parameters, good and bad, and what is not parameters at all. */
const TAILS = [
  ';created=1618884473;nonce="n-1";keyid="k"',
  ';keyid="k";created=1',
  '',
  ';created=01',
  ';created=1.5',
  ';created=-1',
  ';created',
  ';foo="bar"',
  ';nonce="a\\"b"',
  ';nonce="a\\xb"',
  ';keyid=tok',
  ';keyid="é"',
  ';created=1   ',
  ';created=1\t',
  ';created=1, other=()',
  ';created=1,other=();nonce="x"',
  ', other=()',
  ';created=1 ;nonce="x"',
  '; created=1',
  ';created=1;created=2',
  ')',
];

const signaturesFor = (label: string): string[] => [
  `${label}=:AQ==:`,
  `${label}=:AQ:`,
  `${label}=:AQ==:, other=:Ag==:`,
  `other=:Ag==:, ${label}=:AQ==:`,
  ` ${label}=:AQ==:`,
  `${label}=:AQ==: `,
  `${label}=::`,
  `${label}=:A Q==:`,
  `${label}=:A*==:`,
  `${label}=:AQ==:;p`,
  `${label}x=:AQ==:`,
  `other=:AQ==:`,
  `${label}=:AQ==`,
  `${label}=:AQAB`,
  `${label}=AQ==`,
];

describe('Signature-Input heads that are known', () => {
  test('every value parses the same before its head is known and after: entries or the same error', () => {
    let cases = 0;
    let fast = 0;
    for (const [set, components] of COMPONENT_SETS.entries()) {
      for (const [t, tail] of TAILS.entries()) {
        for (const [s, signature] of signaturesFor('sig1').entries()) {
          // A component unique to the case, so the first parse cannot find the head known.
          const unique = `"x-case-${set}-${t}-${s}"`;
          const head = `sig1=(${[components, unique].filter(Boolean).join(' ')})`;
          const input = `${head}${tail}`;
          const before = outcome(input, signature);
          const primed = parseSignatureFields(`${head};created=2`, 'sig1=:Ag==:');
          const after = outcome(input, signature);
          assert.deepEqual(after, before, `${input} | ${signature}`);
          cases += 1;
          if ('entries' in after && parseSignatureFields(input, signature)[0]!.components === primed[0]!.components) fast += 1;
        }
      }
    }
    assert.equal(cases, COMPONENT_SETS.length * TAILS.length * signaturesFor('sig1').length);
    // The shortcut was taken: the well-formed tails with the usual signature forms reuse the known components.
    assert.ok(fast >= 30, `only ${fast} of ${cases} cases took the shortcut`);
  });

  test('two values with the same head share one frozen list of components, and keep their own parameters', () => {
    const head = 'sig1=("@method" "@authority" "x-shared-head")';
    const first = parseSignatureFields(`${head};created=1;nonce="a"`, 'sig1=:AQ==:')[0]!;
    const second = parseSignatureFields(`${head};created=2;nonce="b"`, 'sig1=:Ag==:')[0]!;
    const third = parseSignatureFields(`${head};created=3;nonce="c"`, 'sig1=:Aw==:')[0]!;
    assert.equal(third.components, second.components);
    assert.ok(Object.isFrozen(third.components));
    assert.deepEqual(first.components, third.components);
    assert.deepEqual([first.params, second.params, third.params], [{ created: 1, nonce: 'a' }, { created: 2, nonce: 'b' }, { created: 3, nonce: 'c' }]);
    assert.deepEqual([[...second.signature], [...third.signature]], [[2], [3]]);
  });

  test('a head whose first ")" is inside a string is never taken for a whole inner list', () => {
    const input = 'sig1=("@query-param";name="x)y" "@method");created=5';
    for (let i = 0; i < 3; i++) {
      const [entry] = parseSignatureFields(input, 'sig1=:AQ==:');
      assert.deepEqual(entry!.components, [{ name: '@query-param', params: { name: 'x)y' } }, { name: '@method', params: {} }]);
      assert.deepEqual(entry!.params, { created: 5 });
    }
  });

  test('more heads than the cache holds: the oldest are forgotten and every value still parses', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) {
        const [entry] = parseSignatureFields(`sig1=("@method" "x-many-${i}");created=${i}`, 'sig1=:AQ==:');
        assert.deepEqual(entry!.components.map((c) => c.name), ['@method', `x-many-${i}`]);
        assert.equal(entry!.params.created, i);
      }
    }
  });
});
