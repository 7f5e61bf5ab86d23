/**
 * `signResponses(options)`: middleware that signs the answer to every
 * request that reaches it with RFC 9421. The signature covers the status,
 * the content (through `Content-Digest`, RFC 9530) and, with `;req`, the
 * request it answers (RFC 9421 §2.4): its method, authority, path, query
 * and, when it was signed, its signature. A client (`verifyResponse` in
 * `signwire/client`) can then tell that the answer is the server's,
 * unchanged, and the answer to this request.
 *
 * It signs in a send hook (`onSend`), just before the answer leaves: after
 * the rest of the chain, after the app's 404 for a path no route matches
 * and after the answer to an error thrown past it, so those are signed too,
 * over the bytes that are sent (`compress()` included, wherever it is).
 * Not signed: a stream over `maxBufferBytes`, a response whose head a
 * handler wrote itself, and whatever is refused before this middleware runs.
 *
 * @example
 * app.use(signResponses({ keyId: 'api-2025', key: readFileSync('api.private.pem', 'utf8'), alg: 'ed25519' }));
 */
import type { Middleware } from '../../app/compose.ts';
import type { Context } from '../../app/context.ts';
import { onSend } from '../../app/send-hooks.ts';
import { signedRequest } from '../middleware.ts';
import type { ResponseMessage } from '../rfc9421/message.ts';
import { parseDictionary } from '../structured-fields/index.ts';
import { responseSigner, type ResponseSigner, type SignResponsesOptions } from './options.ts';
import { responseBody, TOO_LARGE } from './response-body.ts';
import { signResponse } from './sign-response.ts';

/**
 * Signs responses with the key given; options are checked here, at startup.
 *
 * @example
 * app.use(signResponses({ keyId: 'api', key: process.env.RESPONSE_SECRET!, alg: 'hmac-sha256' }));
 * app.post('/orders', verifySignature({ keys }), (c) => c.json({ ok: true }, 201));
 */
export function signResponses(options: SignResponsesOptions): Middleware<Context> {
  const signer = responseSigner(options);
  const sign = (c: Context): Promise<void> => signAnswer(c, signer);
  return (c, next) => {
    onSend(c, sign);
    return next();
  };
}

/** Signs the answer about to be sent; a failure (a stream that breaks while read) is answered like a thrown error. */
async function signAnswer(c: Context, signer: ResponseSigner): Promise<void> {
  if (c.res.headersSent || c.res.finished) return; // a handler wrote the head itself: too late to add fields
  const body = await responseBody(c, signer.maxBufferBytes);
  if (body === TOO_LARGE) return;
  if (body !== undefined) c.res.setHeader('Content-Length', String(body.length)); // so "content-length" can be covered
  const added = signResponse(responseMessage(c), body, signer, requestSignatureLabel(c));
  for (const name in added) c.res.setHeader(name, added[name]!);
}

/** The response as RFC 9421 components see it, with its request for `;req`. */
function responseMessage(c: Context): ResponseMessage {
  const res = c.res;
  return {
    status: res.statusCode,
    header: (name) => res.getHeader(name),
    headerLines: (name) => res.headerEntries().filter(([field]) => field.toLowerCase() === name).map(([, value]) => value),
    request: signedRequest(c),
  };
}

/**
 * The label of the request's signature to bind: the one `verifySignature`
 * verified, else the first of the request's Signature field, if any.
 */
function requestSignatureLabel(c: Context): string | undefined {
  const verified = c.get('signature');
  if (verified?.scheme === 'rfc9421') return verified.label;
  const field = c.req.header('signature');
  if (field === undefined) return undefined;
  try {
    return parseDictionary(field).keys().next().value;
  } catch {
    return undefined; // not a signature this response can name
  }
}
