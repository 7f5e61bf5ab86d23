/**
 * The server: accepts sockets (`node:net`, or `node:tls` when given a key and
 * certificate), gives each a `Connection`, enforces the connection limit,
 * sweeps deadlines, and shuts down gracefully.
 *
 * The seed of signwire is a server built from socket calls: bind, listen,
 * accept, recv, sendall, close. This is that server, done for real.
 *
 * @example
 * const server = createServer((req, res) => {
 *   res.setHeader('Content-Type', 'text/plain');
 *   res.end('Hello, World!');
 * });
 * await server.listen({ port: 8000, host: '127.0.0.1' });
 * console.log(`Serving HTTP on http://127.0.0.1:${server.port} ...`);
 */
import net from 'node:net';
import tls from 'node:tls';
import { SignwireError } from '../errors.ts';
import type { ConnectionHost, Handler } from './connection-host.ts';
import { Connection } from './connection.ts';
import { KeepAliveTails } from './head.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { dateLine } from './writer.ts';

export interface ServerOptions {
  /** Limits and timeouts; see `DEFAULT_LIMITS` and docs/limits.md. */
  readonly limits?: Partial<Limits>;
  /** Serve HTTPS: options for `tls.createServer` (at least `key` and `cert`). */
  readonly tls?: tls.TlsOptions;
  /** Called with every error a handler throws (default: printed to stderr with its stack). */
  readonly onError?: (error: unknown) => void;
}

export interface ListenOptions {
  /** TCP port; 0 (the default) picks any free port. */
  readonly port?: number;
  /** Address to bind; default 127.0.0.1. Use '::1' or '::' for IPv6. */
  readonly host?: string;
  /** A Unix domain socket path, instead of port and host. */
  readonly path?: string;
  /** Length of the queue of pending connections. */
  readonly backlog?: number;
  /** SO_REUSEPORT: several processes bind the same port and the kernel spreads connections (Node 22.12+ / 23.1+, Linux). */
  readonly reusePort?: boolean;
}

export interface CloseOptions {
  /** How long in-flight requests may take before their connections are destroyed; default 10 000 ms. */
  readonly graceMs?: number;
}

const DEFAULT_GRACE_MS = 10_000;

export class Server implements ConnectionHost {
  readonly handler: Handler;
  readonly limits: Limits;
  readonly keepAlive: KeepAliveTails;
  now = Date.now();
  dateLine = dateLine(this.now);
  #draining = false;
  readonly #net: net.Server;
  readonly #connections = new Set<Connection>();
  readonly #onError: (error: unknown) => void;
  #sweep: NodeJS.Timeout | undefined;
  #closed: Promise<void> | undefined;
  #allClosed: (() => void) | undefined;

  constructor(handler: Handler, options: ServerOptions = {}) {
    if (typeof handler !== 'function') throw new SignwireError('ERR_INVALID_OPTION', 'handler must be a function');
    this.handler = handler;
    this.limits = resolveLimits(options.limits);
    this.keepAlive = new KeepAliveTails(keepAliveLines(this.limits.keepAliveTimeoutMs));
    this.#onError = options.onError ?? ((error) => console.error(error));
    const accept = (socket: net.Socket): void => this.#accept(socket);
    this.#net =
      options.tls === undefined
        ? net.createServer({ allowHalfOpen: true, noDelay: true }, accept)
        : secureServer(handshakeBounded(options.tls, this.limits), accept);
    this.#net.on('tlsClientError', (_error: Error, socket: net.Socket) => socket.destroy());
    // Sockets still in their TLS handshake are not connections of ours yet: net's own count bounds them too.
    if (options.tls !== undefined) this.#net.maxConnections = this.limits.maxConnections;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Open connections right now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** The bound TCP port (after `listen`). */
  get port(): number {
    const address = this.#net.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** The bound address, as `net.Server#address()` gives it: an object for TCP, a path for a Unix socket. */
  address(): net.AddressInfo | string | null {
    return this.#net.address();
  }

  /**
   * HTTPS: serves new connections with other TLS material (a renewed
   * certificate) from now on, without a restart; connections already open
   * keep the one they were made with. Takes what `tls.createSecureContext`
   * does (`key`, `cert`, `ca`, `passphrase`, `minVersion`, …) and, as Node's
   * `setSecureContext`, replaces them all: give again those the server was
   * created with (an option left out returns to its default). Throws
   * `ERR_INVALID_OPTION`, and keeps serving the old material, when the server
   * does not serve HTTPS or the new options cannot (as `createServer`'s `tls`
   * is checked).
   *
   * @example
   * process.on('SIGHUP', () => server.setSecureContext({ key: readFileSync('key.pem'), cert: readFileSync('cert.pem') }));
   */
  setSecureContext(options: tls.SecureContextOptions): void {
    if (!(this.#net instanceof tls.Server)) throw new SignwireError('ERR_INVALID_OPTION', 'setSecureContext() needs a server created with tls options');
    checkTlsMaterial(options);
    try {
      this.#net.setSecureContext(options);
    } catch (error) {
      throw tlsRefused(error);
    }
  }

  /**
   * Starts accepting connections. Resolves once bound.
   *
   * @example
   * await server.listen({ port: 0 }); // any free port: server.port
   */
  listen(options: ListenOptions = {}): Promise<this> {
    const target: net.ListenOptions =
      options.path !== undefined
        ? { path: options.path }
        : { port: options.port ?? 0, host: options.host ?? '127.0.0.1' };
    if (options.backlog !== undefined) target.backlog = options.backlog;
    if (options.reusePort === true) (target as net.ListenOptions & { reusePort?: boolean }).reusePort = true;
    return new Promise((resolve, reject) => {
      this.#net.once('error', reject);
      this.#net.listen(target, () => {
        this.#net.off('error', reject);
        this.#startSweep();
        resolve(this);
      });
    });
  }

  /**
   * Graceful shutdown: stops accepting, closes idle connections at once, lets
   * in-flight requests finish (their responses carry `Connection: close`),
   * answers requests that arrive meanwhile with 503, and destroys what is
   * left after `graceMs`.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.#draining = true;
    const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    const listening = new Promise<void>((resolve) => this.#net.close(() => resolve()));
    const drained = new Promise<void>((resolve) => (this.#allClosed = resolve));
    const deadline = setTimeout(() => {
      for (const connection of this.#connections) connection.destroy();
    }, graceMs);
    for (const connection of this.#connections) connection.drain();
    this.#checkAllClosed();
    this.#closed = Promise.all([listening, drained]).then(() => {
      clearTimeout(deadline);
      if (this.#sweep !== undefined) clearInterval(this.#sweep);
    });
    return this.#closed;
  }

  reportError(error: unknown): void {
    this.#onError(error);
  }

  connectionClosed(connection: Connection): void {
    this.#connections.delete(connection);
    this.#checkAllClosed();
  }

  #accept(socket: net.Socket): void {
    if (this.#draining || this.#connections.size >= this.limits.maxConnections) {
      socket.destroy();
      return;
    }
    this.#connections.add(new Connection(socket, this));
  }

  #checkAllClosed(): void {
    if (this.#draining && this.#connections.size === 0) this.#allClosed?.();
  }

  /**
   * One timer for all deadlines and the clock, at a period fine enough for
   * the shortest timeout and for the one-second `Date` field.
   */
  #startSweep(): void {
    if (this.#sweep !== undefined) return;
    const { headersTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs, lingerMs } = this.limits;
    const shortest = Math.min(...[headersTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs, lingerMs].filter((ms) => ms > 0));
    const period = Math.max(10, Math.min(1000, Math.floor(shortest / 4)));
    this.#sweep = setInterval(() => {
      const now = Date.now();
      this.now = now;
      this.dateLine = dateLine(now);
      for (const connection of this.#connections) {
        if (connection.deadline !== 0 && connection.deadline <= now) connection.timedOut();
      }
    }, period);
    this.#sweep.unref();
  }
}

/**
 * Creates a wire server around a `(req, res)` handler: the lowest level of
 * signwire, with the same parser, limits and timeouts the `App` uses.
 */
export function createServer(handler: Handler, options: ServerOptions = {}): Server {
  return new Server(handler, options);
}

/** What a persistent response says about staying open: `Keep-Alive: timeout=` in whole seconds, none when no timeout is set. */
function keepAliveLines(timeoutMs: number): string {
  return timeoutMs > 0 ? `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(timeoutMs / 1000)}\r\n` : 'Connection: keep-alive\r\n';
}

/**
 * The TLS handshake, like a request head, must end within `headersTimeoutMs` (Node's own default, 120 s,
 * applies when that is 0); a `handshakeTimeout` of the caller's wins.
 */
function handshakeBounded(options: tls.TlsOptions, limits: Limits): tls.TlsOptions {
  if (options.handshakeTimeout !== undefined || limits.headersTimeoutMs === 0) return options;
  return { ...options, handshakeTimeout: limits.headersTimeoutMs };
}

/**
 * A TLS server, or `ERR_INVALID_OPTION` when the options cannot serve HTTPS: a missing or empty key or
 * certificate (see `missingTlsMaterial`), or material Node refuses (its reason).
 */
function secureServer(options: tls.TlsOptions, accept: (socket: net.Socket) => void): tls.Server {
  checkTlsMaterial(options);
  try {
    // Half-open only once the handshake is done. A half-open TLS socket whose client hangs up during the
    // handshake (a client that rejects the certificate does) is never closed by Node: its descriptor stays
    // open and `server.close()` waits for it forever. So the handshake runs closing on the client's FIN,
    // and each secured socket is made half-open before its first read, like the plain server's.
    return tls.createServer({ ...options, allowHalfOpen: false, noDelay: true }, (socket) => {
      socket.allowHalfOpen = true;
      accept(socket);
    });
  } catch (error) {
    throw tlsRefused(error);
  }
}

function checkTlsMaterial(options: tls.TlsOptions): void {
  const missing = missingTlsMaterial(options);
  if (missing !== undefined) throw new SignwireError('ERR_INVALID_OPTION', `tls needs a key and a certificate (PEM): ${missing} is missing or empty`);
}

function tlsRefused(error: unknown): SignwireError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SignwireError('ERR_INVALID_OPTION', `tls was refused by Node: ${reason}`, { cause: error });
}

/**
 * Which of the key and the certificate is missing or empty, or undefined when both are there (or `pfx` or
 * `SNICallback` provides them). Node takes an empty one without complaint and fails every handshake.
 *
 * @example
 * missingTlsMaterial({ key: '', cert }); // 'key'
 */
export function missingTlsMaterial(options: tls.TlsOptions): 'key' | 'cert' | undefined {
  if (options.pfx !== undefined || options.SNICallback !== undefined) return undefined;
  if (isEmpty(options.key)) return 'key';
  return isEmpty(options.cert) ? 'cert' : undefined;
}

function isEmpty(material: unknown): boolean {
  return material === undefined || material === null || ((typeof material === 'string' || ArrayBuffer.isView(material) || Array.isArray(material)) && (material as { length: number }).length === 0);
}
