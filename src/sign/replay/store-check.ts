/**
 * A health check for a nonce store: claims a fresh, random nonce with a
 * one-second TTL, exactly the operation signed requests depend on. For
 * Redis that is one `SET … NX PX 1000`, which also proves the connection
 * and the write path; the key expires by itself.
 *
 * @example
 * app.get('/healthz', health({ checks: { nonces: nonceStoreCheck(nonces) } }));
 */
import { randomUUID } from 'node:crypto';
import type { NonceStore } from './nonce-store.ts';

/** The TTL of a check's nonce, in ms: short, so checks never pile up in the store. */
const CHECK_TTL_MS = 1000;

/**
 * A `health()` check: resolves true when `store` claims a fresh nonce,
 * false when it calls it a replay (it cannot be one), and rejects when the
 * store cannot answer.
 *
 * @example
 * const check = nonceStoreCheck(new MemoryNonceStore());
 * await check(); // true
 */
export function nonceStoreCheck(store: NonceStore): () => Promise<boolean> {
  return () => store.claim(`healthz:${randomUUID()}`, CHECK_TTL_MS);
}
