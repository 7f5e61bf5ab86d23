/**
 * Signed requests for wrk, whose Lua cannot compute an HMAC. They are signed
 * here, before the runs, with `signRequest` from the built client
 * (dist/client), each with a fresh nonce and `created` = now, and written to
 * files that scripts/signed-post.lua sends one request per call, in order.
 *
 * - Every request names the same authority, AUTHORITY, in its Host field and
 *   signed `@authority`, whatever port the server listens on (as behind a
 *   proxy that passes the Host on), so one batch serves every server.
 * - A server that verifies signatures refuses a nonce it has seen (401). The
 *   warm-up and the measured run share a server process, so each run has its
 *   own file, of `rate` × its seconds requests; every measurement starts a
 *   fresh server with an empty nonce store, so the same files serve the next.
 * - Servers accept `created` within ±300 s of their clock: a batch is signed
 *   again when it would be older than USABLE_S by the end of the next run.
 * - A file a server answers faster than it was signed for runs out, and its
 *   repeats are refused by a server that verifies: `ranOut` tells, and raises
 *   the rate of the batches signed from then on, so the harness can sign
 *   again and measure again.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebCryptoKey } from '../dist/client/index.js';
import type { Presigned } from './catalog.ts';
import { KEY_ID, SECRET } from './servers/bench-key.mjs';

/** The authority every signed request addresses. */
export const AUTHORITY = 'api.example.com';

/** 60 s short of the servers' 300 s window: time to start the server and check it, and seconds rounded down. */
const USABLE_S = 240;
/** Requests signed at once: WebCrypto runs them on the thread pool. */
const CONCURRENCY = 256;
/** A run that used more of its file than this share signs the next batches at GROWTH × the rate it saw. */
const NEAR_END = 0.8;
const GROWTH = 1.5;
/** Rates are rounded up to a multiple of this, to read well in the log. */
const RATE_STEP = 10_000;

/** The header fields of a signed POST of `body` to `path`, as node:http sends them. */
export async function signedHeaders(path: string, body: string): Promise<Record<string, string>> {
  const common = commonFields();
  return { ...common, ...(await sign(path, body, common)) };
}

/** The same request, unsigned: what a server that verifies must refuse. */
export function unsignedHeaders(): Record<string, string> {
  return commonFields();
}

function commonFields(): Record<string, string> {
  return { Host: AUTHORITY, 'Content-Type': 'application/json' };
}

/** The secret as a WebCrypto key, imported once rather than by every `signRequest`. */
let hmacKey: Promise<WebCryptoKey> | undefined;

async function sign(path: string, body: string, headers: Record<string, string>): Promise<Record<string, string>> {
  // Imported when first needed, not with this module: the harness builds dist/ after loading its modules.
  const { signRequest } = await import('../dist/client/index.js');
  hmacKey ??= crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const request = { method: 'POST', url: `http://${AUTHORITY}${path}`, headers, body };
  return signRequest(request, { keyId: KEY_ID, key: await hmacKey, alg: 'hmac-sha256' });
}

/** The files of one batch, one per run of a measurement. */
export interface SignedFiles {
  readonly warmup: string;
  readonly measured: string;
}

/** The batches of one scenario, signed again when stale; `dispose()` removes their files. */
export class SignedRequests {
  readonly #path: string;
  readonly #body: string;
  readonly #dir: string;
  /** Requests per second of run that the current and next batches hold: the scenario's rate, raised by `ranOut`. */
  #rate: number;
  #signedAt = Number.NEGATIVE_INFINITY;

  constructor(name: string, path: string, presigned: Presigned) {
    this.#path = path;
    if (presigned.body.includes('\n')) throw new Error(`scenario ${name}: the signed body must be one line`);
    this.#body = presigned.body;
    this.#rate = presigned.rate;
    this.#dir = join(tmpdir(), `signwire-bench-${process.pid}-${name}`);
  }

  /** Requests per second of run that the files hold. */
  get rate(): number {
    return this.#rate;
  }

  /**
   * Whether a run of `seconds` that sent `requests` ran out of its file (the
   * requests past its end were repeats). A run that came near the end raises
   * the rate, and the next `files()` signs a new batch at it.
   */
  ranOut(requests: number, seconds: number): boolean {
    const ranOut = requests > this.#rate * seconds;
    if (requests > this.#rate * seconds * NEAR_END) {
      this.#rate = Math.ceil((GROWTH * requests) / seconds / RATE_STEP) * RATE_STEP;
      this.#signedAt = Number.NEGATIVE_INFINITY;
    }
    return ranOut;
  }

  /** Files for a warm-up of `warmupS` and a run of `durationS` seconds, signed within the last USABLE_S. */
  async files(warmupS: number, durationS: number): Promise<SignedFiles> {
    const files = { warmup: join(this.#dir, 'warmup.txt'), measured: join(this.#dir, 'measured.txt') };
    if (Date.now() + (warmupS + durationS) * 1000 <= this.#signedAt + USABLE_S * 1000) return files;
    mkdirSync(this.#dir, { recursive: true });
    const rate = this.#rate;
    const count = rate * (warmupS + durationS);
    process.stdout.write(`signing ${count.toLocaleString('en-US')} requests for wrk (${rate.toLocaleString('en-US')}/s of run) … `);
    const started = performance.now();
    this.#signedAt = Date.now();
    await this.#write(files.warmup, rate * warmupS);
    await this.#write(files.measured, rate * durationS);
    console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
    return files;
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** The format scripts/signed-post.lua reads: common fields, a blank line, the body, one line of signature fields per request. */
  async #write(file: string, count: number): Promise<void> {
    const body = this.#body;
    const common = commonFields();
    const out = await open(file, 'w');
    try {
      await out.write(`${fieldLines(common).join('\n')}\n\n${body}\n`);
      for (let done = 0; done < count; done += CONCURRENCY) {
        const batch = Array.from({ length: Math.min(CONCURRENCY, count - done) }, () => sign(this.#path, body, common));
        const lines = (await Promise.all(batch)).map((fields) => fieldLines(fields).join('\t'));
        await out.write(`${lines.join('\n')}\n`);
      }
    } finally {
      await out.close();
    }
  }
}

function fieldLines(fields: Record<string, string>): string[] {
  return Object.entries(fields).map(([name, value]) => {
    if (/[\t\r\n]/.test(value)) throw new Error(`header field ${name} holds a tab or a line break: ${JSON.stringify(value)}`);
    return `${name}: ${value}`;
  });
}
