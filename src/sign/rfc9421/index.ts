/**
 * RFC 9421 building blocks: pure functions of messages and values. Only
 * `algorithms.ts` uses node:crypto; everything else is browser-safe.
 */
export { signatureBase, signatureBaseBytes } from './signature-base.ts';
export {
  parseSignatureFields,
  serializeSignature,
  serializeSignatureInput,
  type SignatureEntry,
  type SignatureInputEntry,
} from './signature-fields.ts';
export { serializeSignatureParams, type SignatureParams } from './signature-params.ts';
export { componentValue, type ComponentOptions } from './components.ts';
export {
  serializeComponentIdentifier,
  toComponent,
  type ComponentIdentifier,
  type ComponentInput,
  type ComponentParams,
} from './component-identifier.ts';
export { DERIVED_COMPONENTS, normalizeAuthority, targetUri } from './derived-components.ts';
export { parseQuery, percentEncode, queryParamValue } from './query-param.ts';
export { STRUCTURED_FIELD_TYPES } from './field-types.ts';
export { isResponse, type HttpMessage, type MessageFields, type RequestMessage, type ResponseMessage } from './message.ts';
export { ALGORITHMS, findAlgorithm, type AlgorithmKey, type AlgorithmName, type SignatureAlgorithm } from './algorithms.ts';
