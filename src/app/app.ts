/**
 * `App`: routes, middleware, error and not-found handlers, on the wire
 * server. One request runs as: match the route → decode params → run the
 * matching middleware, then the route's handlers (`compose`; a route's only
 * handler, with no middleware, is simply called) → the 404 if
 * the chain chose no response, or the error answer if it threw → the send
 * hooks middleware registered (`onSend`: `signResponses` signs there, so
 * those answers are signed too) → send `c.output` (`respond`).
 *
 * @example
 * const app = new App();
 * app.get('/', (c) => c.text('Hello, World!'));
 * app.get('/users/:id', (c) => c.json({ id: c.req.param('id'), q: c.req.query('q') ?? null }));
 * const server = await app.listen({ port: 8000 });
 */
import { SignwireError } from '../errors.ts';
import type { Handler as WireHandler } from '../wire/connection-host.ts';
import { resolveLimits, type Limits } from '../wire/limits.ts';
import type { WireRequest } from '../wire/request.ts';
import type { WireResponse } from '../wire/response.ts';
import { createServer, type ListenOptions, type Server, type ServerOptions } from '../wire/server.ts';
import { allowAnswer } from './allow.ts';
import { compose, runHandler, takesNoNext, type Middleware } from './compose.ts';
import { Context } from './context.ts';
import { handleError, type ErrorHandler } from './error-response.ts';
import { resolveFormLimits, type FormLimits } from './form.ts';
import { requestInProcess, type InProcessInit, type InProcessResponse } from './in-process.ts';
import { accessLine, consoleLogger, type Logger } from './logger.ts';
import { normalizePrefix, prefixMatches, scoped, type Scoped } from './mount-prefix.ts';
import { checkTrustProxy, type ProxyHeaders, type ProxyTrust, type TrustProxy } from './proxy.ts';
import { decodePathSegment } from './query.ts';
import { AppRequest, splitTarget } from './request.ts';
import { respond } from './respond.ts';
import { ANY_METHOD, Router, type Match } from './router.ts';
import { runSendHooks, type HookFailure } from './send-hooks.ts';

export type Handler = Middleware<Context>;
export type NotFoundHandler = (c: Context) => unknown;

export interface AppOptions {
  /** Wire limits for servers started with `listen()`; see docs/limits.md. */
  readonly limits?: Partial<Limits>;
  /** Limits of `c.req.form()`. */
  readonly formLimits?: Partial<FormLimits>;
  /**
   * Trust `Forwarded` / `X-Forwarded-*` from proxies: true for all, N for the N nearest, or a list of the
   * proxies' addresses, CIDR ranges and names (`['loopback', '10.0.0.0/8']`). Default false. See proxy.ts.
   */
  readonly trustProxy?: TrustProxy;
  /**
   * Which headers the trusted proxies write: `'x-forwarded'` (`X-Forwarded-For / -Host / -Proto`, the default)
   * or `'forwarded'` (RFC 7239). Only those are read: a proxy passes the other kind on as the client sent it.
   */
  readonly proxyHeaders?: ProxyHeaders;
  /** Where access lines and errors go. Default: errors to stderr, no access log. */
  readonly logger?: Logger;
}

interface Route {
  readonly handlers: readonly Handler[];
  /** The pattern as registered, with the prefix of a mounted sub-app ("/v1/users/:id"). */
  readonly pattern: string;
  /** The route's only handler when it takes no `next`: without middleware it runs directly (see `runHandler`). */
  readonly lone: Handler | undefined;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export class App {
  readonly #router = new Router<Route>({ decode: decodePathSegment });
  readonly #routes: Array<{ method: string; pattern: string; route: Route }> = [];
  readonly #middleware: Scoped[] = [];
  readonly #limits: Limits;
  readonly #formLimits: FormLimits;
  readonly #trustProxy: ProxyTrust;
  readonly #logger: Logger;
  #onError: ErrorHandler | undefined;
  #notFound: NotFoundHandler | undefined;
  readonly #onListen: Array<(server: Server) => void> = [];

  constructor(options: AppOptions = {}) {
    this.#limits = resolveLimits(options.limits);
    this.#formLimits = resolveFormLimits(options.formLimits);
    this.#trustProxy = checkTrustProxy(options.trustProxy ?? false, options.proxyHeaders);
    this.#logger = options.logger ?? consoleLogger({ access: false });
  }

  get(path: string, ...handlers: Handler[]): this {
    return this.on('GET', path, ...handlers);
  }
  post(path: string, ...handlers: Handler[]): this {
    return this.on('POST', path, ...handlers);
  }
  put(path: string, ...handlers: Handler[]): this {
    return this.on('PUT', path, ...handlers);
  }
  patch(path: string, ...handlers: Handler[]): this {
    return this.on('PATCH', path, ...handlers);
  }
  delete(path: string, ...handlers: Handler[]): this {
    return this.on('DELETE', path, ...handlers);
  }
  options(path: string, ...handlers: Handler[]): this {
    return this.on('OPTIONS', path, ...handlers);
  }
  /** A route for every method. */
  all(path: string, ...handlers: Handler[]): this {
    return this.on(ANY_METHOD, path, ...handlers);
  }

  /** A route for one method (or several). */
  on(method: string | readonly string[], path: string, ...handlers: Handler[]): this {
    if (handlers.length === 0 || handlers.some((h) => typeof h !== 'function')) {
      throw new SignwireError('ERR_INVALID_OPTION', `route ${path} needs at least one handler function`);
    }
    for (const one of typeof method === 'string' ? [method] : method) this.#add(one.toUpperCase(), path, { handlers });
    return this;
  }

  /**
   * Middleware for every request (`use(mw)`) or for a path prefix
   * (`use('/api', mw)`: matches `/api` and `/api/...`). Middleware runs
   * before the route's handlers, in the order it was added.
   */
  use(prefixOrHandler: string | Handler, ...handlers: Handler[]): this {
    const prefix = typeof prefixOrHandler === 'string' ? normalizePrefix(prefixOrHandler) : '';
    const all = typeof prefixOrHandler === 'string' ? handlers : [prefixOrHandler, ...handlers];
    if (all.length === 0 || all.some((h) => typeof h !== 'function')) {
      throw new SignwireError('ERR_INVALID_OPTION', 'use() needs middleware functions');
    }
    for (const handler of all) this.#middleware.push(scoped(prefix, handler));
    return this;
  }

  /**
   * Mounts another app (a blueprint) under `prefix`: its routes, and its
   * middleware, which then runs for every request under the prefix (404s,
   * 405s and automatic OPTIONS answers too, so a CORS middleware in a
   * blueprint sees preflights). Configure the sub-app before mounting it.
   */
  route(prefix: string, sub: App): this {
    const base = normalizePrefix(prefix);
    for (const m of sub.#middleware) this.#middleware.push(scoped(base + m.prefix, m.raw));
    for (const { method, pattern, route } of sub.#routes) {
      this.#add(method, pattern === '/' && base !== '' ? base : base + pattern, route);
    }
    return this;
  }

  /** Replaces the default error response (JSON `{ error: { code, message } }`). */
  onError(handler: ErrorHandler): this {
    this.#onError = handler;
    return this;
  }

  /** Replaces the default 404 response. */
  notFound(handler: NotFoundHandler): this {
    this.#notFound = handler;
    return this;
  }

  /**
   * Runs `hook` with each server `listen()` starts, once it listens (in every
   * worker under `--workers`): e.g. to let metrics count its connections.
   *
   * @example
   * app.onListen((server) => metrics.observeServer(server));
   */
  onListen(hook: (server: Server) => void): this {
    if (typeof hook !== 'function') throw new SignwireError('ERR_INVALID_OPTION', 'onListen() needs a function');
    this.#onListen.push(hook);
    return this;
  }

  /** The wire handler: pass it to `createServer` to serve this app. */
  readonly handler: WireHandler = (req, res) => this.#dispatch(req, res);

  /**
   * Runs one request through the app without a socket, through the same
   * parser, handler and writer as a real one.
   *
   * @example
   * const res = await app.request('/users/7?q=x');
   * res.status; await res.json();
   */
  request(input: string | URL | Request, init?: InProcessInit): Promise<InProcessResponse> {
    return requestInProcess(this.handler, input, init, this.#limits);
  }

  /** Starts a wire server for this app on 127.0.0.1 (by default) and resolves once it listens. */
  listen(options: ListenOptions & Omit<ServerOptions, 'limits'> = {}): Promise<Server> {
    const server = createServer(this.handler, {
      limits: this.#limits,
      ...(options.tls !== undefined && { tls: options.tls }),
      onError: options.onError ?? ((error) => this.#logger.error(error)),
    });
    return server.listen(options).then((listening) => {
      for (const hook of this.#onListen) hook(listening);
      return listening;
    });
  }

  #add(method: string, pattern: string, route: Pick<Route, 'handlers'>): void {
    const only = route.handlers.length === 1 ? route.handlers[0] : undefined;
    const lone = only !== undefined && takesNoNext(only) ? only : undefined;
    const mounted: Route = { handlers: route.handlers, pattern, lone };
    this.#router.add(method, pattern, mounted);
    this.#routes.push({ method, pattern, route: mounted });
  }

  #dispatch(req: WireRequest, res: WireResponse): unknown {
    const started = this.#logger.access === undefined ? 0 : performance.now();
    const target = splitTarget(req.url);
    // Routing and middleware prefixes see the same path, so "//api/x" cannot reach an /api route
    // while skipping the /api middleware.
    const path = target[0].includes('//') ? target[0].replace(/\/{2,}/g, '/') : target[0];
    let match: Match<Route> | undefined;
    let failure: { error: unknown } | undefined;
    try {
      match = this.#find(req.method, path);
    } catch (error) {
      failure = { error };
    }
    const c = new Context(new AppRequest(req, target, match?.params ?? NO_PARAMS, this.#trustProxy, this.#formLimits), res);
    if (match !== undefined) c.req.routePath = match.value.pattern;
    let pending: Promise<unknown> | undefined;
    try {
      pending = failure === undefined ? this.#run(path, match?.value, c) : this.#fail(c, failure.error);
    } catch (error) {
      pending = this.#fail(c, error);
    }
    if (pending === undefined) return this.#finish(c, started);
    return pending.then(
      () => this.#finish(c, started),
      (error: unknown) => this.#failThenFinish(c, error, started),
    );
  }

  /** The route for `method` at `path`, its params decoded (400 for a bad escape); undefined for none. */
  #find(method: string, path: string): Match<Route> | undefined {
    if (path === '*') return undefined; // OPTIONS * (the wire allows "*" for OPTIONS only) asks about the app, not a route
    return this.#router.match(method, path, method === 'HEAD' ? 'GET' : undefined);
  }

  /** The middleware that applies to `path`, then the route's handlers (or the unmatched answer); a promise if any waited. */
  #run(path: string, route: Route | undefined, c: Context): Promise<unknown> | undefined {
    if (route?.lone !== undefined && this.#middleware.length === 0) return runHandler(route.lone, c);
    return compose(this.#chain(path, route, c), c);
  }

  #chain(path: string, route: Route | undefined, c: Context): readonly Handler[] {
    const endpoint: readonly Handler[] = route?.handlers ?? [() => this.#unmatched(c, path)];
    if (this.#middleware.length === 0) return endpoint;
    const chain: Handler[] = [];
    for (const m of this.#middleware) if (prefixMatches(m.prefix, path)) chain.push(m.handler);
    return chain.length === 0 ? endpoint : chain.concat(endpoint);
  }

  /** No route for this method and path: 405 with Allow, an automatic OPTIONS answer (for `*`, the whole app's), or 404. */
  #unmatched(c: Context, path: string): unknown {
    if (path === '*') return allowAnswer(c, this.#routes.map((r) => r.method));
    const allowed = this.#router.allowedMethods(path);
    if (allowed.length === 0) return undefined; // → not found, after the chain
    return allowAnswer(c, allowed);
  }

  /** After the chain: the not-found answer if nothing was chosen, then the send hooks, then the response. */
  #finish(c: Context, started: number): Promise<void> | undefined {
    if (!c.responded && !c.res.headersSent) {
      let fallback: Promise<void> | undefined;
      try {
        fallback = this.#notFoundResponse(c);
      } catch (error) {
        return this.#failThenFinish(c, error, started);
      }
      if (fallback !== undefined) return fallback.then(() => this.#finish(c, started), (e: unknown) => this.#failThenFinish(c, e, started));
    }
    const hooked = runSendHooks(c, this.#hookFailed);
    return hooked === undefined ? this.#send(c, started) : hooked.then(() => this.#send(c, started));
  }

  /** A send hook failed: its error is answered like a thrown one, `app.onError` included. */
  readonly #hookFailed: HookFailure = (c, error) => this.#fail(c, error);

  /** Writes the response, then the access line. */
  #send(c: Context, started: number): Promise<void> | undefined {
    let sending: Promise<void> | undefined;
    try {
      sending = respond(c);
    } catch (error) {
      // The response could not be written (e.g. an invalid status): answer the error instead, once.
      handleError(c, error, undefined, this.#logger);
      sending = respond(c);
    }
    if (sending === undefined) return this.#log(c, started);
    return sending.then(
      () => this.#log(c, started),
      (error: unknown) => {
        handleError(c, error, undefined, this.#logger); // a stream broke after the head: logged, connection closed
        return this.#log(c, started);
      },
    );
  }

  #notFoundResponse(c: Context): Promise<void> | undefined {
    if (this.#notFound === undefined) {
      c.json({ error: { code: 'ERR_NOT_FOUND', message: 'Not Found' } }, 404);
      return undefined;
    }
    c.res.statusCode = 404; // the custom handler may change it
    const result = this.#notFound(c);
    c.responded = true;
    return result instanceof Promise ? result.then(() => undefined) : undefined;
  }

  #fail(c: Context, error: unknown): Promise<void> | undefined {
    return handleError(c, error, this.#onError, this.#logger);
  }

  #failThenFinish(c: Context, error: unknown, started: number): Promise<void> | undefined {
    const handled = this.#fail(c, error);
    if (handled === undefined) return this.#finish(c, started);
    return handled.then(() => this.#finish(c, started));
  }

  #log(c: Context, started: number): undefined {
    if (this.#logger.access !== undefined) this.#logger.access(accessLine(c, performance.now() - started));
    return undefined;
  }
}
