/**
 * Signing one response (RFC 9421 §3.1, with the request bound as §2.4
 * says): the Content-Digest of the exact body bytes (RFC 9530, sha-256),
 * then the signature base over the covered components, then
 * `Signature-Input` and `Signature`. Pure apart from the signer's clock and,
 * with `nonce`, randomness; `signResponses` is the thin shell around it.
 *
 *   Content-Digest:  sha-256=:…:                          (with a body)
 *   Signature-Input: reqres=("@status" "content-type" "content-digest"
 *                    "@method";req "@authority";req "@path";req "@query";req
 *                    "signature";req;key="sig1");created=…;keyid="…";alg="…"
 *   Signature:       reqres=:…:
 */
import { randomBytes } from 'node:crypto';
import { contentDigest } from '../content-digest.ts';
import type { ComponentIdentifier } from '../rfc9421/component-identifier.ts';
import type { MessageFields, ResponseMessage } from '../rfc9421/message.ts';
import { signatureBase, signatureBaseBytes } from '../rfc9421/signature-base.ts';
import { serializeSignature, serializeSignatureInput } from '../rfc9421/signature-fields.ts';
import type { SignatureParams } from '../rfc9421/signature-params.ts';
import { requestSignatureComponent } from './components.ts';
import type { ResponseSigner } from './options.ts';

/**
 * The headers that sign `response`: `Content-Digest` (when `body` is given:
 * undefined means the response carries no content, as for HEAD, 204 and
 * 304), `Signature-Input` and `Signature`. A field component the message
 * (or, with `;req`, its request) lacks is left out; `requestLabel` adds
 * `"signature";req;key=<requestLabel>`.
 *
 * @example
 * const signer = responseSigner({ keyId: 'api', key: secret, alg: 'hmac-sha256' });
 * signResponse({ status: 200, header: (n) => headers[n], request }, body, signer, 'sig1');
 * // { 'Content-Digest': 'sha-256=:…:', 'Signature-Input': 'reqres=(…);created=…;keyid="api";alg="hmac-sha256"', Signature: 'reqres=:…:' }
 */
export function signResponse(response: ResponseMessage, body: Uint8Array | undefined, signer: ResponseSigner, requestLabel?: string): Record<string, string> {
  const added: Record<string, string> = {};
  let message = response;
  if (body !== undefined) {
    const digest = contentDigest(body);
    added['Content-Digest'] = digest;
    message = withField(response, 'content-digest', digest);
  }
  const components = coveredComponents(message, signer.components, requestLabel);
  const params = signatureParams(signer);
  const signature = signer.algorithm.sign(signer.key, signatureBaseBytes(signatureBase(message, components, params)));
  added['Signature-Input'] = serializeSignatureInput([{ label: signer.label, components, params }]);
  added['Signature'] = serializeSignature([{ label: signer.label, signature }]);
  return added;
}

/** The configured components the message has, plus the request's signature when there is one. */
function coveredComponents(message: ResponseMessage, components: readonly ComponentIdentifier[], requestLabel: string | undefined): ComponentIdentifier[] {
  const covered = components.filter((c) => c.name.startsWith('@') || hasField(c.params?.req === true ? message.request : message, c.name));
  if (requestLabel === undefined) return covered;
  const bound = covered.some((c) => c.name === 'signature' && c.params?.req === true && c.params.key === requestLabel);
  return bound ? covered : [...covered, requestSignatureComponent(requestLabel)];
}

function hasField(message: MessageFields | undefined, name: string): boolean {
  return message?.header(name) !== undefined;
}

/* The parameters, in the order they appear in Signature-Input (the order is part of the signature base). */
function signatureParams(signer: ResponseSigner): SignatureParams {
  return {
    created: Math.floor(signer.now() / 1000),
    ...(signer.nonce && { nonce: randomBytes(16).toString('base64url') }),
    keyid: signer.keyId,
    alg: signer.algorithm.name,
    ...(signer.tag !== undefined && { tag: signer.tag }),
  };
}

/** The message with one more field (the Content-Digest about to be sent). */
function withField(message: ResponseMessage, name: string, value: string): ResponseMessage {
  return {
    status: message.status,
    ...(message.request !== undefined && { request: message.request }),
    header: (field) => (field === name ? value : message.header(field)),
    headerLines: (field) => (field === name ? [value] : message.headerLines?.(field)),
  };
}
