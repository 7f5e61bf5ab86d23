/** `detached`: a copy of a string, equal in every code unit, whatever its length or content. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detached } from '../src/detached.ts';

test('a string with lone surrogates, non-ASCII text and more than one copy chunk → an equal copy', () => {
  const text = `a\uD800b${'é✓'.repeat(5000)}\uDFFFz`;
  assert.equal(detached(text), text);
});

test('the empty string and a single char → themselves', () => {
  assert.equal(detached(''), '');
  assert.equal(detached('x'), 'x');
});
