/**
 * The `classicSign` options from the command line (`--algorithm`,
 * `--from`, `--app-key-field`, …), checked by the scheme's own validation
 * so that the CLI accepts exactly what `classicSign` does; its errors come
 * back as `UsageError`s naming the flag rather than the option.
 */
import { SignwireError } from '../errors.ts';
import { CLASSIC_ALGORITHMS, isClassicAlgorithm } from '../sign/classic/digest.ts';
import { resolveClassicOptions, type ClassicConfig, type ClassicSignOptions, type ClassicSource } from '../sign/classic/options.ts';
import type { SchemeValues } from './scheme-options.ts';
import { UsageError } from './usage-error.ts';

/** Flag → `classicSign` option, for the options that are names. */
const FIELD_FLAGS = {
  'app-key-field': 'appKeyField',
  'sign-field': 'signField',
  'timestamp-field': 'timestampField',
  'nonce-field': 'nonceField',
  'algorithm-field': 'algorithmField',
  'secret-field': 'secretField',
} as const;

const OTHER_FLAGS: Readonly<Record<string, string>> = { algorithm: 'algorithm', from: 'from', 'timestamp-unit': 'timestampUnit', 'hex-case': 'hexCase' };

/** A classic scheme's options, and the same filled in and checked. */
export interface ClassicArgs {
  readonly options: ClassicSignOptions;
  readonly config: ClassicConfig;
}

/**
 * The `classicSign` options the flags give; throws `UsageError`.
 *
 * @example
 * classicArgs({ algorithm: 'md5', from: 'body' }).config.from; // ['body']
 */
export function classicArgs(values: SchemeValues): ClassicArgs {
  if (values.algorithm !== undefined && !isClassicAlgorithm(values.algorithm)) {
    throw new UsageError(`unknown --algorithm "${values.algorithm}"; use one of ${Object.keys(CLASSIC_ALGORITHMS).join(', ')}`);
  }
  const options: Record<string, unknown> = {};
  for (const flag of Object.keys(FIELD_FLAGS) as Array<keyof typeof FIELD_FLAGS>) if (values[flag] !== undefined) options[FIELD_FLAGS[flag]] = values[flag];
  if (values.algorithm !== undefined) options['algorithm'] = values.algorithm;
  if (values.from !== undefined) options['from'] = values.from.split(',').map((source) => source.trim()) as ClassicSource[];
  if (values['timestamp-unit'] !== undefined) options['timestampUnit'] = values['timestamp-unit'];
  if (values['hex-case'] !== undefined) options['hexCase'] = values['hex-case'];
  try {
    return { options, config: resolveClassicOptions(options) };
  } catch (error) {
    if (error instanceof SignwireError && error.code === 'ERR_INVALID_OPTION') throw new UsageError(asFlags(error.message));
    throw error;
  }
}

/** `classicSign: "timestampUnit" must be …` → `--timestamp-unit must be …`. */
function asFlags(message: string): string {
  const flags = new Map<string, string>([...Object.entries(FIELD_FLAGS), ...Object.entries(OTHER_FLAGS)].map(([flag, option]) => [option, flag]));
  return message.replace(/^classicSign: /, '').replace(/"(\w+)"/g, (quoted, name: string) => (flags.has(name) ? `--${flags.get(name)!}` : quoted));
}
