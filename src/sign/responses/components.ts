/**
 * What a signed response covers (RFC 9421 §2.4, "Signing Request
 * Components in a Response Message"): its own status and content, and,
 * through the `req` parameter, the request it answers, so that a response
 * cannot be replayed as the answer to another request.
 *
 *   "@status" "content-type" "content-digest"
 *   "@method";req "@authority";req "@path";req "@query";req
 *   "signature";req;key="sig1"          ; when the request was signed
 *
 * §2.4: "A signature on a response can include the signature value of the
 * request by using the req parameter with the signature field and the key
 * parameter with the label of the request signature", so the response is
 * tied to that one signed request. Shared by the server (`signResponses`)
 * and the client (`verifyResponse`); no Node module is imported here.
 */
import type { ComponentIdentifier, ComponentInput } from '../rfc9421/component-identifier.ts';

/**
 * The request components a response signature binds by default, each with `;req`.
 *
 * @example
 * REQUEST_BINDING.map(serializeComponentIdentifier); // ['"@method";req', '"@authority";req', '"@path";req', '"@query";req']
 */
export const REQUEST_BINDING: readonly ComponentIdentifier[] = Object.freeze(
  ['@method', '@authority', '@path', '@query'].map((name) => Object.freeze({ name, params: Object.freeze({ req: true as const }) })),
);

/**
 * The components `signResponses` covers by default. `content-type` and
 * `content-digest` are left out of a response that has no such field (no
 * body: HEAD, 204, 304); the request's `"signature";req;key=…` is added
 * when the request was signed.
 *
 * @example
 * signResponses({ keyId, key, alg, components: [...RESPONSE_COMPONENTS, 'x-request-id'] });
 */
export const RESPONSE_COMPONENTS: readonly ComponentInput[] = Object.freeze(['@status', 'content-type', 'content-digest', ...REQUEST_BINDING]);

/**
 * The default label of a response signature: `reqres`, the label RFC 9421
 * §2.4 gives its request-bound response signature, and not the `sig1` a
 * request usually carries, so the two never read alike in logs.
 *
 * @example
 * res.headers.get('signature-input'); // 'reqres=("@status" …);created=…;keyid="…";alg="…"'
 */
export const DEFAULT_RESPONSE_LABEL = 'reqres';

/**
 * The component that covers the request's signature labelled `label`.
 *
 * @example
 * serializeComponentIdentifier(requestSignatureComponent('sig1')); // '"signature";req;key="sig1"'
 */
export function requestSignatureComponent(label: string): ComponentIdentifier {
  return { name: 'signature', params: { req: true, key: label } };
}
