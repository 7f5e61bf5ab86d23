/**
 * The parameters of a request, gathered from the configured sources into
 * one map of decoded values:
 *
 *   - query: the query string, decoded as application/x-www-form-urlencoded
 *     ("+" is a space), exactly as `c.req.query()` decodes it;
 *   - body: an application/x-www-form-urlencoded body (decoded the same
 *     way), or the top level of a JSON object body (`application/json` or
 *     `*+json`; values as in canonical-string.ts); an empty body adds
 *     nothing, and any other body cannot be covered and is malformed;
 *   - headers: the configured header names, values as sent.
 *
 * A name found twice (within a source or across sources) is malformed: the
 * app could read one value while the other was signed.
 */
import { parsePairs } from '../../app/query.ts';
import { SignatureError } from '../errors.ts';
import type { SignedRequest } from '../scheme.ts';
import { paramText } from './canonical-string.ts';
import type { ClassicConfig } from './options.ts';

/** Every parameter of `req` from `config.from`, by name. */
export async function requestParams(req: SignedRequest, config: ClassicConfig): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  const add = (name: string, value: string): void => {
    if (name === '') throw malformed('a parameter has an empty name');
    if (params.has(name)) throw malformed(`parameter "${name}" appears more than once`);
    params.set(name, value);
  };
  for (const source of config.from) {
    for (const [name, value] of await SOURCES[source](req, config)) add(name, value);
  }
  return params;
}

type Pairs = Iterable<readonly [string, string]>;

const SOURCES: Readonly<Record<ClassicConfig['from'][number], (req: SignedRequest, config: ClassicConfig) => Promise<Pairs> | Pairs>> = {
  query: (req) => decodedPairs(req.search),
  body: bodyPairs,
  headers: (req, config) => headerPairs(req, config.headers),
};

async function bodyPairs(req: SignedRequest): Promise<Pairs> {
  const bytes = Buffer.from(await req.body());
  if (bytes.length === 0) return [];
  const mediaType = (req.header('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return decodedPairs(bytes.toString('utf8'));
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return jsonPairs(bytes.toString('utf8'));
  throw malformed(`a ${mediaType === '' ? 'body without a Content-Type' : `${mediaType} body`} cannot be signed; send a form or a JSON object`);
}

function decodedPairs(text: string): Pairs {
  try {
    return parsePairs(text);
  } catch (error) {
    throw malformed('malformed percent-encoding in the parameters', error);
  }
}

function jsonPairs(text: string): Pairs {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw malformed('the JSON body is not valid JSON', error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('the JSON body must be an object');
  const pairs: Array<[string, string]> = [];
  for (const [name, field] of Object.entries(value)) {
    // JSON.parse reads a number beyond the double range (1e999) as Infinity, which no string-to-sign can carry.
    if (typeof field === 'number' && !Number.isFinite(field)) throw malformed(`the JSON body's "${name}" is a number out of range`);
    const text = paramText(name, field as object | string | number | boolean | null);
    if (text !== undefined) pairs.push([name, text]);
  }
  return pairs;
}

function headerPairs(req: SignedRequest, names: readonly string[]): Pairs {
  const pairs: Array<[string, string]> = [];
  for (const name of names) {
    const value = req.header(name);
    if (value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}

function malformed(message: string, cause?: unknown): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message, { cause });
}
