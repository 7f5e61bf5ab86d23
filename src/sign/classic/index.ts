/** The classic "sorted params + secret" sign (WeChat Pay v2 style): the scheme and the pure signer. */
export { classicSign } from './scheme.ts';
export { classicSignature, type ClassicSignatureResult } from './signature.ts';
export type { ClassicSignOptions, ClassicSource } from './options.ts';
export type { ClassicAlgorithm } from './digest.ts';
export type { ClassicParams, ClassicParamValue } from './canonical-string.ts';
