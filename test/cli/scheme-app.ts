/**
 * Test helpers for the CLI's schemes: an App on 127.0.0.1 whose /check
 * route (any method) lets a request through `verifySignature` with the
 * given scheme and answers what was verified and the body it read, and
 * the JSON of a CLI answer.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { App } from '../../src/app/app.ts';
import { verifySignature, type VerifySignatureOptions } from '../../src/sign/middleware.ts';
import type { VerifiedSignature } from '../../src/sign/scheme.ts';

/** What /check answers for a verified request. */
export interface CheckAnswer {
  readonly signature: VerifiedSignature;
  readonly query: string;
  readonly body: string;
}

/** Starts the App until the test ends; resolves with its /check URL. */
export async function startSchemeApp(t: TestContext, options: VerifySignatureOptions): Promise<string> {
  const app = new App();
  app.all('/check', verifySignature(options), async (c) => c.json({ signature: c.get('signature'), query: c.req.search, body: await c.req.text() }));
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close({ graceMs: 0 }));
  return `http://127.0.0.1:${server.port}/check`;
}

/** The JSON a command printed (the body of the answer). */
export function answerOf<T = CheckAnswer>(stdout: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    assert.fail(`not JSON: ${stdout}`);
  }
}

/** The error code of a refusal a command printed. */
export function refusalCode(stdout: string): string | undefined {
  return answerOf<{ error?: { code?: string } }>(stdout).error?.code;
}
