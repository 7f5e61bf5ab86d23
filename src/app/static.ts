/**
 * Files from disk: `c.file(path)` and the `serveStatic(root)` middleware.
 *
 * RFC 9110 §13.2.2, the order in which preconditions are evaluated:
 *   1. If-Match (strong comparison) false → 412
 *   2. else If-Unmodified-Since false → 412
 *   3. If-None-Match (weak comparison) false → 304 for GET and HEAD, else 412
 *   4. else If-Modified-Since (GET and HEAD only) false → 304
 *   5. GET with Range and If-Range: If-Range true → 206, else the whole file
 *
 * RFC 9110 §14.1.2:
 *   ranges-specifier = range-unit "=" range-set
 *   range-set        = 1#range-spec
 *   int-range        = first-pos "-" [ last-pos ]
 *   suffix-range     = "-" suffix-length
 * One range is answered 206 with Content-Range; a range starting past the
 * end is 416 with a Content-Range of the form (§14.4)
 *   unsatisfied-range = "*" "/" complete-length
 * Several ranges get the whole file (200): §14.2 lets a server ignore Range,
 * and multipart/byteranges is not implemented.
 *
 * The body is read lazily, 64 KiB at a time, as `respond()` pulls it, so it
 * streams with backpressure and a HEAD or 304 never opens the file.
 */
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { access, open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SignwireError } from '../errors.ts';
import type { Middleware } from './compose.ts';
import type { Context } from './context.ts';
import { parseHttpDate } from './http-date.ts';
import { HttpError } from './http-error.ts';
import { contentTypeFor } from './mime.ts';

export interface FileOptions {
  /** Resolve `path` inside this directory; `..`, NUL and backslashes are refused (400), symlinks out of it are not followed (404). */
  readonly root?: string;
  /** Sends `Cache-Control: public, max-age=<seconds>`. No Cache-Control by default. */
  readonly maxAge?: number;
  /** Adds `immutable` to Cache-Control (with `maxAge`), for fingerprinted file names. */
  readonly immutable?: boolean;
  /** `'weak'` (default): `W/"<size>-<mtime>"` in hex; `'strong'`: the same without `W/`; `false`: no ETag. */
  readonly etag?: 'weak' | 'strong' | false;
  /** Sends Last-Modified and honours If-Modified-Since (default true). */
  readonly lastModified?: boolean;
}

export interface StaticOptions extends Omit<FileOptions, 'root'> {
  /** The URL prefix removed before mapping to a file ("/static"). Default: the prefix `app.use()` mounted it at. */
  readonly prefix?: string;
  /** The file served for a directory, or `false` for none. Default "index.html". */
  readonly index?: string | false;
  /** `'ignore'` (default): a path with a segment starting with "." falls through; `'allow'`: served. */
  readonly dotfiles?: 'ignore' | 'allow';
}

interface Found {
  /** The path as asked for (its extension picks the Content-Type). */
  readonly name: string;
  /** The real path, after symlinks. */
  readonly real: string;
  readonly stats: Stats;
  /** True when this is the index file of the directory asked for. */
  readonly index?: boolean;
}

interface Validators {
  readonly etag: string | undefined;
  /** Last-Modified in whole seconds, or undefined when not sent. */
  readonly modified: number | undefined;
  /** RFC 9110 §8.8.2.2: a Last-Modified at least one second old is a strong validator. */
  readonly strongDate: boolean;
}

type ByteRange = { readonly start: number; readonly end: number };
const UNSATISFIABLE = 'unsatisfiable';
const CHUNK_BYTES = 64 * 1024;
const ENTITY_TAG = /(?:W\/)?"[^"]*"/g;
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']);
const UNREADABLE = new Set(['EACCES', 'EPERM']);

/**
 * Answers with a file: Content-Type, ETag, Last-Modified, Accept-Ranges,
 * 304 / 412 on preconditions, 206 / 416 on a single range, and the bytes
 * streamed from disk. A missing file is a 404 `ERR_NOT_FOUND`, one the server
 * may not read a 403 `ERR_FORBIDDEN` (the path is never shown). A status other than 200 set before (`c.status(404)`) is kept,
 * and then preconditions and ranges are not evaluated.
 *
 * @example
 * app.get('/report', (c) => c.file('/srv/reports/latest.pdf', { maxAge: 60 }));
 * app.get('/docs/:name', (c) => c.file(c.req.param('name')!, { root: './docs' }));
 */
export async function sendFile(c: Context, filePath: string, options: FileOptions = {}): Promise<void> {
  checkFileOptions(options);
  const found = options.root === undefined
    ? await statFile(filePath)
    : await locate(await realRoot(options.root), checkedSegments(filePath), false);
  if (found === undefined || !(await isReadable(found))) throw new HttpError(404, 'file not found', { code: 'ERR_NOT_FOUND' });
  sendFound(c, found, options);
}

/**
 * Middleware serving the files under `root` for GET and HEAD. A request that
 * matches no file falls through to the next handler; a directory with an
 * index file is redirected (301) to its path with a trailing slash, where
 * the index is served. Traversal is refused:
 * the path is percent-decoded once; `..` segments, backslashes, NUL bytes and
 * malformed escapes are a 400 `ERR_BAD_PATH` (checked before and after
 * decoding); the result must lie inside `root`, also after resolving symlinks.
 *
 * @example
 * app.use(serveStatic('./public'));                                     // GET /app.css → public/app.css
 * app.use('/static', serveStatic('./assets', { maxAge: 3600 }));        // GET /static/a.css → assets/a.css
 */
export function serveStatic(root: string, options: StaticOptions = {}): Middleware<Context> {
  checkFileOptions(options);
  const base = checkRoot(root);
  const prefix = options.prefix === undefined ? undefined : checkPrefix(options.prefix);
  const index = checkIndex(options.index ?? 'index.html');
  let real: string | undefined;
  return async (c, next) => {
    const method = c.req.method;
    const rest = method === 'GET' || method === 'HEAD' ? stripPrefix(c.req.path, prefix ?? c.mountPath) : undefined;
    if (rest === undefined) return next();
    const segments = requestSegments(rest);
    if (options.dotfiles !== 'allow' && segments.some((s) => s.startsWith('.'))) return next();
    real ??= await realRoot(base).catch(() => undefined);
    const found = real === undefined ? undefined : await locate(real, segments, index, rest.endsWith('/'));
    if (found === undefined) return next();
    if (found.index === true && !c.req.path.endsWith('/')) return redirectToDirectory(c);
    if (!(await isReadable(found))) return next();
    c.responded = true;
    return sendFound(c, found, options);
  };
}

/**
 * The decoded segments of a URL path, or a 400 `ERR_BAD_PATH` for anything
 * that could leave the root. Decodes once: "%252e" stays the name "%2e".
 *
 * @example
 * requestSegments('/a/b%20c.txt');  // ['a', 'b c.txt']
 * requestSegments('/%2e%2e/secret'); // throws HttpError 400 ERR_BAD_PATH
 */
export function requestSegments(urlPath: string): string[] {
  checkedSegments(urlPath);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in the path', { code: 'ERR_BAD_PATH' });
  }
  return checkedSegments(decoded);
}

/** Non-empty segments of a path; 400 for a NUL byte, a backslash or a ".." segment. */
function checkedSegments(text: string): string[] {
  const segments = text.split('/').filter((s) => s !== '');
  if (text.includes('\0') || text.includes('\\') || segments.includes('..')) {
    throw new HttpError(400, 'the path is not allowed', { code: 'ERR_BAD_PATH' });
  }
  return segments;
}

/** "/docs" → 301 "/docs/", so relative links in its index resolve inside it; "//docs" never becomes a host. */
function redirectToDirectory(c: Context): void {
  const query = c.req.search === '' ? '' : `?${c.req.search}`;
  c.redirect(`/${c.req.path.replace(/^\/+/, '')}/${query}`, 301);
}

/** "/static/a.css" with prefix "/static" → "/a.css"; undefined when the prefix does not match. */
function stripPrefix(urlPath: string, prefix: string): string | undefined {
  if (prefix === '') return urlPath;
  if (urlPath === prefix) return '/';
  return urlPath.startsWith(`${prefix}/`) ? urlPath.slice(prefix.length) : undefined;
}

/** The file at `segments` under the real `root` (or its index), only if it is a regular file inside root. */
async function locate(root: string, segments: readonly string[], index: string | false, asDirectory = false): Promise<Found | undefined> {
  const found = await realStat(root, path.join(root, ...segments));
  if (found === undefined || found.stats.isFile()) return asDirectory ? undefined : found;
  if (!found.stats.isDirectory() || index === false) return undefined;
  const inner = await realStat(root, path.join(found.real, index));
  return inner?.stats.isFile() === true ? { ...inner, index: true } : undefined;
}

/** Resolves symlinks and checks the target is still inside `root`. */
async function realStat(root: string, name: string): Promise<Found | undefined> {
  if (!isInside(root, name)) return undefined;
  const real = await missingAsUndefined(realpath(name));
  if (real === undefined || !isInside(root, real)) return undefined;
  const stats = await missingAsUndefined(stat(real));
  return stats === undefined ? undefined : { name, real, stats };
}

async function statFile(file: string): Promise<Found | undefined> {
  const stats = await missingAsUndefined(stat(file));
  return stats?.isFile() === true ? { name: file, real: file, stats } : undefined;
}

/** Whether `target` is `root` or under it: a name that merely starts with ".." ("..a") is inside. */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * Whether the server may read the file: one it may not is refused before anything is answered, rather than
 * answered 200 and cut short when the body is read. False when it vanished since; 403 when it may not.
 */
async function isReadable(found: Found): Promise<boolean> {
  return (await missingAsUndefined(access(found.real, constants.R_OK).then(() => true))) === true;
}

/** The result, undefined when the path does not exist, a 403 `ERR_FORBIDDEN` when the server may not look. */
async function missingAsUndefined<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (MISSING.has(code)) return undefined;
    if (UNREADABLE.has(code)) throw new HttpError(403, 'the file may not be read', { code: 'ERR_FORBIDDEN' });
    throw error;
  }
}

function realRoot(root: string): Promise<string> {
  return realpath(path.resolve(root));
}

/** Sets the headers, evaluates preconditions and Range, and leaves the body in `c.output`. */
function sendFound(c: Context, found: Found, options: FileOptions): void {
  const validators = setValidators(c, found.stats, options);
  const evaluate = c.res.statusCode === 200; // RFC 9110 §13.2.1: preconditions only apply to a 2xx answer
  const outcome = evaluate ? preconditions(c, validators) : 200;
  if (outcome === 412) throw new HttpError(412, 'a precondition failed', { code: 'ERR_PRECONDITION_FAILED' });
  c.output = undefined;
  if (outcome === 304) {
    c.res.statusCode = 304;
    return;
  }
  const size = found.stats.size;
  c.res.setHeader('Accept-Ranges', 'bytes');
  if (!c.res.hasHeader('content-type')) c.res.setHeader('Content-Type', contentTypeFor(found.name));
  const range = evaluate && c.req.method === 'GET' ? requestedRange(c, validators, size) : undefined;
  if (range === UNSATISFIABLE) {
    const headers = { 'Content-Range': `bytes */${size}` };
    throw new HttpError(416, 'the range is not satisfiable', { code: 'ERR_RANGE_NOT_SATISFIABLE', headers });
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  if (range !== undefined) {
    c.res.statusCode = 206;
    c.res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  }
  c.res.setHeader('Content-Length', String(end - start + 1));
  c.output = end < start ? new Uint8Array(0) : readFileRange(found.real, start, end);
}

function setValidators(c: Context, stats: Stats, options: FileOptions): Validators {
  const now = Date.now();
  const mtime = Math.min(stats.mtimeMs, now); // RFC 9110 §8.8.2.1: never later than the Date
  const etag = options.etag === false ? undefined : `${options.etag === 'strong' ? '' : 'W/'}"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  if (etag !== undefined) c.res.setHeader('ETag', etag);
  const sendDate = options.lastModified !== false;
  if (sendDate) c.res.setHeader('Last-Modified', new Date(mtime).toUTCString());
  if (options.maxAge !== undefined) {
    c.res.setHeader('Cache-Control', `public, max-age=${options.maxAge}${options.immutable === true ? ', immutable' : ''}`);
  }
  return { etag, modified: sendDate ? Math.floor(mtime / 1000) : undefined, strongDate: mtime <= now - 1000 };
}

function preconditions(c: Context, v: Validators): 200 | 304 | 412 {
  const header = (name: string): string | undefined => c.req.header(name);
  const ifMatch = header('if-match');
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, v.etag, false)) return 412;
  } else if (isAfter(v.modified, parseHttpDate(header('if-unmodified-since')))) return 412;
  const safe = c.req.method === 'GET' || c.req.method === 'HEAD';
  const ifNoneMatch = header('if-none-match');
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, v.etag, true)) return safe ? 304 : 412;
  } else if (safe) {
    const since = parseHttpDate(header('if-modified-since'));
    if (since !== undefined && v.modified !== undefined && v.modified <= since) return 304;
  }
  return 200;
}

/** True when both are known and `modified` is later than `date`. */
function isAfter(modified: number | undefined, date: number | undefined): boolean {
  return modified !== undefined && date !== undefined && modified > date;
}

/** `*` or a list of entity-tags against ours; RFC 9110 §8.8.3.2 weak or strong comparison. */
function etagMatches(field: string, etag: string | undefined, weak: boolean): boolean {
  if (field.trim() === '*') return true;
  if (etag === undefined) return false;
  const opaque = (tag: string): string => (tag.startsWith('W/') ? tag.slice(2) : tag);
  for (const tag of field.match(ENTITY_TAG) ?? []) {
    if (weak ? opaque(tag) === opaque(etag) : tag === etag && !etag.startsWith('W/')) return true;
  }
  return false;
}

/** The range to send, or undefined for the whole file (no Range, an If-Range that fails, several ranges). */
function requestedRange(c: Context, v: Validators, size: number): ByteRange | typeof UNSATISFIABLE | undefined {
  const field = c.req.header('range');
  if (field === undefined || !ifRangeHolds(c.req.header('if-range'), v)) return undefined;
  return parseRange(field, size);
}

/** RFC 9110 §13.1.5: an entity-tag must match strongly; a date must equal a strong Last-Modified. */
function ifRangeHolds(field: string | undefined, v: Validators): boolean {
  if (field === undefined) return true;
  const value = field.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return v.etag !== undefined && !v.etag.startsWith('W/') && value === v.etag;
  return v.strongDate && v.modified !== undefined && parseHttpDate(value) === v.modified;
}

/**
 * Parses a Range field for `size` bytes: one satisfiable range, `'unsatisfiable'`,
 * or undefined (another unit, several ranges or invalid syntax: send the whole file).
 *
 * @example
 * parseRange('bytes=0-4', 10);  // { start: 0, end: 4 }
 * parseRange('bytes=-3', 10);   // { start: 7, end: 9 }
 * parseRange('bytes=10-', 10);  // 'unsatisfiable'
 */
export function parseRange(field: string, size: number): ByteRange | typeof UNSATISFIABLE | undefined {
  const equals = field.indexOf('=');
  if (equals === -1 || field.slice(0, equals).toLowerCase() !== 'bytes') return undefined;
  const specs = field.slice(equals + 1).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const match = specs.length === 1 ? /^(\d*)-(\d*)$/.exec(specs[0]!) : null;
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '') {
    if (last === '') return undefined;
    const length = Number(last);
    return length === 0 || size === 0 ? UNSATISFIABLE : { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined; // §14.1.1: an invalid int-range
  if (start >= size) return UNSATISFIABLE;
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** Bytes `start..end` (inclusive) of a file, opened on the first read and closed when done or abandoned. */
async function* readFileRange(file: string, start: number, end: number): AsyncGenerator<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    for (let position = start; position <= end; ) {
      const want = Math.min(CHUNK_BYTES, end - position + 1);
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(want), 0, want, position);
      if (bytesRead === 0) return; // the file shrank: the writer sees a short body and closes the connection
      yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

function checkFileOptions(options: FileOptions): void {
  const { maxAge, etag } = options;
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0)) invalid(`maxAge must be a whole number of seconds ≥ 0, got ${String(maxAge)}`);
  if (etag !== undefined && etag !== false && etag !== 'weak' && etag !== 'strong') invalid('etag must be "weak", "strong" or false');
}

function checkRoot(root: string): string {
  if (typeof root !== 'string' || root === '') invalid('serveStatic needs a root directory');
  return root;
}

function checkPrefix(prefix: string): string {
  if (prefix !== '' && !prefix.startsWith('/')) invalid(`prefix "${prefix}" must start with "/"`);
  return prefix.replace(/\/+$/, '');
}

function checkIndex(index: string | false): string | false {
  if (index !== false && (typeof index !== 'string' || /^\.{0,2}$|[/\\\0]/.test(index))) invalid('index must be a file name or false');
  return index;
}

function invalid(message: string): never {
  throw new SignwireError('ERR_INVALID_OPTION', message);
}
