/**
 * Test helper: a response signed by the server's pure signer
 * (`signResponse`) for a request as the client sent it, returned as the
 * plain `{ status, headers, body }` that `verifyResponse` takes, so client
 * checks run without a socket.
 */
import { headerFields } from '../../src/client/request-input.ts';
import { requestMessage } from '../../src/client/request-message.ts';
import type { SentRequest } from '../../src/client/index.ts';
import { responseSigner, signResponse, type SignResponsesOptions } from '../../src/sign/responses/index.ts';

export interface PlainResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/**
 * Signs a response to `request`; `body: undefined` is a response without
 * content (HEAD, 204). `requestLabel` binds the request's signature.
 */
export function signedResponse(
  request: SentRequest,
  response: { status: number; headers?: Record<string, string>; body?: string },
  options: SignResponsesOptions,
  requestLabel?: string,
): PlainResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = response.body === undefined ? undefined : new TextEncoder().encode(response.body);
  const sent = requestMessage(request.method, new URL(request.url), headerFields(request.headers));
  const message = { status: response.status, header: (name: string) => headers[name], request: sent };
  const added = signResponse(message, body, responseSigner(options), requestLabel);
  for (const [name, value] of Object.entries(added)) headers[name.toLowerCase()] = value;
  return { status: response.status, headers, body: body ?? new Uint8Array(0) };
}
