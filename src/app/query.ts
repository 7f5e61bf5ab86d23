/**
 * Query strings and path segments, percent-decoded strictly: a malformed
 * escape is a 400 (`ERR_BAD_QUERY` / `ERR_BAD_PATH`), never an exception
 * that escapes the handler.
 *
 * application/x-www-form-urlencoded (WHATWG URL §5.1): pairs split on "&",
 * name and value on the first "=", "+" means space, then percent-decoding.
 */
import { HttpError } from './http-error.ts';

/** Parses `a=1&b=2&a=3` into [name, value] pairs, in body order. */
export function parsePairs(search: string, code: 'ERR_BAD_QUERY' | 'ERR_BODY_FORM' = 'ERR_BAD_QUERY'): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (search === '') return out;
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq), code);
    out.push([name, eq === -1 ? '' : decodeFormComponent(pair.slice(eq + 1), code)]);
  }
  return out;
}

/** Parses `a=1&b=2&a=3` into name → values (in order). */
export function parseQuery(search: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of parsePairs(search)) {
    const values = out.get(name);
    if (values === undefined) out.set(name, [value]);
    else values.push(value);
  }
  return out;
}

/**
 * The first value of `name` in a query string that has no "%" (so nothing in
 * it can be malformed), found without parsing the other pairs: the common
 * `c.req.query('q')` costs no map and no arrays. "+" still means space, in
 * names and values. With a "%" anywhere, use `parseQuery`: a malformed escape
 * must be a 400 whichever name is asked for.
 *
 * @example
 * firstPlainValue('a=1&my+name=x+y&a=2', 'my name'); // 'x y'
 */
export function firstPlainValue(search: string, name: string): string | undefined {
  let eq = search.indexOf('=');
  for (let start = 0; start < search.length; ) {
    const amp = search.indexOf('&', start);
    const end = amp === -1 ? search.length : amp;
    if (eq !== -1 && eq < start) eq = search.indexOf('=', start); // each "=" is looked for once: linear
    const nameEnd = eq === -1 || eq > end ? end : eq;
    // Empty pairs ("a=1&&b") are skipped, as parsePairs does. "+" → " " keeps the length,
    // so a length check rules most pairs out before any slicing.
    if (end > start && nameEnd - start === name.length && plusToSpace(search.slice(start, nameEnd)) === name) {
      return nameEnd === end ? '' : plusToSpace(search.slice(nameEnd + 1, end));
    }
    start = end + 1;
  }
  return undefined;
}

function plusToSpace(text: string): string {
  return text.includes('+') ? text.replaceAll('+', ' ') : text;
}

const MALFORMED = {
  ERR_BAD_QUERY: 'malformed percent-encoding in the query string',
  ERR_BODY_FORM: 'malformed percent-encoding in the form body',
} as const;

function decodeFormComponent(text: string, code: 'ERR_BAD_QUERY' | 'ERR_BODY_FORM'): string {
  return decode(plusToSpace(text), code, MALFORMED[code]);
}

/** Decodes one path segment (a route param). */
export function decodePathSegment(segment: string): string {
  return decode(segment, 'ERR_BAD_PATH', 'malformed percent-encoding in the path');
}

function decode(text: string, code: 'ERR_BAD_QUERY' | 'ERR_BODY_FORM' | 'ERR_BAD_PATH', message: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, message, { code });
  }
}
