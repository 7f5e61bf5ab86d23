/**
 * `verifySignature(options)`: middleware that lets a request through only
 * when it is signed by a known key, recently, and for the first time.
 * Failures answer 401 (503 when the nonce store cannot be reached) with
 * `{ "error": { "code", "message" } }` and a header naming what is
 * required; with `debug: true`, an `ERR_SIG_INVALID` answer also carries
 * what the server computed (the signature base; SigV4's canonical request
 * and string to sign), to compare with the client's.
 *
 * @example
 * app.post('/orders', verifySignature({ keys: { demo: { alg: 'hmac-sha256', secret } } }), async (c) => {
 *   const { keyId } = c.get('signature')!;
 *   return c.json(await c.req.json(), 201);
 * });
 */
import type { Middleware } from '../app/compose.ts';
import type { Context } from '../app/context.ts';
import type { AppRequest } from '../app/request.ts';
import type { SignatureErrorCode } from '../errors.ts';
import { equalsLowerCase } from '../wire/tokens.ts';
import { SignatureError } from './errors.ts';
import type { Scheme, SignedRequest, VerifiedSignature } from './scheme.ts';
import { createVerifier, type VerifierOptions } from './verifier.ts';

declare module '../app/context.ts' {
  interface ContextVariables {
    /** Set by `verifySignature` once a request's signature is verified. */
    signature: VerifiedSignature;
    /** Set by `verifySignature` when it refuses a request: the failure code (read by the metrics middleware). */
    signatureError: SignatureErrorCode;
  }
}

/** Options of `verifySignature`; see the table in docs/signing.md. */
export type VerifySignatureOptions = VerifierOptions;

export function verifySignature(options: VerifySignatureOptions): Middleware<Context> {
  const verifier = createVerifier(options);
  const refused = (c: Context, error: unknown): void => {
    if (!(error instanceof SignatureError)) throw error;
    c.set('signatureError', error.code);
    refuse(c, error, verifier.scheme, verifier.debug);
  };
  // Two callbacks rather than an async function: one promise fewer per request, and no suspended frame.
  return (c, next) =>
    verifier.verify(signedRequest(c)).then(
      (verified) => {
        c.set('signature', verified);
        return next();
      },
      (error: unknown) => refused(c, error),
    );
}

/**
 * The request as schemes see it, from the app's context (`signResponses` binds the same view with `;req`).
 *
 * @example
 * await createVerifier({ keys }).verify(signedRequest(c));
 */
export function signedRequest(c: Context): SignedRequest {
  return new ContextRequest(c.req);
}

/* The view, made for every verified request: its methods are on the prototype, so none is a new closure. */
class ContextRequest implements SignedRequest {
  readonly method: string;
  readonly target: string;
  readonly path: string;
  readonly search: string;
  readonly authority: string;
  readonly scheme: string;
  readonly #req: AppRequest;

  constructor(req: AppRequest) {
    this.#req = req;
    this.method = req.method;
    this.target = req.raw.url;
    // RFC 9112 §3.3: for an asterisk-form target (OPTIONS *) the target URI's path is empty (so @path is "/").
    this.path = req.raw.url === '*' ? '' : req.path;
    this.search = req.search;
    this.authority = req.host;
    this.scheme = req.protocol;
  }

  header(name: string): string | undefined {
    return this.#req.header(name);
  }

  headerLines(name: string): string[] {
    return headerLines(this.#req.raw.rawHeaders, name);
  }

  body(): Promise<Uint8Array> {
    return this.#req.body();
  }
}

function headerLines(rawHeaders: readonly string[], name: string): string[] {
  const wanted = name.toLowerCase();
  const lines: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (equalsLowerCase(rawHeaders[i]!, wanted)) lines.push(rawHeaders[i + 1]!);
  }
  return lines;
}

function refuse(c: Context, error: SignatureError, scheme: Scheme, debug: boolean): void {
  for (const [name, value] of Object.entries(scheme.challenge())) c.header(name, value);
  const debugInfo = debug ? error.debugInfo : undefined;
  c.json({ error: { code: error.code, message: error.message, ...debugInfo } }, error.status);
}
