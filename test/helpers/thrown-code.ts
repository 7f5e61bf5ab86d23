/**
 * Test helper: the stable code of what a call throws, so tests assert on
 * codes rather than prose.
 */
import { SignwireError } from '../../src/index.ts';

/**
 * The `code` of the `SignwireError` that `run()` throws; `'not a SignwireError'`
 * for anything else thrown, `undefined` when it returns.
 */
export function thrownCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof SignwireError ? error.code : 'not a SignwireError';
  }
  return undefined;
}
