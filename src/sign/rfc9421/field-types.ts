/**
 * The Structured Field type of fields known to be structured, which the
 * `sf` parameter needs (RFC 9421 §2.1.1: "the type of structured field is
 * not known to the implementation" is an error). Taken from the "Structured
 * Type" column of the IANA HTTP Field Name registry; callers add their own
 * with the `fieldTypes` option.
 */
import type { FieldType } from '../structured-fields/index.ts';

/**
 * Lowercase field name → its Structured Field type.
 *
 * @example
 * STRUCTURED_FIELD_TYPES['signature-input']; // 'dictionary'
 */
export const STRUCTURED_FIELD_TYPES: Readonly<Record<string, FieldType>> = Object.freeze({
  'accept-ch': 'list',
  'accept-signature': 'dictionary',
  'cache-status': 'list',
  'cdn-cache-control': 'dictionary',
  'client-cert': 'item',
  'client-cert-chain': 'list',
  'content-digest': 'dictionary',
  'cross-origin-embedder-policy': 'item',
  'cross-origin-embedder-policy-report-only': 'item',
  'cross-origin-opener-policy': 'item',
  'cross-origin-opener-policy-report-only': 'item',
  'origin-agent-cluster': 'item',
  priority: 'dictionary',
  'proxy-status': 'list',
  'repr-digest': 'dictionary',
  signature: 'dictionary',
  'signature-input': 'dictionary',
  'want-content-digest': 'dictionary',
  'want-repr-digest': 'dictionary',
});

/**
 * The Structured Field type of a field, from `extra` first, then the table.
 *
 * @example
 * structuredFieldType('content-digest'); // 'dictionary'
 * structuredFieldType('example-dict', { 'example-dict': 'dictionary' }); // 'dictionary'
 */
export function structuredFieldType(name: string, extra: Readonly<Record<string, FieldType>> = {}): FieldType | undefined {
  if (Object.hasOwn(extra, name)) return extra[name];
  return Object.hasOwn(STRUCTURED_FIELD_TYPES, name) ? STRUCTURED_FIELD_TYPES[name] : undefined;
}
