/**
 * `c.req`: the request as an app sees it. Everything is computed lazily from
 * the wire request and cached: the path and query, decoded route params,
 * cookies, the client address, and the body, which is read once as exact
 * bytes so that a signature check and `json()` can both use it.
 */
import { TextDecoder } from 'node:util';
import type { WireRequest } from '../wire/request.ts';
import { parseCookies } from './cookies.ts';
import { parseForm, type FormLimits } from './form.ts';
import { HttpError } from './http-error.ts';
import { mediaTypeParameter } from './media-type.ts';
import { readForwarded, type Forwarded, type ProxyTrust } from './proxy.ts';
import { firstPlainValue, parseQuery } from './query.ts';

export class AppRequest {
  /** The wire request underneath (method, raw headers, body stream). */
  readonly raw: WireRequest;
  /** The method ("GET"). */
  readonly method: string;
  /** The path as sent, still percent-encoded, without the query ("/users/7"). */
  readonly path: string;
  /** The query string as sent, without "?" ("" when none). */
  readonly search: string;
  /** The pattern of the route that matched ("/users/:id"), set by the app; undefined when no route matched. */
  routePath: string | undefined = undefined;
  readonly #params: Record<string, string>;
  readonly #trustProxy: ProxyTrust;
  readonly #formLimits: FormLimits;
  #query: Map<string, string[]> | undefined;
  #cookies: Map<string, string> | undefined;
  #forwarded: Forwarded | undefined;

  constructor(raw: WireRequest, target: Target, params: Record<string, string>, trustProxy: ProxyTrust, formLimits: FormLimits) {
    this.raw = raw;
    this.method = raw.method;
    this.path = target[0];
    this.search = target[1];
    this.#params = params;
    this.#trustProxy = trustProxy;
    this.#formLimits = formLimits;
  }

  /** The full URL: scheme, host (from Host, or a trusted proxy), path and query. */
  get url(): string {
    const query = this.search === '' ? '' : `?${this.search}`;
    return `${this.protocol}://${this.host}${this.path}${query}`;
  }

  /** "http" or "https" (from the socket, or a trusted proxy). */
  get protocol(): string {
    const proto = this.#trustedForwarded()?.proto;
    if (proto === 'http' || proto === 'https') return proto;
    return this.raw.peer.encrypted ? 'https' : 'http';
  }

  /**
   * The host the client asked for: a trusted proxy's report, else the
   * authority of an absolute-form target (RFC 9112 §3.2.2: it overrides
   * Host), else the Host field.
   */
  get host(): string {
    return this.#trustedForwarded()?.host ?? targetAuthority(this.raw.url) ?? this.raw.header('host') ?? 'localhost';
  }

  /** The client address: the socket's peer, or with `trustProxy`, the address the proxies report. */
  get ip(): string | undefined {
    return this.#trustedForwarded()?.for ?? this.raw.peer.remoteAddress;
  }

  /** A route param, percent-decoded ("/users/:id" → `param('id')`); undefined for a name the route does not capture ("constructor" too). */
  param(name: string): string | undefined {
    const value = this.#params[name];
    // Params are strings: what a plain object inherits ("constructor", "toString") is not one. Cheaper than Object.hasOwn.
    return typeof value === 'string' ? value : undefined;
  }

  /** All route params, percent-decoded. */
  params(): Readonly<Record<string, string>> {
    return this.#params;
  }

  /** The first value of a query parameter, decoded; undefined when absent. */
  query(name: string): string | undefined {
    if (this.#query === undefined && !this.search.includes('%')) return firstPlainValue(this.search, name);
    return this.#parsedQuery().get(name)?.[0];
  }

  /** Every value of a query parameter, in order ([] when absent). */
  queries(name: string): string[] {
    return this.#parsedQuery().get(name) ?? [];
  }

  /** A request header, case-insensitively. */
  header(name: string): string | undefined {
    return this.raw.header(name);
  }

  /** A cookie sent by the client, as sent. */
  cookie(name: string): string | undefined {
    this.#cookies ??= parseCookies(this.raw.header('cookie'));
    return this.#cookies.get(name);
  }

  /** The exact body bytes, read once and cached. */
  body(): Promise<Buffer> {
    return this.raw.body();
  }

  /** The body as text, decoded with the charset of Content-Type (UTF-8 by default), without a leading byte order mark. */
  text(): Promise<string> {
    // `.then` rather than `async`/`await`, here and in json(): fewer promise hops per body read.
    return this.body().then((bytes) => this.#decode(bytes));
  }

  /** The body parsed as JSON; a 400 `ERR_BODY_JSON` when it is not valid JSON. */
  json<T = unknown>(): Promise<T> {
    return this.body().then((bytes) => parseJson<T>(this.#decode(bytes)));
  }

  /** The body as form data: application/x-www-form-urlencoded or multipart/form-data (with files). */
  form(): Promise<FormData> {
    return parseForm(this, this.#formLimits);
  }

  /** The body as a stream of chunks, unbuffered (the body size limit still applies). */
  stream(): AsyncIterable<Buffer> {
    return this.raw;
  }

  #decode(bytes: Buffer): string {
    return decodeText(bytes, charsetOf(this.raw.header('content-type')));
  }

  #parsedQuery(): Map<string, string[]> {
    this.#query ??= parseQuery(this.search);
    return this.#query;
  }

  #trustedForwarded(): Forwarded | undefined {
    if (!this.#trustProxy.enabled) return undefined;
    this.#forwarded ??= readForwarded((name) => this.raw.header(name), this.#trustProxy, this.raw.peer.remoteAddress);
    return this.#forwarded;
  }
}

/** A request-target split into path and query string. */
export type Target = readonly [path: string, search: string];

/** Splits a request-target into path and query; an absolute-form target loses its scheme and authority. */
export function splitTarget(target: string): Target {
  let start = 0;
  if (target.charCodeAt(0) !== 0x2f) {
    const authority = target.indexOf('://');
    if (authority === -1) return [target, ''];
    const slash = target.indexOf('/', authority + 3);
    const query = target.indexOf('?', authority + 3);
    if (slash === -1 || (query !== -1 && query < slash)) return ['/', query === -1 ? '' : target.slice(query + 1)];
    start = slash;
  }
  const query = target.indexOf('?', start);
  if (query === -1) return [start === 0 ? target : target.slice(start), ''];
  return [target.slice(start, query), target.slice(query + 1)];
}

/** The authority of an absolute-form target ("http://a.example:8080/x" → "a.example:8080"), else undefined. */
function targetAuthority(target: string): string | undefined {
  if (target.charCodeAt(0) === 0x2f || target === '*') return undefined;
  const start = target.indexOf('://') + 3;
  const end = target.slice(start).search(/[/?#]/);
  return end === -1 ? target.slice(start) : target.slice(start, start + end);
}

/** The charset parameter of a Content-Type, lower-cased; "utf-8" when absent. */
export function charsetOf(contentType: string | undefined): string {
  if (contentType === undefined || !contentType.includes(';')) return 'utf-8'; // no parameters
  return mediaTypeParameter(contentType, 'charset')?.toLowerCase() ?? 'utf-8';
}

function parseJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON', { code: 'ERR_BODY_JSON' });
  }
}

/**
 * Decodes with the WHATWG decoder of `charset`, which drops a leading byte
 * order mark; the UTF-8 shortcut drops it too, as `TextDecoder` and fetch's
 * `text()` do, so `json()` of a BOM-prefixed body parses.
 */
function decodeText(bytes: Buffer, charset: string): string {
  if (charset === 'utf-8' || charset === 'utf8') return (hasUtf8Bom(bytes) ? bytes.subarray(3) : bytes).toString('utf8');
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new HttpError(415, `charset "${charset}" is not supported`, { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
  }
  return decoder.decode(bytes);
}

function hasUtf8Bom(bytes: Buffer): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
