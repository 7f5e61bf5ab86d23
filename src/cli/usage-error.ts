/**
 * Usage errors: a bad flag, a missing argument, a file that cannot be read.
 * `main` prints their message on one line and exits with code 2, never a
 * stack trace. `parseArgs`' own errors (unknown option, missing value) and
 * signwire's `ERR_INVALID_OPTION` / `ERR_INVALID_KEY` count as usage errors too.
 */
import { readFile } from 'node:fs/promises';

/**
 * A mistake in how the command was called.
 *
 * @example
 * if (positionals.length === 0) throw new UsageError('the URL is missing');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Whether an error is the caller's doing (exit 2) rather than a failure (exit 1).
 *
 * @example
 * isUsageError(new UsageError('--key-id is required')); // true
 */
export function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('ERR_PARSE_ARGS_') || code === 'ERR_INVALID_OPTION' || code === 'ERR_INVALID_KEY');
}

/**
 * The bytes of a file named on the command line, or of stdin for "-".
 * Throws `UsageError` when it cannot be read.
 *
 * @example
 * const body = await readInput('order.json');
 */
export async function readInput(path: string): Promise<Buffer> {
  if (path === '-') return readStdin();
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
