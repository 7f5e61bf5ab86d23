/**
 * signwire: signed HTTP APIs on Node.js.
 *
 * This entry point exports the public API; `signwire/client` exports the
 * request signer for browsers and other clients.
 */
export * from './wire/index.ts';
export * from './app/index.ts';
export * from './sign/index.ts';
export * from './cluster/index.ts';
export { SignwireError, type ErrorCode, type WireErrorCode, type AppErrorCode, type SignatureErrorCode, type CommonErrorCode } from './errors.ts';
