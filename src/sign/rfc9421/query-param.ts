/**
 * `@query-param` (RFC 9421 §2.2.8): one parameter of the query, parsed as
 * application/x-www-form-urlencoded and encoded again, so that the signer
 * and the verifier agree whatever encoding the URL used.
 *
 *   1. Parse the nameString or valueString of the named query parameter
 *      defined by Section 5.1 ("application/x-www-form-urlencoded parsing")
 *      of [HTMLURL]; this is the value after percent-encoded octets are
 *      decoded.
 *   2. Encode the nameString or valueString using the "percent-encode after
 *      encoding" process defined by Section 5.2 ("application/x-www-form-
 *      urlencoded serializing") of [HTMLURL]; this results in an ASCII string.
 *
 * The RFC's own example encodes a space as "%20", not "+": the
 * application/x-www-form-urlencoded percent-encode set, without
 * spaceAsPlus. "If a parameter name occurs multiple times in a request, the
 * named query parameter MUST NOT be included" — so a repeated name is an
 * error, as is a missing one.
 */
import { SignatureError } from '../errors.ts';

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The encoded value of the query parameter whose encoded name is `name`.
 * Throws `ERR_SIG_COMPONENTS` when it is absent or repeated.
 *
 * @example
 * queryParamValue('param=Value&Pet=dog', 'Pet'); // 'dog'
 * queryParamValue('bar=with+plus+whitespace', 'bar'); // 'with%20plus%20whitespace'
 */
export function queryParamValue(search: string, name: string): string {
  const values = encodedParams(search).get(name) ?? [];
  const [value] = values;
  if (value === undefined) throw new SignatureError('ERR_SIG_COMPONENTS', `the query has no parameter "${name}"`);
  if (values.length > 1) throw new SignatureError('ERR_SIG_COMPONENTS', `the query parameter "${name}" occurs more than once`);
  return value;
}

/*
 * The query's values by encoded name, for the last query asked about. A signature may cover many
 * `@query-param`s of one long query, resolved one after another: parsing and encoding the query once, not once
 * per parameter, keeps such a request linear (a few hundred of them cost seconds otherwise, before any
 * signature is checked). One entry: it is a pure function of the text, whichever request asks.
 */
let lastQuery: { readonly search: string; readonly params: ReadonlyMap<string, readonly string[]> } | undefined;

function encodedParams(search: string): ReadonlyMap<string, readonly string[]> {
  if (lastQuery?.search === search) return lastQuery.params;
  const params = new Map<string, string[]>();
  for (const [name, value] of parseQuery(search)) {
    const encoded = percentEncode(name);
    const values = params.get(encoded);
    if (values === undefined) params.set(encoded, [percentEncode(value)]);
    else values.push(percentEncode(value));
  }
  lastQuery = { search, params };
  return params;
}

/**
 * application/x-www-form-urlencoded parsing (URL Standard §5.1): split on
 * "&", skip empty sequences, split each on the first "=", turn "+" into a
 * space, percent-decode, and decode as UTF-8.
 *
 * @example
 * parseQuery('a=1&b&c=x+y'); // [['a', '1'], ['b', ''], ['c', 'x y']]
 */
export function parseQuery(search: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const sequence of search.split('&')) {
    if (sequence === '') continue;
    const eq = sequence.indexOf('=');
    const name = eq < 0 ? sequence : sequence.slice(0, eq);
    const value = eq < 0 ? '' : sequence.slice(eq + 1);
    pairs.push([formDecode(name), formDecode(value)]);
  }
  return pairs;
}

/**
 * UTF-8 percent-encode with the application/x-www-form-urlencoded
 * percent-encode set: everything but ASCII alphanumerics and `*-._`,
 * uppercase hex, and a space as "%20".
 *
 * @example
 * percentEncode('façade": '); // 'fa%C3%A7ade%22%3A%20'
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of UTF8_ENCODER.encode(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9*\-._]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function formDecode(text: string): string {
  return UTF8_DECODER.decode(percentDecode(UTF8_ENCODER.encode(text.replaceAll('+', ' '))));
}

/** URL Standard §1.3 percent-decode: "%" and two hex digits become one byte; anything else stays. */
function percentDecode(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 1) {
    const hex = bytes[i] === 0x25 ? String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(bytes[i]!);
    }
  }
  return new Uint8Array(out);
}
