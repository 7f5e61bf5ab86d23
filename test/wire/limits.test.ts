import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIMITS, resolveLimits, SignwireError } from '../../src/index.ts';

test('resolveLimits replaces the given entries and keeps the other defaults', () => {
  const limits = resolveLimits({ maxBodyBytes: 10 });
  assert.equal(limits.maxBodyBytes, 10);
  assert.equal(limits.maxHeaderBytes, DEFAULT_LIMITS.maxHeaderBytes);
  assert.ok(Object.isFrozen(limits));
});

for (const [name, value] of [['maxBodyBytes', -1], ['maxBodyBytes', 1.5], ['maxBodyBytes', Number.NaN], ['noSuchLimit', 1]] as const) {
  test(`resolveLimits rejects ${name}=${String(value)} with ERR_INVALID_OPTION`, () => {
    assert.throws(
      () => resolveLimits({ [name]: value } as Record<string, number>),
      (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION',
    );
  });
}
