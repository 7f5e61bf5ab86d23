/** Structured Field Values for HTTP (RFC 9651 / RFC 8941): parse and serialise. Browser-safe. */
export {
  Decimal,
  DisplayString,
  SfDate,
  StructuredFieldError,
  Token,
  isInnerList,
  item,
  type BareItem,
  type Dictionary,
  type FieldType,
  type FieldValue,
  type InnerList,
  type Item,
  type List,
  type Member,
  type Parameters,
} from './types.ts';
export { parseDictionary, parseField, parseItem, parseList, parseSoleByteSequence, parseTrailingParameters } from './parse.ts';
export {
  serializeBareItem,
  serializeDictionary,
  serializeField,
  serializeInnerList,
  serializeItem,
  serializeList,
  serializeMember,
  serializeParameters,
} from './serialize.ts';
export { decodeBase64, encodeBase64 } from './base64.ts';
