/**
 * The shared nonce store: one `SET <prefix><id> 1 NX PX <ttl>` per claim, so
 * every worker and host behind the same Redis sees every nonce. Redis
 * answers OK the first time (a fresh nonce) and nil while the key lives (a
 * replay), and expires the key itself.
 *
 * The client is injected and typed by shape: ioredis (`status`, positional
 * arguments) or node-redis v4+ (`isOpen`, an options object), or any other
 * client through a `(key, ttlMs) => Promise<boolean>` adapter. Neither
 * package is imported statically; `fromUrl()` loads one if installed.
 *
 * Never a silent accept: a claim rejects with `ERR_SIG_STORE_UNAVAILABLE`
 * (the middleware answers 503) at once when the client says it has lost its
 * connection, rather than letting it queue the command for a reconnect, and
 * after `timeoutMs` when a command gets no answer (Redis hung, the network
 * partitioned, a connection attempt that hangs). A timed-out SET may still
 * land later: the nonce is then spent, which can only refuse a verbatim
 * retry of the same signed request (401 ERR_SIG_REPLAYED), never accept one.
 */
import { SignwireError } from '../../errors.ts';
import { SignatureError } from '../errors.ts';
import type { NonceStore } from './nonce-store.ts';

/** The part of an ioredis client (or Cluster) the store uses. */
export interface IoRedisLike {
  /** Claims are refused at once while it is "reconnecting", "close", "end" or "disconnecting". */
  readonly status: string;
  set(key: string, value: string, pxToken: 'PX', ttlMs: number, nxToken: 'NX'): Promise<unknown>;
}

/**
 * `SET` options as node-redis takes them: `NX`/`PX` (v4, still read by v5+)
 * and `condition`/`expiration` (v5+). Both forms are sent, so no version
 * can quietly drop NX, which would turn every replay into a fresh claim.
 */
export interface NodeRedisSetOptions {
  readonly NX: true;
  readonly PX: number;
  readonly condition: 'NX';
  readonly expiration: { readonly type: 'PX'; readonly value: number };
}

/** The part of a node-redis v4+ client (or cluster) the store uses. */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  /** Connected and past the handshake (v4+); claims are refused while it is false. */
  readonly isReady?: boolean;
  set(key: string, value: string, options: NodeRedisSetOptions): Promise<unknown>;
}

/** Any other client: run `SET key 1 NX PX ttlMs`; true when Redis answered OK, false for nil. */
export type SetIfAbsent = (key: string, ttlMs: number) => Promise<boolean>;

/** Options of `RedisNonceStore`. */
export interface RedisNonceStoreOptions {
  /** A connected ioredis or node-redis client, or a `SetIfAbsent` adapter. The caller owns it. */
  readonly client: IoRedisLike | NodeRedisLike | SetIfAbsent;
  /** Key prefix (default `'signwire:nonce:'`). */
  readonly prefix?: string;
  /** How long a claim waits for Redis before rejecting, in ms (default 1000). */
  readonly timeoutMs?: number;
}

/** `fromUrl()` options: the store's options, and which installed client library to use. */
export interface RedisUrlOptions extends Omit<RedisNonceStoreOptions, 'client'> {
  /** Default: `ioredis` when installed, else `redis`. */
  readonly library?: 'ioredis' | 'redis';
}

/** A client `fromUrl()` opened, and how to close it. */
interface OwnedClient {
  readonly client: IoRedisLike | NodeRedisLike;
  disconnect(): unknown;
}

/**
 * A `NonceStore` in Redis, for servers with several workers or hosts.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const nonces = new RedisNonceStore({ client: new Redis('redis://127.0.0.1:6379') });
 * app.use(verifySignature({ keys, nonces }));
 *
 * // node-redis: connect first, and listen for 'error' (node-redis throws without a listener)
 * const client = createClient({ url: 'redis://127.0.0.1:6379' }).on('error', console.error);
 * await client.connect();
 * const shared = new RedisNonceStore({ client, timeoutMs: 500 });
 */
export class RedisNonceStore implements NonceStore {
  readonly #setIfAbsent: SetIfAbsent;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  #owned: OwnedClient | undefined;

  constructor(options: RedisNonceStoreOptions) {
    const { client, prefix = 'signwire:nonce:', timeoutMs = 1000 } = options;
    checkOptions(prefix, timeoutMs);
    this.#setIfAbsent = setIfAbsentOf(client);
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Opens a client with the optional peer `ioredis` (or `redis`), waits up to
   * `timeoutMs` for it to be ready, and returns a store that `close()` shuts.
   *
   * @example
   * const nonces = await RedisNonceStore.fromUrl(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
   * process.on('SIGTERM', () => void nonces.close());
   */
  static async fromUrl(url: string, options: RedisUrlOptions = {}): Promise<RedisNonceStore> {
    const { library, ...storeOptions } = options;
    checkOptions(storeOptions.prefix ?? '', storeOptions.timeoutMs ?? 1000);
    const owned = await openClient(url, library, storeOptions.timeoutMs ?? 1000);
    const store = new RedisNonceStore({ ...storeOptions, client: owned.client });
    store.#owned = owned;
    return store;
  }

  /** True the first time `id` is claimed within `ttlMs`; rejects `ERR_SIG_STORE_UNAVAILABLE` when Redis does not answer. */
  async claim(id: string, ttlMs: number): Promise<boolean> {
    if (!(ttlMs > 0 && Number.isFinite(ttlMs))) throw invalid(`ttlMs must be a positive number, got ${String(ttlMs)}`);
    try {
      return await withTimeout(this.#setIfAbsent(this.#prefix + id, Math.ceil(ttlMs)), this.#timeoutMs);
    } catch (err) {
      if (err instanceof SignatureError) throw err;
      throw new SignatureError('ERR_SIG_STORE_UNAVAILABLE', 'nonce store (Redis) failed', { cause: err });
    }
  }

  /** Closes the client `fromUrl()` opened; an injected client is left to its owner. */
  async close(): Promise<void> {
    const owned = this.#owned;
    this.#owned = undefined;
    await owned?.disconnect();
  }
}

function checkOptions(prefix: string, timeoutMs: number): void {
  if (typeof prefix !== 'string') throw invalid('prefix must be a string');
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 31 - 1) {
    throw invalid(`timeoutMs must be a positive integer below 2^31, got ${String(timeoutMs)}`);
  }
}

function setIfAbsentOf(client: RedisNonceStoreOptions['client']): SetIfAbsent {
  if (typeof client === 'function') {
    return async (key, ttlMs) => {
      const fresh: unknown = await client(key, ttlMs);
      if (typeof fresh !== 'boolean') throw new Error(`SetIfAbsent adapter resolved ${String(fresh)}, not a boolean`);
      return fresh;
    };
  }
  if (typeof client === 'object' && client !== null && typeof client.set === 'function') {
    if ('status' in client && typeof client.status === 'string') {
      return async (key, ttlMs) => {
        if (IOREDIS_DISCONNECTED.has(client.status)) throw notConnected(`ioredis status "${client.status}"`);
        return isOk(await client.set(key, '1', 'PX', ttlMs, 'NX'));
      };
    }
    if ('isOpen' in client && typeof client.isOpen === 'boolean') {
      const options = (ttlMs: number): NodeRedisSetOptions =>
        ({ NX: true, PX: ttlMs, condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
      return async (key, ttlMs) => {
        if (!client.isOpen || client.isReady === false) throw notConnected('node-redis is not ready');
        return isOk(await client.set(key, '1', options(ttlMs)));
      };
    }
  }
  throw invalid('client must be an ioredis client, a node-redis v4+ client, or a (key, ttlMs) => Promise<boolean> function');
}

/**
 * ioredis states after a lost connection. Commands given now would wait in
 * its offline queue (unbounded while Redis stays down) and could run after
 * the claim timed out, spending the nonce of a request answered 503: refuse
 * at once instead. While first connecting, commands queue briefly as usual.
 */
const IOREDIS_DISCONNECTED: ReadonlySet<string> = new Set(['reconnecting', 'close', 'end', 'disconnecting']);

function notConnected(detail: string): SignatureError {
  return new SignatureError('ERR_SIG_STORE_UNAVAILABLE', `nonce store (Redis) is not connected (${detail})`);
}

/** OK: the key was set (a fresh nonce); nil: it exists (a replay); anything else is an error, never a yes. */
function isOk(reply: unknown): boolean {
  if (reply === null) return false;
  const text = reply instanceof Uint8Array ? new TextDecoder().decode(reply) : reply;
  if (text === 'OK') return true;
  throw new Error(`unexpected reply to SET NX: ${String(reply)}`);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SignatureError('ERR_SIG_STORE_UNAVAILABLE', `nonce store (Redis) did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function openClient(url: string, library: 'ioredis' | 'redis' | undefined, timeoutMs: number): Promise<OwnedClient> {
  const where = redisAddress(url);
  const names = library === undefined ? (['ioredis', 'redis'] as const) : [library];
  for (const name of names) {
    const module = await importOptional(name);
    if (module === undefined) continue;
    const owned = name === 'ioredis' ? ioredisClient(module, url) : nodeRedisClient(module, url);
    try {
      await withTimeout(owned.connect(), timeoutMs);
    } catch (err) {
      await owned.disconnect();
      const why = err instanceof Error ? err.message : String(err);
      throw new SignatureError('ERR_SIG_STORE_UNAVAILABLE', `cannot connect to Redis at ${where} (with ${name}): ${why}`, { cause: err });
    }
    return owned;
  }
  throw invalid(`fromUrl() needs the optional peer ${names.map((n) => `"${n}"`).join(' or ')}: npm install ${names[0]}`);
}

/**
 * "redis://host:port/db" for messages: the URL checked (redis: or rediss:),
 * without its user name and password, which must never reach a log.
 */
function redisAddress(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`"${url.replace(/\/\/[^@/]*@/, '//***@')}" is not a URL; use redis://host:port (or rediss:// for TLS)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw invalid(`the URL must start with redis:// or rediss://, got ${parsed.protocol}//`);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/** The loaded module, or undefined when the package is not installed. */
async function importOptional(name: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (err) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (code === 'ERR_MODULE_NOT_FOUND' && String(message).includes(`'${name}'`)) return undefined;
    throw err;
  }
}

type Connectable = OwnedClient & { connect(): Promise<unknown> };

function ioredisClient(module: Record<string, unknown>, url: string): Connectable {
  type Client = IoRedisLike & Connectable & { on(event: 'error', listener: (err: unknown) => void): void };
  const Redis = (module['Redis'] ?? module['default']) as new (url: string, options: object) => Client;
  const client = new Redis(url, { lazyConnect: true });
  client.on('error', () => {}); // else ioredis prints every failed reconnect; claims report failures
  return { client, connect: () => client.connect(), disconnect: () => client.disconnect() };
}

function nodeRedisClient(module: Record<string, unknown>, url: string): Connectable {
  type Client = NodeRedisLike & Connectable & { on(event: 'error', listener: (err: unknown) => void): void; destroy?(): void };
  const client = (module['createClient'] as (options: { url: string }) => Client)({ url });
  client.on('error', () => {}); // without a listener node-redis would crash the process; claims report failures
  // destroy() since v5; disconnect() in v4 (deprecated later)
  const disconnect = (): unknown => (client.destroy !== undefined ? client.destroy() : client.disconnect());
  return { client, connect: () => client.connect(), disconnect: () => (client.isOpen ? disconnect() : undefined) };
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `RedisNonceStore: ${message}`);
}
