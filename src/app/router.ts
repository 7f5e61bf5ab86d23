/**
 * The router: a tree of path segments. At each level a static segment beats
 * a `:param`, which beats a trailing `*` wildcard, whatever the order of
 * registration; the lookup backtracks when a more specific branch leads
 * nowhere. Fully static paths are also kept in a map for a one-step lookup.
 *
 * Patterns: `/users`, `/users/:id`, `/files/*` (the rest of the path, as the
 * param `*`). Paths are matched on their raw (still percent-encoded)
 * segments; the params of the match found are then decoded by the router's
 * `decode` (none by default), once each.
 *
 * @example
 * const router = new Router<string>({ decode: decodeURIComponent });
 * router.add('GET', '/users/:id', 'user');
 * router.match('GET', '/users/a%20b'); // { value: 'user', params: { id: 'a b' } }
 */
import { SignwireError } from '../errors.ts';

export interface Match<T> {
  readonly value: T;
  /** Param values by name, as the router's `decode` gives them. */
  readonly params: Record<string, string>;
}

export interface RouterOptions {
  /** Turns a raw (percent-encoded) param value into the one a match gives; may throw. Default: kept raw. */
  readonly decode?: (segment: string) => string;
}

interface Node<T> {
  readonly children: Map<string, Node<T>>;
  param: { readonly name: string; readonly node: Node<T> } | undefined;
  wildcard: Map<string, T> | undefined;
  readonly values: Map<string, T>;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** The method key that matches every method. */
export const ANY_METHOD = '*';

export class Router<T> {
  readonly #root: Node<T> = newNode();
  readonly #staticPaths = new Map<string, Node<T>>();
  readonly #decode: (segment: string) => string;
  /** The most params any route captures: a match's array of captured names and values is made that size. */
  #maxParams = 0;

  constructor(options: RouterOptions = {}) {
    this.#decode = options.decode ?? keep;
  }

  /** Registers `value` for `method` (or `ANY_METHOD`) and `pattern`. */
  add(method: string, pattern: string, value: T): void {
    const segments = splitPattern(pattern);
    this.#maxParams = Math.max(this.#maxParams, segments.filter((segment) => segment.startsWith(':')).length);
    let node = this.#root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment === '*') {
        if (i !== segments.length - 1) throw badPattern(pattern, 'a wildcard must be the last segment');
        node.wildcard ??= new Map();
        setOnce(node.wildcard, method, value, pattern);
        return;
      }
      node = segment.startsWith(':') ? paramChild(node, segment.slice(1), pattern) : staticChild(node, segment);
    }
    setOnce(node.values, method, value, pattern);
    if (!pattern.includes(':')) this.#staticPaths.set(segments.join('/'), node);
  }

  /**
   * The value for `method` at `path`, with its params; undefined when nothing
   * matches this method. At each node, `method` wins over `fallback` (HEAD
   * falls back to GET), which wins over a route for any method.
   */
  match(method: string, path: string, fallback?: string): Match<T> | undefined {
    const trimmed = trimSlashes(path);
    const node = this.#staticPaths.get(trimmed);
    const direct = node !== undefined ? pick(node.values, method, fallback) : undefined;
    if (direct !== undefined) return { value: direct, params: NO_PARAMS };
    // Names and values of the params on the way down, at [0, count): made at its largest size, as one grown
    // by pushes would reserve room for 17 or more.
    const captured = new Array<string>(this.#maxParams * 2);
    return this.#walk(trimmed, trimmed === '' ? 1 : 0, this.#root, method, fallback, captured, 0);
  }

  /** The methods that have a value at `path` (for `Allow` on 405 and OPTIONS). */
  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    this.#collect(splitPath(path), 0, this.#root, methods);
    return [...methods];
  }

  /**
   * Matches the segments of `path` (slashes trimmed) from the one starting at
   * `start`; past the end (`start > path.length`) none are left. Walking by
   * index rather than over `path.split('/')` saves an array per request.
   */
  #walk(path: string, start: number, node: Node<T>, method: string, fallback: string | undefined, captured: string[], count: number): Match<T> | undefined {
    if (start > path.length) {
      const value = pick(node.values, method, fallback);
      if (value !== undefined) return { value, params: this.#params(captured, count) };
    } else {
      const slash = path.indexOf('/', start);
      const end = slash === -1 ? path.length : slash;
      const segment = path.slice(start, end);
      const child = node.children.size === 0 ? undefined : node.children.get(segment); // no static child to find: skip hashing the segment
      const found = child !== undefined ? this.#walk(path, end + 1, child, method, fallback, captured, count) : undefined;
      if (found !== undefined) return found;
      if (node.param !== undefined && segment !== '') {
        captured[count] = node.param.name;
        captured[count + 1] = segment;
        const viaParam = this.#walk(path, end + 1, node.param.node, method, fallback, captured, count + 2);
        if (viaParam !== undefined) return viaParam;
      }
    }
    const wildcard = node.wildcard !== undefined ? pick(node.wildcard, method, fallback) : undefined;
    if (wildcard === undefined) return undefined;
    const params = this.#params(captured, count);
    params['*'] = start > path.length ? '' : this.#decode(path.slice(start));
    return { value: wildcard, params };
  }

  #params(captured: readonly string[], count: number): Record<string, string> {
    const params: Record<string, string> = {};
    for (let k = 0; k < count; k += 2) params[captured[k]!] = this.#decode(captured[k + 1]!);
    return params;
  }

  #collect(segments: string[], i: number, node: Node<T>, methods: Set<string>): void {
    if (node.wildcard !== undefined) for (const method of node.wildcard.keys()) methods.add(method);
    if (i === segments.length) {
      for (const method of node.values.keys()) methods.add(method);
      return;
    }
    const child = node.children.get(segments[i]!);
    if (child !== undefined) this.#collect(segments, i + 1, child, methods);
    if (node.param !== undefined && segments[i] !== '') this.#collect(segments, i + 1, node.param.node, methods);
  }
}

function keep(segment: string): string {
  return segment;
}

function newNode<T>(): Node<T> {
  return { children: new Map(), param: undefined, wildcard: undefined, values: new Map() };
}

function staticChild<T>(node: Node<T>, segment: string): Node<T> {
  let child = node.children.get(segment);
  if (child === undefined) {
    child = newNode();
    node.children.set(segment, child);
  }
  return child;
}

function paramChild<T>(node: Node<T>, name: string, pattern: string): Node<T> {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw badPattern(pattern, `invalid param name "${name}"`);
  if (name === '__proto__') throw badPattern(pattern, 'a param cannot be named "__proto__" (params are the properties of a plain object)');
  if (node.param === undefined) node.param = { name, node: newNode() };
  else if (node.param.name !== name) throw badPattern(pattern, `param ":${name}" conflicts with ":${node.param.name}" at the same place`);
  return node.param.node;
}

function setOnce<T>(map: Map<string, T>, method: string, value: T, pattern: string): void {
  if (map.has(method)) throw badPattern(pattern, `${method} ${pattern} is already registered`);
  map.set(method, value);
}

function pick<T>(values: Map<string, T>, method: string, fallback: string | undefined): T | undefined {
  return values.get(method) ?? (fallback === undefined ? undefined : values.get(fallback)) ?? values.get(ANY_METHOD);
}

function badPattern(pattern: string, why: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', `route "${pattern}": ${why}`);
}

function trimSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path.charCodeAt(start) === 0x2f) start++;
  while (end > start && path.charCodeAt(end - 1) === 0x2f) end--;
  return start === 0 && end === path.length ? path : path.slice(start, end);
}

function splitPattern(pattern: string): string[] {
  if (!pattern.startsWith('/')) throw badPattern(pattern, 'a path must start with "/"');
  const trimmed = trimSlashes(pattern);
  return trimmed === '' ? [] : trimmed.split('/');
}

function splitPath(path: string): string[] {
  const trimmed = trimSlashes(path);
  return trimmed === '' ? [] : trimmed.split('/');
}
