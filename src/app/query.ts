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

function decodeFormComponent(text: string, code: 'ERR_BAD_QUERY' | 'ERR_BODY_FORM'): string {
  const spaced = text.includes('+') ? text.replaceAll('+', ' ') : text;
  return decode(spaced, code, 'malformed percent-encoding in the query string');
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
