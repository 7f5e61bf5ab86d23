/**
 * Query strings on their own: `firstPlainValue`, the lookup `c.req.query()`
 * uses when the query has no "%", must answer exactly what the full parse
 * (`parseQuery`) answers, for any query built from the characters that
 * matter ("&", "=", "+", letters, spaces in names asked for).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { firstPlainValue, parseQuery } from '../../src/app/query.ts';

/** Queries from a small alphabet, so names collide and "&&", "==", "+" and empty pairs are common. */
const search = fc.string({ unit: fc.constantFrom('a', 'b', '=', '&', '+', ' '), maxLength: 24 });
const name = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '='), maxLength: 3 });

describe('firstPlainValue', () => {
  test('agrees with the full parse for every query without "%"', () => {
    fc.assert(
      fc.property(search, name, (query, wanted) => {
        assert.equal(firstPlainValue(query, wanted), parseQuery(query).get(wanted)?.[0]);
      }),
      { numRuns: 5000 },
    );
  });

  const cases: Array<[string, string, string | undefined]> = [
    ['a=1&b=2&a=3', 'a', '1'],
    ['my+name=x+y', 'my name', 'x y'],
    ['a&b=k=v', 'a', ''],
    ['a&b=k=v', 'b', 'k=v'],
    ['=x&a=1', '', 'x'],
    ['a=1&&b', '', undefined],
    ['', 'a', undefined],
    ['ab=1', 'a', undefined],
  ];
  for (const [query, wanted, expected] of cases) {
    test(`"${query}" asked for "${wanted}" → ${JSON.stringify(expected)}`, () => {
      assert.equal(firstPlainValue(query, wanted), expected);
    });
  }
});
