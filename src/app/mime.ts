/**
 * Media types by file extension, for `c.file()` and `serveStatic()`, and
 * which of them are worth compressing.
 *
 * RFC 9110 §8.3: "A sender that generates a message containing content
 * SHOULD generate a Content-Type header field in that message unless the
 * intended media type of the enclosed representation is unknown to the
 * sender." An unknown extension is sent as application/octet-stream, which
 * browsers download rather than render.
 *
 * Textual types carry `; charset=utf-8`, so a browser never guesses.
 */

/** Extension (lower case, without the dot) → media type, without parameters. */
const TYPES: ReadonlyMap<string, string> = new Map(Object.entries({
  html: 'text/html', htm: 'text/html', css: 'text/css', txt: 'text/plain', md: 'text/markdown', csv: 'text/csv',
  js: 'text/javascript', mjs: 'text/javascript', cjs: 'text/javascript',
  json: 'application/json', map: 'application/json', webmanifest: 'application/manifest+json',
  xml: 'application/xml', svg: 'image/svg+xml', wasm: 'application/wasm',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  avif: 'image/avif', ico: 'image/x-icon', bmp: 'image/bmp',
  woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', otf: 'font/otf',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tar: 'application/x-tar',
  mp4: 'video/mp4', webm: 'video/webm', mp3: 'audio/mpeg', ogg: 'audio/ogg', wav: 'audio/wav',
}));

/** Types outside text/* that are text, so they get a charset and compress well. */
const TEXTUAL = new Set(['application/json', 'application/manifest+json', 'application/xml', 'image/svg+xml']);

/** Binary types that still compress well (no compression of their own). */
const COMPRESSIBLE = new Set(['application/wasm', 'image/x-icon', 'image/bmp', 'font/ttf', 'font/otf', 'application/x-tar']);

const OCTET_STREAM = 'application/octet-stream';

/**
 * The Content-Type for a file name or path, from its extension.
 *
 * @example
 * contentTypeFor('app.js');     // 'text/javascript; charset=utf-8'
 * contentTypeFor('logo.png');   // 'image/png'
 * contentTypeFor('data.bin');   // 'application/octet-stream'
 */
export function contentTypeFor(fileName: string): string {
  const type = TYPES.get(extensionOf(fileName)); // a Map: "x.constructor" finds nothing
  if (type === undefined) return OCTET_STREAM;
  return isTextual(type) ? `${type}; charset=utf-8` : type;
}

/**
 * Whether a response of this Content-Type is worth compressing: text,
 * JSON, JavaScript, XML, SVG, WebAssembly and a few uncompressed binary
 * formats. Images, fonts in WOFF, audio, video and archives are already
 * compressed.
 *
 * @example
 * isCompressible('text/html; charset=utf-8'); // true
 * isCompressible('image/png');                // false
 */
export function isCompressible(contentType: string): boolean {
  const type = essence(contentType);
  return isTextual(type) || COMPRESSIBLE.has(type) || type === 'application/javascript';
}

function isTextual(type: string): boolean {
  return type.startsWith('text/') || TEXTUAL.has(type) || type.endsWith('+json') || type.endsWith('+xml');
}

/** "Text/HTML; charset=utf-8" → "text/html". */
function essence(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** "dir/App.Min.JS" → "js"; "" when there is none (".env" has none either). */
function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}
