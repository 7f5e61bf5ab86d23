/**
 * Validation of option objects made of non-negative integers (limits):
 * shared by the wire limits and the form limits, so both refuse unknown
 * names and bad values the same way.
 */
import { SignwireError } from './errors.ts';

/**
 * `defaults` with the entries of `overrides` replaced, frozen. An unknown
 * name, or a value that is not a non-negative safe integer, throws
 * `ERR_INVALID_OPTION` naming it (`what` says which kind, e.g. "limit").
 */
export function resolveIntegerOptions<T extends object>(defaults: T, overrides: Partial<T> | undefined, what: string): T {
  const resolved: Record<string, number> = { ...(defaults as Record<string, number>) };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (!(name in defaults)) throw new SignwireError('ERR_INVALID_OPTION', `unknown ${what} "${name}"`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new SignwireError('ERR_INVALID_OPTION', `${what} "${name}" must be a non-negative integer, got ${String(value)}`);
    }
    resolved[name] = value;
  }
  return Object.freeze(resolved) as T;
}
