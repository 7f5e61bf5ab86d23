/**
 * What callers give `signRequest`, normalised as fetch will send it: the
 * method (fetch upper-cases six of them), the header fields (names
 * lower-cased, values trimmed, repeats joined ", ") and the body bytes.
 * Holds no RFC 9421 types, so the client's declarations need no Node types.
 */

/** Header fields as callers give them: a plain object, a `Headers`, or name/value pairs. */
export type HeaderInput = Readonly<Record<string, string>> | Iterable<readonly [string, string]>;

/** A request body the client can hash: text (sent as UTF-8) or bytes. */
export type BodyInput = string | Uint8Array | ArrayBuffer;

/* Fetch §2.2.1 "To normalize a method": these six are upper-cased, any other is sent as given. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * The method as fetch sends it.
 *
 * @example
 * normalizeMethod('post'); // 'POST'
 * normalizeMethod('patch'); // 'patch' (fetch sends it as given)
 */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/**
 * Header fields by lower-case name, values trimmed of leading and trailing
 * whitespace, repeated names joined with ", ".
 *
 * @example
 * headerFields({ 'Content-Type': ' application/json ' }); // Map { 'content-type' => 'application/json' }
 */
export function headerFields(headers: HeaderInput | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  if (headers === undefined) return fields;
  const pairs = Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers);
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const trimmed = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    const previous = fields.get(key);
    fields.set(key, previous === undefined ? trimmed : `${previous}, ${trimmed}`);
  }
  return fields;
}

/**
 * The body's exact bytes (a string is UTF-8), or undefined for no body.
 *
 * @example
 * bodyBytes('{"a":1}'); // Uint8Array of the 7 bytes
 */
export function bodyBytes(body: BodyInput | null | undefined): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('signRequest: body must be a string, a Uint8Array or an ArrayBuffer');
}
