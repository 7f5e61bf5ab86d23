/**
 * Serialising Structured Fields (RFC 9651 §4.1): the canonical form, with
 * single spaces after commas, no optional whitespace anywhere else, and
 * `true` parameters and dictionary values written as bare keys. An empty
 * List or Dictionary serialises to "" (the field is then left out).
 */
import { isKey } from './chars.ts';
import { serializeBareItem } from './serialize-bare-item.ts';
import {
  StructuredFieldError,
  isInnerList,
  type Dictionary,
  type FieldType,
  type FieldValue,
  type InnerList,
  type Item,
  type List,
  type Member,
  type Parameters,
} from './types.ts';

export { serializeBareItem } from './serialize-bare-item.ts';

/**
 * Serialises a List.
 *
 * @example
 * serializeList([item(new Token('gzip')), item(new Token('br'))]); // 'gzip, br'
 */
export function serializeList(list: List): string {
  return list.map(serializeMember).join(', ');
}

/**
 * Serialises a Dictionary.
 *
 * @example
 * serializeDictionary(new Map([['a', item(1)], ['b', item(true)]])); // 'a=1, b'
 */
export function serializeDictionary(dictionary: Dictionary): string {
  const members: string[] = [];
  for (const [key, member] of dictionary) {
    const bareTrue = !isInnerList(member) && member.value === true;
    members.push(bareTrue ? serializeKey(key) + serializeParameters(member.params) : `${serializeKey(key)}=${serializeMember(member)}`);
  }
  return members.join(', ');
}

/**
 * Serialises an Item: its bare value, then its parameters.
 *
 * @example
 * serializeItem({ value: 'foo', params: new Map([['a', 1]]) }); // '"foo";a=1'
 */
export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParameters(item.params);
}

/**
 * Serialises an Inner List: `(` items separated by one space `)`, then its parameters.
 *
 * @example
 * serializeInnerList({ items: [item('@method')], params: new Map([['created', 1]]) }); // '("@method");created=1'
 */
export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(' ')})${serializeParameters(list.params)}`;
}

/**
 * Serialises a List or Dictionary member: an Item or an Inner List.
 *
 * @example
 * serializeMember(parseDictionary('c=(a   b)').get('c')!); // '(a b)'
 */
export function serializeMember(member: Member): string {
  return isInnerList(member) ? serializeInnerList(member) : serializeItem(member);
}

/**
 * Serialises Parameters: `;key=value` each, `;key` alone for `true`.
 *
 * @example
 * serializeParameters(new Map([['q', new Decimal(0.5)], ['x', true]])); // ';q=0.5;x'
 */
export function serializeParameters(params: Parameters): string {
  let out = '';
  for (const [key, value] of params) {
    out += `;${serializeKey(key)}`;
    if (value !== true) out += `=${serializeBareItem(value)}`;
  }
  return out;
}

/**
 * Serialises a field of a known type.
 *
 * @example
 * serializeField('dictionary', parseDictionary('a=1,b=2')); // 'a=1, b=2'
 */
export function serializeField(type: FieldType, value: FieldValue): string {
  if (type === 'item') {
    if (!('value' in value)) throw new StructuredFieldError('an item field needs an Item');
    return serializeItem(value);
  }
  if (type === 'list') {
    if (!Array.isArray(value)) throw new StructuredFieldError('a list field needs a List');
    return serializeList(value);
  }
  if (!(value instanceof Map)) throw new StructuredFieldError('a dictionary field needs a Dictionary');
  return serializeDictionary(value);
}

/* key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) */
function serializeKey(key: string): string {
  if (!isKey(key)) throw new StructuredFieldError(`${JSON.stringify(key)} is not a valid key`);
  return key;
}
