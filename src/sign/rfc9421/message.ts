/**
 * What RFC 9421 reads of an HTTP message. A request is the part of
 * `SignedRequest` that components come from (the server's request fits
 * as is; the browser client builds one from a URL). A response has its
 * status, its fields and, for components with the `req` parameter, the
 * request it answers.
 *
 * Fields are looked up by lowercase name. `headerLines`, when given,
 * returns each field line separately, which the `bs` parameter needs
 * (RFC 9421 §2.1.3); without it the combined value stands for one line.
 */
import type { SignedRequest } from '../scheme.ts';

/** Access to a message's fields. */
export interface MessageFields {
  /** The field's value, repeated lines combined with ", "; undefined when absent. */
  header(name: string): string | undefined;
  /** Each field line's value, in order; undefined (or empty) when absent. */
  headerLines?(name: string): readonly string[] | undefined;
}

/** A request as RFC 9421 components see it. */
export type RequestMessage = Pick<SignedRequest, 'method' | 'target' | 'path' | 'search' | 'authority' | 'scheme'> & MessageFields;

/** A response as RFC 9421 components see it. */
export interface ResponseMessage extends MessageFields {
  /** The three-digit status code. */
  readonly status: number;
  /** The request this response answers, for components with `req` (RFC 9421 §2.4). */
  readonly request?: RequestMessage;
}

/** The message a signature is over: a request, or a response (with its request). */
export type HttpMessage = RequestMessage | ResponseMessage;

/**
 * Whether a message is a response.
 *
 * @example
 * isResponse({ status: 200, header: () => undefined }); // true
 */
export function isResponse(message: HttpMessage): message is ResponseMessage {
  return typeof (message as Partial<ResponseMessage>).status === 'number';
}
