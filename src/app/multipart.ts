/**
 * multipart/form-data (RFC 7578), parsed strictly from the whole body in
 * memory. The body framing is RFC 2046 §5.1.1:
 *
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
 *                     body-part *encapsulation close-delimiter
 *                     transport-padding [CRLF epilogue]
 *   encapsulation := delimiter transport-padding CRLF body-part
 *   dash-boundary := "--" boundary
 *   delimiter := CRLF dash-boundary
 *   close-delimiter := delimiter "--"
 *   transport-padding := *LWSP-char
 *   body-part := MIME-part-headers [CRLF *OCTET]
 *   boundary := 0*69<bchars> bcharsnospace
 *
 * Each part names its field in `Content-Disposition: form-data; name="…"`
 * (RFC 7578 §4.2); a `filename` (or RFC 8187 `filename*`) makes it a file.
 * The preamble and epilogue are ignored. Anything else malformed is a 400
 * `ERR_BODY_FORM`; a form past its limits is a 413 `ERR_FORM_LIMIT`.
 */
import { TextDecoder } from 'node:util';
import { formLimit, type FormLimits } from './form.ts';
import { HttpError } from './http-error.ts';

/** The largest header block of one part, in bytes. */
const MAX_PART_HEADER_BYTES = 8 * 1024;

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_TEXT = /^[^\x00-\x08\x0a-\x1f\x7f]*$/;
const DISPOSITION_TYPE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const PARAMETER = /[ \t]*;[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=(?:"((?:[^"\\]|\\[^])*)"|([!#$%&'*+\-.^_`|~0-9A-Za-z]+))/y;
const EXT_VALUE = /^(utf-8|iso-8859-1)'[A-Za-z0-9-]*'((?:%[0-9A-Fa-f]{2}|[!#$&+\-.^_`|~0-9A-Za-z])*)$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Disposition {
  readonly name: string | undefined;
  readonly filename: string | undefined;
}

interface Part {
  readonly disposition: Disposition;
  readonly type: string | undefined;
  readonly content: Buffer;
}

/**
 * Parses a multipart/form-data body into `FormData`: fields as UTF-8
 * strings, files as `File` objects with their bytes, name and type.
 *
 * @example
 * const form = parseMultipart(body, 'XyZ', DEFAULT_FORM_LIMITS);
 * const avatar = form.get('avatar'); // a File
 */
export function parseMultipart(body: Buffer, boundary: string, limits: FormLimits): FormData {
  if (!BOUNDARY.test(boundary)) throw malformed('the boundary has characters RFC 2046 does not allow');
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.concat([CRLF, dash]);
  const form = new FormData();
  const counts = { fields: 0, files: 0 };
  let pos = firstBoundary(body, dash, delimiter);
  while (!isClose(body, pos)) {
    pos = afterPadding(body, pos);
    const end = body.indexOf(delimiter, pos);
    if (end === -1) throw malformed('the closing boundary is missing');
    addPart(form, parsePart(body.subarray(pos, end)), limits, counts);
    pos = end + delimiter.length;
  }
  checkEpilogue(body, pos + 2);
  return form;
}

/** Where the first dash-boundary ends; it opens the body or follows the preamble's CRLF. */
function firstBoundary(body: Buffer, dash: Buffer, delimiter: Buffer): number {
  if (body.subarray(0, dash.length).equals(dash)) return dash.length;
  const at = body.indexOf(delimiter);
  if (at === -1) throw malformed('the boundary does not occur in the body');
  return at + delimiter.length;
}

/** True when a delimiter ending at `pos` is the close-delimiter ("--"). */
function isClose(body: Buffer, pos: number): boolean {
  return body[pos] === 0x2d && body[pos + 1] === 0x2d;
}

/** Skips transport-padding and the CRLF that must follow a delimiter. */
function afterPadding(body: Buffer, pos: number): number {
  while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
  if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw malformed('a boundary line is not followed by CRLF');
  return pos + 2;
}

/** After the close-delimiter: transport-padding, then the end or CRLF and an epilogue. */
function checkEpilogue(body: Buffer, pos: number): void {
  while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
  if (pos < body.length && (body[pos] !== 0x0d || body[pos + 1] !== 0x0a)) {
    throw malformed('the closing boundary line is not followed by CRLF');
  }
}

/** One body-part: headers, an empty line, the content. */
function parsePart(part: Buffer): Part {
  if (part[0] === 0x0d) throw malformed('a part has no headers');
  const headerEnd = part.subarray(0, MAX_PART_HEADER_BYTES + HEADER_END.length).indexOf(HEADER_END);
  if (headerEnd === -1) {
    if (part.indexOf(HEADER_END, MAX_PART_HEADER_BYTES) !== -1) throw formLimit(`a part's headers are larger than ${MAX_PART_HEADER_BYTES} bytes`);
    throw malformed('a part\'s headers do not end with an empty line');
  }
  const headers = parseHeaders(part.subarray(0, headerEnd));
  const value = headers.get('content-disposition');
  if (value === undefined) throw malformed('a part has no Content-Disposition');
  const disposition = parseDisposition(value);
  if (disposition.name === undefined) throw malformed('a part has no name');
  return { disposition, type: headers.get('content-type'), content: part.subarray(headerEnd + HEADER_END.length) };
}

/**
 * MIME-part-headers: `field-name ":" OWS field-value OWS` lines separated by
 * CRLF; no obs-fold, no control characters, each field at most once.
 */
function parseHeaders(block: Buffer): Map<string, string> {
  let text: string;
  try {
    text = utf8.decode(block);
  } catch {
    throw malformed('part headers are not valid UTF-8');
  }
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = trimOws(line.slice(colon + 1));
    if (colon < 1 || !TOKEN.test(name) || !HEADER_TEXT.test(value)) throw malformed('a part has a malformed header line');
    if (headers.has(name)) throw malformed(`a part repeats its ${name} header`);
    headers.set(name, value);
  }
  return headers;
}

/**
 * Strips OWS (spaces and tabs) from both ends, in linear time: the regex
 * `/[ \t]+$/` retries from every space of a run, so 8 KiB of spaces inside
 * a header value cost 100 ms per part.
 */
function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(start, end);
}

/** Adds a part to the form as a field or a file, within the limits. */
function addPart(form: FormData, part: Part, limits: FormLimits, counts: { fields: number; files: number }): void {
  const { name, filename } = part.disposition;
  if (filename === undefined) {
    if (++counts.fields > limits.maxFields) throw formLimit(`more than ${limits.maxFields} fields`);
    if (part.content.length > limits.maxFieldBytes) throw formLimit(`field "${name!}" is larger than ${limits.maxFieldBytes} bytes`);
    form.append(name!, part.content.toString('utf8'));
    return;
  }
  if (++counts.files > limits.maxFiles) throw formLimit(`more than ${limits.maxFiles} files`);
  if (part.content.length > limits.maxFileBytes) throw formLimit(`file "${filename}" is larger than ${limits.maxFileBytes} bytes`);
  form.append(name!, new File([part.content], filename, { type: part.type ?? 'text/plain' }));
}

/**
 * Content-Disposition of a part (RFC 7578 §4.2, RFC 6266 §4.1, RFC 8187 §3.2):
 *
 *   content-disposition = "form-data" *( OWS ";" OWS disposition-parm )
 *   disposition-parm    = parm-name "=" ( token / quoted-string )
 *                       / "filename*" "=" ext-value
 *   quoted-string       = DQUOTE *( qdtext / quoted-pair ) DQUOTE
 *   ext-value           = charset "'" [ language ] "'" value-chars
 *
 * In a quoted-string, `\"` and `\\` are quoted-pairs; any other backslash is
 * kept (browsers send Windows paths unescaped). `%22`, `%0D` and `%0A` are
 * decoded, as the HTML form encoding escapes `"`, CR and LF that way.
 * `filename*` wins over `filename`. Parameters may not repeat.
 */
function parseDisposition(value: string): Disposition {
  const type = DISPOSITION_TYPE.exec(value);
  if (type === null || type[0].toLowerCase() !== 'form-data') throw malformed('a part\'s Content-Disposition is not form-data');
  const params = new Map<string, string>();
  PARAMETER.lastIndex = type[0].length;
  while (PARAMETER.lastIndex < value.length) {
    const match = PARAMETER.exec(value);
    const key = match?.[1]?.toLowerCase();
    if (match === null || key === undefined || params.has(key)) throw malformed('a part has a malformed Content-Disposition');
    if (key === 'filename*' && match[2] !== undefined) throw malformed('filename* must not be a quoted-string');
    params.set(key, match[2] === undefined ? match[3]! : unquote(match[2]));
  }
  const extended = params.get('filename*');
  return { name: params.get('name'), filename: extended === undefined ? params.get('filename') : decodeExtValue(extended) };
}

function unquote(text: string): string {
  const unescaped = text.includes('\\') ? text.replace(/\\(["\\])/g, '$1') : text;
  return unescaped.replace(/%(22|0D|0A)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** RFC 8187 ext-value: `UTF-8''%E2%82%AC%20rates.txt` (UTF-8 or ISO-8859-1). */
function decodeExtValue(value: string): string {
  const match = EXT_VALUE.exec(value);
  if (match === null) throw malformed('a part has a malformed filename*');
  const bytes = Buffer.from(match[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  if (match[1]!.toLowerCase() === 'iso-8859-1') return bytes.toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformed('filename* is not valid UTF-8');
  }
}

function malformed(message: string): HttpError {
  return new HttpError(400, message, { code: 'ERR_BODY_FORM' });
}
