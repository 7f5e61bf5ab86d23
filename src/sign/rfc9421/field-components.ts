/**
 * HTTP field components (RFC 9421 §2.1): a field's value, canonicalised,
 * or re-serialised as a Structured Field (`sf`), one Dictionary member
 * (`key`), or each field line wrapped as a Byte Sequence (`bs`).
 *
 * §2.1, for the plain value:
 *   1. Create an ordered list of the field values of each instance of the
 *      field in the message, in the order they occur (or will occur) in the
 *      message.
 *   2. Strip leading and trailing whitespace from each item in the list.
 *   3. Remove any obsolete line folding within the line, and replace it
 *      with a single space (" ").
 *   4. Concatenate the list of values together with a single comma (",")
 *      and a single space (" ") between each item.
 */
import { SignatureError } from '../errors.ts';
import {
  StructuredFieldError,
  item,
  parseDictionary,
  parseField,
  serializeField,
  serializeList,
  serializeMember,
  type Dictionary,
  type FieldType,
} from '../structured-fields/index.ts';
import type { ComponentParams } from './component-identifier.ts';
import { structuredFieldType } from './field-types.ts';
import type { MessageFields } from './message.ts';

/** obs-fold = OWS CRLF RWS (RFC 9112 §5.2) */
const OBS_FOLD = /[ \t]*\r?\n[ \t]+/g;
const EDGE_WHITESPACE = /^[ \t]+|[ \t]+$/g;
const UTF8 = new TextEncoder();

/**
 * The component value of the field `name` of `message`, per its parameters.
 * Throws `ERR_SIG_COMPONENTS` when the field is absent or its value cannot
 * be read as the parameters ask.
 *
 * @example
 * fieldValue(req, 'cache-control', {}); // 'max-age=60, must-revalidate'
 * fieldValue(req, 'example-dict', { key: 'b' }); // '2;x=1;y=2'
 */
export function fieldValue(
  message: MessageFields,
  name: string,
  params: ComponentParams,
  fieldTypes: Readonly<Record<string, FieldType>> = {},
): string {
  if (params.tr === true) throw unresolvable(`"${name}";tr: trailer fields are not available to signatures here`);
  const lines = fieldLines(message, name);
  if (lines === undefined) throw unresolvable(`the message has no "${name}" field`);
  if (params.bs === true) return serializeList(lines.map((line) => item(fieldBytes(line))));
  const combined = lines.join(', ');
  if (params.key !== undefined) return dictionaryMember(name, combined, params.key, structuredFieldType(name, fieldTypes));
  if (params.sf === true) return reserialize(name, combined, structuredFieldType(name, fieldTypes));
  return combined;
}

/** Each field line's value, stripped of surrounding whitespace and unfolded; undefined when absent. */
function fieldLines(message: MessageFields, name: string): string[] | undefined {
  const lines = message.headerLines?.(name) ?? fromCombined(message.header(name));
  if (lines === undefined || lines.length === 0) return undefined;
  return lines.map(canonicalLine);
}

/* Steps 2 and 3. A line read by the server's parser is already trimmed and has no line break: it is kept as is, without the regexes. */
function canonicalLine(line: string): string {
  if (!hasEdgeWhitespace(line) && !line.includes('\n')) return line;
  return line.replace(OBS_FOLD, ' ').replace(EDGE_WHITESPACE, '');
}

function hasEdgeWhitespace(line: string): boolean {
  const first = line.charCodeAt(0);
  const last = line.charCodeAt(line.length - 1);
  return first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09;
}

function fromCombined(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : [value];
}

/* §2.1.2: "serialized as an Item or Inner List (the two possible values of a Dictionary member)" */
function dictionaryMember(name: string, value: string, key: string, type: FieldType | undefined): string {
  if (type !== undefined && type !== 'dictionary') throw unresolvable(`"${name}";key: the field is not a dictionary`);
  const member = parsedDictionary(name, value).get(key);
  if (member === undefined) throw unresolvable(`"${name}" has no member "${key}"`);
  return serializeMember(member);
}

/*
 * The last field value parsed as a Dictionary. A signature may cover many `;key=` members of one long field,
 * resolved one after another: parsing it once, not once per member, keeps such a request linear. One entry:
 * it is a pure function of the text, whichever request asks.
 */
let lastDictionary: { readonly text: string; readonly members: Dictionary } | undefined;

function parsedDictionary(name: string, value: string): Dictionary {
  if (lastDictionary?.text !== value) lastDictionary = { text: value, members: asStructured(name, () => parseDictionary(value)) };
  return lastDictionary.members;
}

/* §2.1.1: "the HTTP field value MUST be serialized using the rules specified in Section 4 of [STRUCTURED-FIELDS]" */
function reserialize(name: string, value: string, type: FieldType | undefined): string {
  if (type === undefined) throw unresolvable(`"${name}";sf: the structured type of this field is not known`);
  return serializeField(type, asStructured(name, () => parseField(type, value)));
}

function asStructured<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof StructuredFieldError)) throw error;
    throw new SignatureError('ERR_SIG_COMPONENTS', `"${name}" is not a valid structured field: ${error.message}`, { cause: error });
  }
}

/* §2.1.3: "Encode the bytes of the resulting field value's ASCII representation as a Byte Sequence." */
function fieldBytes(value: string): Uint8Array {
  for (let i = 0; i < value.length; i += 1) {
    if (value.charCodeAt(i) > 0xff) return UTF8.encode(value); // not from the wire; the client's UTF-8
  }
  return Uint8Array.from(value, (char) => char.charCodeAt(0));
}

function unresolvable(message: string): SignatureError {
  return new SignatureError('ERR_SIG_COMPONENTS', message);
}
