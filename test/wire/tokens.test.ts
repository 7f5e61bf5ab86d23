/**
 * Comparing header names without making lower-case copies: it must agree
 * with lower-casing the name, for every token and every lower-case name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { equalsLowerCase } from '../../src/wire/tokens.ts';

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

test('equalsLowerCase agrees with toLowerCase() === for header names', () => {
  const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
  fc.assert(
    fc.property(token, token, (name, other) => {
      for (const lower of [name.toLowerCase(), other.toLowerCase()]) {
        assert.equal(equalsLowerCase(name, lower), name.toLowerCase() === lower, `${name} / ${lower}`);
      }
    }),
    { numRuns: 5000 },
  );
  assert.equal(equalsLowerCase('Content-Type', 'content-type'), true);
  assert.equal(equalsLowerCase('Content-Typ', 'content-type'), false);
  assert.equal(equalsLowerCase('[', '{'), false, 'only A-Z are folded');
  assert.equal(equalsLowerCase('@', '`'), false);
});
