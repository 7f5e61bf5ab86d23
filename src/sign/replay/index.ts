/**
 * Replay protection: the nonce store contract and its two implementations,
 * in memory (one process) and in Redis (shared by workers and hosts).
 */
export type { NonceStore } from './nonce-store.ts';
export { DEFAULT_MAX_NONCES, MemoryNonceStore, type MemoryNonceStoreOptions } from './memory.ts';
export {
  RedisNonceStore,
  type IoRedisLike,
  type NodeRedisLike,
  type NodeRedisSetOptions,
  type RedisNonceStoreOptions,
  type RedisUrlOptions,
  type SetIfAbsent,
} from './redis.ts';
export { nonceStoreCheck } from './store-check.ts';
