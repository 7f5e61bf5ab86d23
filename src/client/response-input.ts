/**
 * What callers give `verifyResponse`, normalised: the status, the header
 * fields (names lower-cased, values trimmed, repeats joined ", ") and the
 * exact body bytes. A fetch `Response` is cloned and read, so the caller can
 * still read its body afterwards. Holds no Node types, so it runs in browsers.
 *
 * fetch decodes a `Content-Encoding` (gzip, br) before the body can be read,
 * while `Content-Digest` is over the bytes as sent: for such a response,
 * pass `{ status, headers, body }` with the bytes as they arrived.
 */
import { SignwireError } from '../errors.ts';
import { bodyBytes, headerFields, type BodyInput, type HeaderInput } from './request-input.ts';

/** A response as plain values. */
export interface ResponseInput {
  readonly status: number;
  readonly headers?: HeaderInput | undefined;
  /** The exact body bytes (text is its UTF-8 bytes); none for HEAD, 204, 304. */
  readonly body?: BodyInput | null | undefined;
}

/** The part of a fetch `Response` that is read (the DOM's and Node's both fit). */
export interface FetchResponse {
  readonly status: number;
  readonly headers: Iterable<[string, string]>;
  readonly bodyUsed: boolean;
  clone(): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** A response as read: status, fields by lower-case name, body bytes. */
export interface ReadResponse {
  readonly status: number;
  readonly fields: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

/**
 * The response's status, fields and body bytes. Throws `ERR_INVALID_OPTION`
 * for a response that is neither form, or whose body was already read.
 *
 * @example
 * const { status, fields, body } = await readResponse(await fetch(url));
 */
export async function readResponse(response: FetchResponse | ResponseInput): Promise<ReadResponse> {
  if (typeof response !== 'object' || response === null) throw invalid('verifyResponse needs a fetch Response or { status, headers, body }');
  const status = response.status;
  if (!Number.isInteger(status) || status < 100 || status > 999) throw invalid(`verifyResponse needs a three-digit status, got ${String(status)}`);
  if (isFetchResponse(response)) {
    if (response.bodyUsed) throw invalid('the response body was already read: verify before reading it, or pass { status, headers, body }');
    return { status, fields: fieldsOf(response.headers), body: new Uint8Array(await response.clone().arrayBuffer()) };
  }
  let body: Uint8Array | undefined;
  try {
    body = bodyBytes(response.body);
  } catch {
    throw invalid('verifyResponse "body" must be a string, a Uint8Array or an ArrayBuffer');
  }
  return { status, fields: fieldsOf(response.headers), body: body ?? new Uint8Array(0) };
}

function fieldsOf(headers: HeaderInput | undefined): Map<string, string> {
  if (headers !== undefined && (typeof headers !== 'object' || headers === null)) throw invalid('verifyResponse "headers" must be an object, a Headers or name/value pairs');
  return headerFields(headers);
}

function isFetchResponse(response: FetchResponse | ResponseInput): response is FetchResponse {
  return typeof (response as Partial<FetchResponse>).clone === 'function';
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', message);
}
