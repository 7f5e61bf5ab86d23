/**
 * Structured Field values (RFC 9651, which obsoletes RFC 8941) as
 * JavaScript values. Every type the grammar tells apart stays apart here,
 * so that parsing and serialising again gives back the exact field:
 *
 * | RFC 9651      | here                         |
 * |---------------|------------------------------|
 * | Integer       | `number` (an integer)        |
 * | Decimal       | `Decimal`                    |
 * | String        | `string`                     |
 * | Token         | `Token`                      |
 * | Byte Sequence | `Uint8Array`                 |
 * | Boolean       | `boolean`                    |
 * | Date          | `SfDate`                     |
 * | Display String| `DisplayString`              |
 *
 * Parameters and Dictionaries are `Map`s: ordered, and a repeated key keeps
 * its first place and takes its last value, as §4.2 asks.
 *
 * Browser-safe: no Node built-ins in this folder.
 */

/**
 * A Token (§3.3.4): an unquoted word such as `text/html` or `gzip`.
 *
 * @example
 * serializeItem({ value: new Token('text/html'), params: new Map() }); // 'text/html'
 */
export class Token {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/**
 * A Decimal (§3.3.2): at most 12 integer and 3 fractional digits. A plain
 * `number` is always an Integer; wrap it to say "decimal" (`1.0` stays `1.0`).
 *
 * @example
 * serializeItem({ value: new Decimal(1), params: new Map() }); // '1.0'
 */
export class Decimal {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/**
 * A Date (§3.3.7): whole seconds since the Unix epoch, serialised `@1659578233`.
 *
 * @example
 * serializeItem({ value: new SfDate(0), params: new Map() }); // '@0'
 */
export class SfDate {
  constructor(readonly seconds: number) {}
}

/**
 * A Display String (§3.3.8): Unicode text, serialised `%"f%c3%bc%c3%bc"`.
 *
 * @example
 * serializeItem({ value: new DisplayString('füü'), params: new Map() }); // '%"f%c3%bc%c3%bc"'
 */
export class DisplayString {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** sf-integer / sf-decimal / sf-string / sf-token / sf-binary / sf-boolean / sf-date / sf-displaystring */
export type BareItem = number | Decimal | string | Token | Uint8Array | boolean | SfDate | DisplayString;

/** parameters = *( ";" *SP parameter ) — ordered, keys unique. */
export type Parameters = ReadonlyMap<string, BareItem>;

/** sf-item = bare-item parameters */
export interface Item {
  readonly value: BareItem;
  readonly params: Parameters;
}

/** inner-list = "(" *SP [ sf-item *( 1*SP sf-item ) *SP ] ")" parameters */
export interface InnerList {
  readonly items: readonly Item[];
  readonly params: Parameters;
}

/** A member of a List or a Dictionary: an Item or an Inner List. */
export type Member = Item | InnerList;

/** sf-list = list-member *( OWS "," OWS list-member ) */
export type List = readonly Member[];

/** sf-dictionary = dict-member *( OWS "," OWS dict-member ) — ordered, keys unique. */
export type Dictionary = ReadonlyMap<string, Member>;

/** The three top-level types a field can be defined as. */
export type FieldType = 'item' | 'list' | 'dictionary';

/** A Structured Field value of any of the three top-level types. */
export type FieldValue = Item | List | Dictionary;

/**
 * Whether a List or Dictionary member is an Inner List.
 *
 * @example
 * isInnerList(parseList('(a b), c')[0]!); // true
 */
export function isInnerList(member: Member): member is InnerList {
  return 'items' in member;
}

/**
 * An Item with no parameters.
 *
 * @example
 * serializeItem(item(new Token('gzip'))); // 'gzip'
 */
export function item(value: BareItem, params: Parameters = new Map()): Item {
  return { value, params };
}

/**
 * Thrown when a field value does not parse, or a value cannot be serialised.
 * `offset` is the character position where parsing stopped.
 */
export class StructuredFieldError extends Error {
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} at offset ${offset}`);
    this.name = 'StructuredFieldError';
    this.offset = offset;
  }
}
