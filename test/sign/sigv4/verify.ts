/**
 * Test helpers for the SigV4 scheme without sockets: a verifier with the
 * test key and clock, the outcome of a verification as a code, a copy of an
 * SDK request with one header changed, and a request signed by hand (for
 * what the SDK never sends, such as a Date header without X-Amz-Date).
 */
import { createHash } from 'node:crypto';
import type { HttpRequest } from '@smithy/protocol-http';
import {
  canonicalRequest, createVerifier, credentialScope, sigv4, sigv4Signature, sigv4SigningKey, stringToSign,
  type SignedRequest, type SigV4Options, type Verifier, type VerifierOptions,
} from '../../../src/index.ts';
import { formatAmzDate } from '../../../src/sign/sigv4/amz-date.ts';
import { ACCESS_KEY_ID, NOW, REGION, SECRET, SERVICE, asSignedRequest } from './smithy.ts';

/** A verifier for the test region, service and key, its clock at NOW. */
export function verifier(options: Partial<SigV4Options> = {}, extra: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({
    scheme: sigv4({ region: REGION, service: SERVICE, ...options }),
    keys: { [ACCESS_KEY_ID]: { secret: SECRET } },
    now: () => NOW * 1000,
    ...extra,
  });
}

/** "accepted", or the code the verification failed with. */
export async function outcomeOf(request: SignedRequest, v = verifier()): Promise<string> {
  return v.verify(request).then(() => 'accepted', (error: unknown) => (error as { code?: string }).code ?? String(error));
}

/** The outcome for a request signed by the SDK. */
export function outcome(request: HttpRequest, v = verifier()): Promise<string> {
  return outcomeOf(asSignedRequest(request), v);
}

/** A copy of `request` with one header changed (or removed, for undefined). */
export function withHeader(request: HttpRequest, name: string, value: string | undefined): HttpRequest {
  const headers = { ...request.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return Object.assign(Object.create(Object.getPrototypeOf(request) as object) as HttpRequest, request, { headers });
}

/** The Date `offsetSeconds` from NOW. */
export const at = (offsetSeconds: number): Date => new Date((NOW + offsetSeconds) * 1000);

/** A GET / signed by hand with the pure functions, with exactly these headers and SignedHeaders (an SDK always adds X-Amz-Date). */
export function handSigned(headers: Record<string, string>, signedHeaders: string[]): SignedRequest {
  const scope = { date: formatAmzDate(NOW).slice(0, 8), region: REGION, service: SERVICE };
  const canonical = canonicalRequest({ method: 'GET', path: '/', headers, signedHeaders, payloadHash: createHash('sha256').digest('hex') });
  const signature = sigv4Signature(sigv4SigningKey(SECRET, scope), stringToSign(formatAmzDate(NOW), scope, canonical));
  const all: Record<string, string> = { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/${credentialScope(scope)}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}` };
  return {
    method: 'GET', target: '/', path: '/', search: '', authority: headers['host'] ?? '', scheme: 'http',
    header: (name) => all[name], body: () => Promise.resolve(new Uint8Array()),
  };
}
