/**
 * Parsing Structured Fields (RFC 9651 §4.2): a field value, already
 * combined from its field lines with ", ", into a List, a Dictionary or an
 * Item. Anything that does not match the grammar throws
 * `StructuredFieldError`; nothing is repaired.
 */
import { decodeBase64 } from './base64.ts';
import { isKeyCode, isLcAlphaCode } from './chars.ts';
import { Cursor } from './cursor.ts';
import { parseBareItem } from './parse-bare-item.ts';
import { StructuredFieldError, type BareItem, type Dictionary, type FieldType, type FieldValue, type InnerList, type Item, type List, type Member, type Parameters } from './types.ts';

const STAR = 0x2a;
const EQUALS = 0x3d;
const COLON = 0x3a;

/**
 * Parses a List field.
 *
 * @example
 * parseList('text/html, text/plain;q=0.5'); // [Item(Token), Item(Token, {q: Decimal})]
 */
export function parseList(input: string): List {
  return parseTopLevel(input, parseListMembers);
}

/**
 * Parses a Dictionary field.
 *
 * @example
 * parseDictionary('sig1=:aGVsbG8=:, sig2=:d29ybGQ=:').get('sig1'); // { value: Uint8Array, params: Map {} }
 */
export function parseDictionary(input: string): Dictionary {
  return parseTopLevel(input, parseDictionaryMembers);
}

/**
 * Parses an Item field.
 *
 * @example
 * parseItem('"foo";a=1'); // { value: 'foo', params: Map { 'a' => 1 } }
 */
export function parseItem(input: string): Item {
  return parseTopLevel(input, parseItemAt);
}

/**
 * Parses a field whose type is known by name.
 *
 * @example
 * parseField('dictionary', 'a=1, b=2');
 */
export function parseField(type: FieldType, input: string): FieldValue {
  if (type === 'list') return parseList(input);
  if (type === 'dictionary') return parseDictionary(input);
  return parseItem(input);
}

/**
 * Parses the Parameters that start at `start` in `input`, then the SP that
 * may end a field; undefined when anything else follows. For a caller that
 * has already seen the text before `start`: the member they belong to.
 * Only ASCII can be part of Parameters, so this needs no ASCII pass.
 *
 * @example
 * parseTrailingParameters('("@method");created=1;keyid="k"', 11); // Map { 'created' => 1, 'keyid' => 'k' }
 */
export function parseTrailingParameters(input: string, start: number): Parameters | undefined {
  const cur = new Cursor(input);
  cur.pos = start;
  const params = parseParameters(cur);
  cur.skipSP();
  return cur.done ? params : undefined;
}

/**
 * The one member of a Dictionary field written exactly `key=:base64:` (a Byte
 * Sequence, no parameters, no space anywhere), as [key, bytes]; undefined for
 * any other field, which `parseDictionary` then parses (for this one it gives
 * the same member). A shortcut for fields that almost always have this shape,
 * such as Signature, without the Map and member objects.
 *
 * @example
 * parseSoleByteSequence('sha-256=:AQ==:'); // ['sha-256', Uint8Array [1]]
 * parseSoleByteSequence('a=:AQ==:, b=:Ag==:'); // undefined: parse the whole dictionary
 */
export function parseSoleByteSequence(input: string): [string, Uint8Array] | undefined {
  const first = input.charCodeAt(0);
  if (!isLcAlphaCode(first) && first !== STAR) return undefined;
  let keyEnd = 1;
  while (isKeyCode(input.charCodeAt(keyEnd))) keyEnd += 1;
  if (input.charCodeAt(keyEnd) !== EQUALS || input.charCodeAt(keyEnd + 1) !== COLON) return undefined;
  if (input.length < keyEnd + 3 || input.charCodeAt(input.length - 1) !== COLON) return undefined;
  const bytes = decodeBase64(input.slice(keyEnd + 2, -1)); // undefined for a ":" or "," inside: more than one member
  return bytes === undefined ? undefined : [input.slice(0, keyEnd), bytes];
}

/*
 * §4.2: convert to ASCII (fail if not), discard leading SP, parse, discard
 * leading SP, and fail if anything is left.
 */
function parseTopLevel<T>(input: string, parse: (cur: Cursor) => T): T {
  const cur = new Cursor(input);
  for (let i = 0; i < input.length; i += 1) {
    if (input.charCodeAt(i) > 0x7f) throw new StructuredFieldError('a structured field is ASCII', i);
  }
  cur.skipSP();
  const value = parse(cur);
  cur.skipSP();
  if (!cur.done) throw cur.fail(`unexpected ${JSON.stringify(cur.peek())}`);
  return value;
}

/* sf-list = list-member *( OWS "," OWS list-member ) */
function parseListMembers(cur: Cursor): List {
  const members: Member[] = [];
  while (!cur.done) {
    members.push(parseMember(cur));
    if (!parseSeparator(cur)) break;
  }
  return members;
}

/*
 * sf-dictionary = dict-member *( OWS "," OWS dict-member )
 * dict-member   = member-key ( parameters / ( "=" member-value ) )
 */
function parseDictionaryMembers(cur: Cursor): Dictionary {
  const members = new Map<string, Member>();
  while (!cur.done) {
    const key = parseKey(cur);
    const member = cur.accept('=') ? parseMember(cur) : { value: true, params: parseParameters(cur) };
    members.set(key, member);
    if (!parseSeparator(cur)) break;
  }
  return members;
}

/** OWS "," OWS between members; false at the end; fails on a trailing comma. */
function parseSeparator(cur: Cursor): boolean {
  cur.skipOWS();
  if (cur.done) return false;
  cur.expect(',', '"," between members');
  cur.skipOWS();
  if (cur.done) throw cur.fail('a member must follow ","');
  return true;
}

/* list-member = sf-item / inner-list */
function parseMember(cur: Cursor): Member {
  return cur.peek() === '(' ? parseInnerList(cur) : parseItemAt(cur);
}

/* inner-list = "(" *SP [ sf-item *( 1*SP sf-item ) *SP ] ")" parameters */
function parseInnerList(cur: Cursor): InnerList {
  cur.expect('(', 'an inner list');
  const items: Item[] = [];
  while (!cur.done) {
    cur.skipSP();
    if (cur.accept(')')) return { items, params: parseParameters(cur) };
    items.push(parseItemAt(cur));
    const next = cur.peek();
    if (next !== ' ' && next !== ')') throw cur.fail('items of an inner list are separated by spaces');
  }
  throw cur.fail('unterminated inner list');
}

/* sf-item = bare-item parameters */
function parseItemAt(cur: Cursor): Item {
  const value = parseBareItem(cur);
  return { value, params: parseParameters(cur) };
}

/*
 * parameters    = *( ";" *SP parameter )
 * parameter     = param-key [ "=" param-value ]
 */
function parseParameters(cur: Cursor): Parameters {
  const params = new Map<string, BareItem>();
  while (cur.accept(';')) {
    cur.skipSP();
    const key = parseKey(cur);
    params.set(key, cur.accept('=') ? parseBareItem(cur) : true);
  }
  return params;
}

/* key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) */
function parseKey(cur: Cursor): string {
  const start = cur.pos;
  const first = cur.code();
  if (!isLcAlphaCode(first) && first !== STAR) throw cur.fail('expected a key (lowercase letter or "*")');
  cur.pos += 1;
  while (isKeyCode(cur.code())) cur.pos += 1;
  return cur.since(start);
}
