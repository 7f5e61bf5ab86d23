export type { KeyConfig, KeyInput, KeySource, KeyStore, AsymmetricAlgorithm } from './key-config.ts';
export { loadKeys, parseKeys } from './load-keys.ts';
export { keyLookup, type KeyLookup } from './key-lookup.ts';
export { validateKey } from './validate-key.ts';
