/**
 * The Signature-Input and Signature fields (RFC 9421 §4.1, §4.2): both
 * Dictionaries keyed by signature label.
 *
 *   Signature-Input: a Dictionary whose member values are Inner Lists of
 *     Strings (the covered components) with parameters (§2.3)
 *     sig1=("@method" "@authority");created=1618884473;keyid="k"
 *   Signature: a Dictionary whose member values are Byte Sequences
 *     sig1=:base64…:
 *
 * Parsing is strict: every label must appear in both fields, every member
 * must have its type, and no unknown parameter is accepted.
 */
import { detached } from '../../detached.ts';
import { SignatureError } from '../errors.ts';
import {
  StructuredFieldError,
  isInnerList,
  parseDictionary,
  parseSoleByteSequence,
  parseTrailingParameters,
  serializeDictionary,
  type Dictionary,
  type InnerList,
  type Member,
  type Parameters,
} from '../structured-fields/index.ts';
import {
  checkCoveredComponents,
  componentFromItem,
  componentItem,
  toComponent,
  type ComponentIdentifier,
  type ComponentInput,
} from './component-identifier.ts';
import { scanSerializedParameters, signatureParamsFromItem, signatureParamsToParameters, type SignatureParams } from './signature-params.ts';

/** One signature of a message: its label, what it covers, its parameters and its bytes. */
export interface SignatureEntry {
  readonly label: string;
  readonly components: readonly ComponentIdentifier[];
  readonly params: SignatureParams;
  readonly signature: Uint8Array;
  /**
   * The parameters as the `@signature-params` line ends with them
   * (`;created=1618884473;keyid="k"`), when the field wrote them exactly so;
   * the signature base then takes this text as it is.
   */
  readonly paramsText?: string;
}

/** What a signer puts in Signature-Input for one signature. */
export interface SignatureInputEntry {
  readonly label: string;
  readonly components: readonly ComponentInput[];
  readonly params: SignatureParams;
}

/**
 * The signatures of a message, in Signature-Input order. Throws
 * `SignatureError`: `ERR_SIG_MISSING` when neither field is there (or both
 * are empty), `ERR_SIG_MALFORMED` for anything else that is wrong.
 *
 * @example
 * const [entry] = parseSignatureFields(req.header('signature-input'), req.header('signature'));
 * signatureBase(req, entry.components, entry.params);
 */
export function parseSignatureFields(signatureInput: string | undefined, signature: string | undefined): SignatureEntry[] {
  if (signatureInput !== undefined && signature !== undefined) {
    const entry = knownShapeEntry(signatureInput, signature);
    if (entry !== undefined) return [entry];
  }
  const entries = parseWhole(signatureInput, signature);
  if (entries.length === 1 && signatureInput !== undefined) rememberShape(signatureInput);
  return entries;
}

function parseWhole(signatureInput: string | undefined, signature: string | undefined): SignatureEntry[] {
  const inputs = parseField('Signature-Input', signatureInput);
  const signatures = parseField('Signature', signature);
  if (inputs.size === 0 && signatures.size === 0) throw new SignatureError('ERR_SIG_MISSING', 'the message is not signed (no Signature-Input and Signature)');
  for (const label of signatures.keys()) {
    if (!inputs.has(label)) throw malformed(`signature "${label}" has no Signature-Input`);
  }
  const entries: SignatureEntry[] = [];
  for (const [label, member] of inputs) {
    const bytes = signatures.get(label);
    if (bytes === undefined) throw malformed(`Signature-Input "${label}" has no Signature`);
    // §4.1: "Each member's value MUST be an Inner List of component identifiers with the signature parameters."
    if (!isInnerList(member)) throw malformed(`Signature-Input "${label}" is not an inner list`);
    const components = member.items.map(componentFromItem);
    checkCoveredComponents(components);
    entries.push({ label, components, params: signatureParamsFromItem(member.params), signature: signatureBytes(label, bytes) });
  }
  return entries;
}

/*
 * A client signs every request the same way, so its Signature-Input values
 * differ only in their parameters (created, nonce): the text up to the first
 * ")", the label and the covered components, is the same each time. That
 * text is remembered with what it parses to, and a value that starts with a
 * remembered one has only its parameters parsed. The cache is bounded (emptied
 * when full) and holds copies, not slices of a request's text.
 *
 * Why this parses exactly as the whole value would: a remembered head parses
 * alone as a dictionary of one member, an inner list, so its ")" closes that
 * inner list (a ")" inside a string would leave the string unterminated). The
 * rest must then be the inner list's parameters and nothing else, and the
 * Signature field one byte sequence under the same label; anything else takes
 * the whole parse, which also gives every error its usual message.
 */
interface Shape {
  readonly label: string;
  readonly components: readonly ComponentIdentifier[];
}

const SHAPES = new Map<string, Shape>();
const MAX_SHAPES = 256;

function knownShapeEntry(signatureInput: string, signature: string): SignatureEntry | undefined {
  const close = signatureInput.indexOf(')');
  const shape = close < 0 ? undefined : SHAPES.get(signatureInput.slice(0, close + 1));
  if (shape === undefined) return undefined;
  const bytes = soleByteSequence(signature, shape.label);
  if (bytes === undefined) return undefined;
  const { label, components } = shape;
  const serialized = scanSerializedParameters(signatureInput, close + 1);
  if (serialized !== undefined) return { label, components, params: serialized, signature: bytes, paramsText: signatureInput.slice(close + 1) };
  const params = parseTrailingParametersOf(signatureInput, close + 1);
  return params === undefined ? undefined : { label, components, params: signatureParamsFromItem(params), signature: bytes };
}

function parseTrailingParametersOf(signatureInput: string, start: number): Parameters | undefined {
  try {
    return parseTrailingParameters(signatureInput, start);
  } catch (error) {
    if (error instanceof StructuredFieldError) return undefined; // the whole parse reports it
    throw error;
  }
}

/** The bytes of a Signature field that is exactly `label=:base64:` with non-empty bytes, else undefined. */
function soleByteSequence(field: string, label: string): Uint8Array | undefined {
  const member = parseSoleByteSequence(field);
  return member !== undefined && member[0] === label && member[1].length > 0 ? member[1] : undefined;
}

/** Remembers the head of a Signature-Input value that held one signature, when it parses alone. */
function rememberShape(signatureInput: string): void {
  const close = signatureInput.indexOf(')');
  if (close < 0) return;
  const text = signatureInput.slice(0, close + 1);
  if (SHAPES.has(text)) return;
  const head = detached(text); // kept across requests
  let members: Dictionary;
  try {
    members = parseDictionary(head);
  } catch {
    return; // e.g. the first ")" is inside a string
  }
  const [member, ...others] = members;
  if (member === undefined || others.length > 0 || !isInnerList(member[1]) || member[1].params.size > 0) return;
  const components = Object.freeze(member[1].items.map(componentFromItem));
  checkCoveredComponents(components);
  if (SHAPES.size >= MAX_SHAPES) SHAPES.clear();
  SHAPES.set(head, { label: member[0], components });
}

/**
 * The Signature-Input field value for these signatures.
 *
 * @example
 * serializeSignatureInput([{ label: 'sig1', components: ['@method', '@authority'], params: { created: 1618884473, keyid: 'k' } }]);
 * // 'sig1=("@method" "@authority");created=1618884473;keyid="k"'
 */
export function serializeSignatureInput(entries: readonly SignatureInputEntry[]): string {
  const members = new Map<string, InnerList>();
  for (const { label, components, params } of entries) {
    const covered = components.map(toComponent);
    checkCoveredComponents(covered);
    addMember(members, label, { items: covered.map(componentItem), params: signatureParamsToParameters(params) });
  }
  return serializeLabels(members);
}

/**
 * The Signature field value for these signatures.
 *
 * @example
 * serializeSignature([{ label: 'sig1', signature: bytes }]); // 'sig1=:…:'
 */
export function serializeSignature(entries: ReadonlyArray<Pick<SignatureEntry, 'label' | 'signature'>>): string {
  const members = new Map<string, Member>();
  for (const { label, signature } of entries) {
    if (!(signature instanceof Uint8Array) || signature.length === 0) throw malformed(`signature "${label}" must be non-empty bytes`);
    addMember(members, label, { value: signature, params: new Map() });
  }
  return serializeLabels(members);
}

function parseField(name: string, value: string | undefined): Dictionary {
  if (value === undefined) return new Map();
  try {
    return parseDictionary(value);
  } catch (error) {
    if (!(error instanceof StructuredFieldError)) throw error;
    throw new SignatureError('ERR_SIG_MALFORMED', `${name} is not a structured field dictionary: ${error.message}`, { cause: error });
  }
}

/* §4.2: "The member values MUST be Byte Sequences." */
function signatureBytes(label: string, member: Member): Uint8Array {
  if (isInnerList(member) || !(member.value instanceof Uint8Array)) throw malformed(`Signature "${label}" is not a byte sequence`);
  if (member.params.size > 0) throw malformed(`Signature "${label}" has parameters`);
  if (member.value.length === 0) throw malformed(`Signature "${label}" is empty`);
  return member.value;
}

function addMember<T extends Member>(members: Map<string, T>, label: string, member: T): void {
  if (members.has(label)) throw malformed(`the label "${label}" is used twice`);
  members.set(label, member);
}

function serializeLabels(members: Dictionary): string {
  try {
    return serializeDictionary(members);
  } catch (error) {
    if (!(error instanceof StructuredFieldError)) throw error;
    throw malformed(`a signature label must be a structured field key: ${error.message}`);
  }
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
