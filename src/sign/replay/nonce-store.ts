/**
 * The nonce store contract. A signed request carries a nonce; the server
 * claims it once the signature is valid, and a second claim of the same
 * nonce within its TTL is a replay.
 *
 * `claim(id, ttlMs)` resolves true the first time `id` is claimed within
 * `ttlMs`, false afterwards; it rejects when the store cannot answer (the
 * middleware then answers 503 `ERR_SIG_STORE_UNAVAILABLE`, never accepts).
 */
export interface NonceStore {
  claim(id: string, ttlMs: number): Promise<boolean>;
}
