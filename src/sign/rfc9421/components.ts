/**
 * Component values (RFC 9421 §2): what one covered component contributes
 * to the signature base, from the message the signature is over.
 *
 * §2.5, step 2.4 (determine the component value):
 *   - If the component identifier has a parameter that is not understood,
 *     produce an error.
 *   - If the component identifier has several incompatible parameters,
 *     such as `bs` and `sf`, produce an error.
 *   - If the component identifier contains the `req` parameter and the
 *     target message is a request, produce an error.
 *   - If the component identifier contains the `req` parameter and the
 *     target message is a response, the context for the component value is
 *     the related request message of the target response message.
 *   - If the component name starts with an "at" (@) character, derive the
 *     component's value from the message according to the specific rules
 *     defined for the derived component … If the derived component name is
 *     unknown or the value cannot be derived, produce an error.
 *   - If the component name does not start with an "at" (@) character,
 *     canonicalize the HTTP field value as described in Section 2.1 …
 *
 * Errors: `ERR_SIG_MALFORMED` when the identifier is wrong whatever the
 * message (unknown name or parameter, `req` on a request, `@status` on a
 * request); `ERR_SIG_COMPONENTS` when the message lacks what it names, or
 * its value holds what a signature base cannot (a control character,
 * obs-text: non-ASCII bytes).
 */
import { SignatureError } from '../errors.ts';
import type { FieldType } from '../structured-fields/index.ts';
import { toComponent, type ComponentInput } from './component-identifier.ts';
import { DERIVED_COMPONENTS } from './derived-components.ts';
import { fieldValue } from './field-components.ts';
import { isResponse, type HttpMessage } from './message.ts';

/*
 * signature-base-line = component-identifier ":" SP
 *     ( derived-component-value / *field-content )
 *     ; no obs-fold nor obs-text
 * derived-component-value = *( VCHAR / SP )
 */
const BASE_VALUE = /^[\x20-\x7e\t]*$/;

export interface ComponentOptions {
  /** Structured types of fields beyond the known ones, for `sf` (e.g. `{ 'example-dict': 'dictionary' }`). */
  readonly fieldTypes?: Readonly<Record<string, FieldType>>;
}

/**
 * The value one covered component has in `message`.
 *
 * @example
 * componentValue(req, '@authority'); // 'example.com'
 * componentValue(req, { name: '@query-param', params: { name: 'Pet' } }); // 'dog'
 * componentValue(res, { name: '@method', params: { req: true } }); // 'POST', from res.request
 */
export function componentValue(message: HttpMessage, input: ComponentInput, options: ComponentOptions = {}): string {
  const component = toComponent(input);
  const params = component.params ?? {};
  const context = params.req === true ? relatedRequest(message) : message;
  const value = component.name.startsWith('@')
    ? derivedValue(context, component.name, params)
    : fieldValue(context, component.name, params, options.fieldTypes);
  if (!BASE_VALUE.test(value)) {
    throw new SignatureError('ERR_SIG_COMPONENTS', `the value of "${component.name}" holds a control or non-ASCII character (a field can be wrapped with ;bs)`);
  }
  return value;
}

/* §2.4: "The req parameter MUST NOT be used in a signature that targets a request message." */
function relatedRequest(message: HttpMessage): HttpMessage {
  if (!isResponse(message)) throw new SignatureError('ERR_SIG_MALFORMED', 'the "req" parameter applies to responses only');
  if (message.request === undefined) throw new SignatureError('ERR_SIG_COMPONENTS', 'the request of this response is not available');
  return message.request;
}

function derivedValue(message: HttpMessage, name: string, params: { readonly name?: string }): string {
  const derived = DERIVED_COMPONENTS[name]!; // toComponent checked the name
  if (derived.target === 'response') {
    if (!isResponse(message)) throw new SignatureError('ERR_SIG_MALFORMED', `"${name}" applies to responses only`);
    return derived.value(message);
  }
  if (isResponse(message)) throw new SignatureError('ERR_SIG_MALFORMED', `"${name}" applies to requests (use ;req on a response)`);
  return derived.value(message, params);
}
