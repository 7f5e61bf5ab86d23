/**
 * What a response signature must cover for `verifyResponse` to accept it:
 * `"@status"` and the request it answers (`"@method";req "@authority";req
 * "@path";req "@query";req`) unless `require` says otherwise; whatever
 * `require` says, `"content-digest"` when the response has a body, and
 * `"signature";req;key=<label>` when the request was signed, for one of
 * the labels of its Signature field (RFC 9421 §2.4).
 *
 * A required component is covered by a component of the same name, `req`,
 * `key` and `name` parameters; `sf` and `bs` only change how the same
 * value is serialised, so they count.
 */
import { SignwireError } from '../errors.ts';
import { SignatureError } from '../sign/errors.ts';
import { requestSignatureComponent, REQUEST_BINDING } from '../sign/responses/components.ts';
import { serializeComponentIdentifier, toComponent, type ComponentIdentifier, type ComponentInput } from '../sign/rfc9421/component-identifier.ts';
import type { SignatureEntry } from '../sign/rfc9421/signature-fields.ts';
import { parseDictionary } from '../sign/structured-fields/index.ts';

/**
 * The components `verifyResponse` requires by default, before the body's and the request signature's.
 *
 * @example
 * verifyResponse(res, { request, key, alg, require: [...RESPONSE_REQUIRED, 'content-type'] });
 */
export const RESPONSE_REQUIRED: readonly ComponentInput[] = Object.freeze(['@status', ...REQUEST_BINDING]);

/**
 * The `require` option, checked (`ERR_INVALID_OPTION`).
 *
 * @example
 * requiredComponents(['@status', { name: '@path', params: { req: true } }]);
 */
export function requiredComponents(require: readonly ComponentInput[] = RESPONSE_REQUIRED): readonly ComponentIdentifier[] {
  if (!Array.isArray(require)) throw new SignwireError('ERR_INVALID_OPTION', 'verifyResponse "require" must be a list of components');
  try {
    return require.map(toComponent);
  } catch (error) {
    throw new SignwireError('ERR_INVALID_OPTION', `verifyResponse "require": ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Throws `ERR_SIG_COMPONENTS` unless `entry` covers every required
 * component, `content-digest` when `hasBody`, and the request's signature
 * when `requestSignature` (the request's Signature field) is given.
 *
 * @example
 * checkCovered(entry, requiredComponents(), body.length > 0, requestFields.get('signature'));
 */
export function checkCovered(entry: SignatureEntry, required: readonly ComponentIdentifier[], hasBody: boolean, requestSignature: string | undefined): void {
  const missing = required.filter((r) => !covered(entry, r));
  if (hasBody && !covered(entry, { name: 'content-digest' })) missing.push({ name: 'content-digest' });
  const labels = signatureLabels(requestSignature);
  if (labels.length > 0 && !labels.some((label) => covered(entry, requestSignatureComponent(label)))) missing.push(requestSignatureComponent(labels[0]!));
  if (missing.length > 0) {
    throw new SignatureError('ERR_SIG_COMPONENTS', `the response signature must cover ${missing.map(serializeComponentIdentifier).join(' ')}`);
  }
}

function covered(entry: SignatureEntry, required: ComponentIdentifier): boolean {
  const want = required.params ?? {};
  return entry.components.some((c) => {
    const has = c.params ?? {};
    return c.name === required.name && has.req === want.req && has.key === want.key && has.name === want.name;
  });
}

/** The labels of the request's Signature field; none when it has none (or is not a Dictionary). */
function signatureLabels(field: string | undefined): string[] {
  if (field === undefined) return [];
  try {
    return [...parseDictionary(field).keys()];
  } catch {
    return [];
  }
}
