/**
 * Shared by the webhook tests: a `SignedRequest` built in memory from
 * headers and a body, the code a verification rejects with, the fixed
 * clock, and the worked examples of ../shared/vectors/classic (undefined
 * where ../shared is absent, with the reason to skip).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SignatureError } from '../../../src/sign/errors.ts';
import type { SignedRequest } from '../../../src/sign/scheme.ts';

/** The fixed server clock, in seconds. */
export const NOW = 1_700_000_000;

/** A POST /hook with `headers` (any case) and exactly `body`. */
export function webhookRequest(headers: Readonly<Record<string, string>>, body: string | Uint8Array = ''): SignedRequest {
  const byName = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    method: 'POST',
    target: '/hook',
    path: '/hook',
    search: '',
    authority: 'example.test',
    scheme: 'https',
    header: (name) => byName.get(name.toLowerCase()),
    body: () => Promise.resolve(Buffer.from(body)),
  };
}

/** The code `promise` rejects with (a `SignatureError`'s), or undefined when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof SignatureError) return error.code;
    throw error;
  }
}

/** The `SignatureError` `promise` rejects with. */
export async function signatureError(promise: Promise<unknown>): Promise<SignatureError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SignatureError)) throw new Error(`expected a SignatureError, got ${String(error)}`);
  return error;
}

interface Vectors {
  readonly slack: { secret: string; timestamp: string; body: string; basestring: string; signature: string; header: string };
  readonly github: { secret: string; body: string; signature: string; header: string };
  readonly stripe: { header: string; 'tolerance-seconds': number };
}

const VECTORS = new URL('../../../../shared/vectors/classic/vectors.json', import.meta.url);

/** The Slack, GitHub and Stripe entries of the shared vectors, when present. */
export const vectors: Vectors | undefined = existsSync(VECTORS) ? (JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors) : undefined;

/** Why vector tests skip, or false when the vectors are present. */
export const skipVectors: string | false = vectors === undefined ? '../shared/vectors/classic is absent (a clone without ../shared)' : false;
if (skipVectors !== false) console.log(`webhook vector tests skipped: ${skipVectors}`);
