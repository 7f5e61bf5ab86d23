/**
 * The signature base (RFC 9421 §2.5): the string that is signed and
 * verified, one line per covered component and `@signature-params` last.
 *
 *   signature-base = *( signature-base-line LF ) signature-params-line
 *   signature-base-line = component-identifier ":" SP
 *       ( derived-component-value / *field-content )
 *       ; no obs-fold nor obs-text
 *   component-identifier = component-name parameters
 *   component-name = sf-string
 *   derived-component-value = *( VCHAR / SP )
 *   signature-params-line = DQUOTE "@signature-params" DQUOTE
 *        ":" SP inner-list
 *
 * "If covered components reference a component identifier that cannot be
 * resolved to a component value in the message, the implementation MUST
 * produce an error and not create a signature base."
 */
import { SignatureError } from '../errors.ts';
import { checkCoveredComponents, serializeComponentIdentifier, toComponent, type ComponentIdentifier, type ComponentInput } from './component-identifier.ts';
import { componentValue, type ComponentOptions } from './components.ts';
import type { HttpMessage } from './message.ts';
import { serializeSignatureParameters, type SignatureParams } from './signature-params.ts';

/**
 * The signature base of `message` for these covered components and
 * parameters. The signer signs it; the verifier rebuilds it from the
 * parsed Signature-Input and verifies. Throws `SignatureError`:
 * `ERR_SIG_MALFORMED` for a bad or repeated identifier, `ERR_SIG_COMPONENTS`
 * for a component the message does not have.
 *
 * @example
 * signatureBase(req, ['date', '@authority', 'content-type'], { created: 1618884473, keyid: 'test-shared-secret' });
 * // '"date": Tue, 20 Apr 2021 02:07:55 GMT\n"@authority": example.com\n"content-type": application/json\n' +
 * // '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"'
 */
export function signatureBase(
  message: HttpMessage,
  components: readonly ComponentInput[],
  params: SignatureParams,
  options: ComponentOptions = {},
): string {
  return signatureBaseWith(message, components, serializeSignatureParameters(params), options);
}

/**
 * `signatureBase` with the parameters already serialized, as a parsed
 * `SignatureEntry` may carry them (`paramsText`); the text must be the
 * serialization of valid signature parameters.
 *
 * @example
 * signatureBaseWith(req, entry.components, entry.paramsText ?? serializeSignatureParameters(entry.params));
 */
export function signatureBaseWith(
  message: HttpMessage,
  components: readonly ComponentInput[],
  paramsText: string,
  options: ComponentOptions = {},
): string {
  const { covered, prefixes, paramsLine } = layoutOf(components);
  let base = '';
  for (let i = 0; i < covered.length; i++) base += `${prefixes[i]}${componentValue(message, covered[i]!, options)}\n`;
  return `${base}${paramsLine}${paramsText}`;
}

/** What a signature base takes from its covered components alone, whatever the message. */
interface Layout {
  readonly covered: readonly ComponentIdentifier[];
  /** Each line's start: the serialized identifier, ":" and SP. */
  readonly prefixes: readonly string[];
  /** The last line up to the signature parameters: `"@signature-params": (` the identifiers `)`. */
  readonly paramsLine: string;
}

/*
 * Verified requests reuse one frozen array of checked components per client
 * (see parseSignatureFields), so their layout is computed once. Only frozen
 * arrays of strings and checked (frozen) identifiers are remembered: nothing
 * in them can change.
 */
const LAYOUTS = new WeakMap<readonly ComponentInput[], Layout>();

function layoutOf(components: readonly ComponentInput[]): Layout {
  let layout = LAYOUTS.get(components);
  if (layout !== undefined) return layout;
  const covered = components.map(toComponent);
  checkCoveredComponents(covered);
  // Each identifier is serialized once: for its line, and in the inner list of @signature-params (§2.3).
  const identifiers = covered.map(serializeComponentIdentifier);
  layout = {
    covered,
    prefixes: identifiers.map((identifier) => `${identifier}: `),
    paramsLine: `"@signature-params": (${identifiers.join(' ')})`,
  };
  const immutable = Object.isFrozen(components) && components.every((input, i) => typeof input === 'string' || input === covered[i]);
  if (immutable) LAYOUTS.set(components, layout);
  return layout;
}

/**
 * The bytes that are signed: the signature base is US-ASCII (§2.5), one
 * byte per character. Any other character throws `ERR_SIG_COMPONENTS`
 * (`signatureBase` never produces one).
 *
 * @example
 * ALGORITHMS['hmac-sha256'].sign(secret, signatureBaseBytes(base));
 */
export function signatureBaseBytes(base: string): Uint8Array {
  if (NON_ASCII.test(base)) throw new SignatureError('ERR_SIG_COMPONENTS', 'the signature base holds a non-ASCII character');
  return ASCII.encode(base); // for ASCII, UTF-8 is one byte per character
}

const NON_ASCII = /[^\x00-\x7f]/;
const ASCII = new TextEncoder();
