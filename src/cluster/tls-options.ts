/**
 * HTTPS for a cluster: the `tls` option of `serveCluster()` (and of
 * `signwire serve --tls-key --tls-cert`). The primary checks it before it
 * forks anything: its shape (an `ERR_INVALID_OPTION`), then whether Node
 * accepts the key and certificate (a one-line reason, and the cluster does
 * not start: Node itself takes an empty key and fails every handshake).
 *
 * Each worker gets the options from the primary over the cluster's IPC
 * channel, when it asks (see messages.ts), never through its environment: a
 * private key has no place where every child process inherits it. IPC
 * carries JSON, where a Buffer would arrive as an object, so every Buffer is
 * sent as `{ base64 }` and turned back into a Buffer in the worker. Only
 * data can cross to another process: options that are functions or objects
 * of the primary (`SNICallback`, `secureContext`) are refused.
 */
import tls from 'node:tls';
import { SignwireError } from '../errors.ts';
import { missingTlsMaterial } from '../wire/server.ts';

/** The `tls` options a cluster passes on to its workers; `key` and `cert` (PEM) are required. */
export type ClusterTlsOptions = Pick<tls.TlsOptions, Exclude<(typeof TLS_KEYS)[number], 'key' | 'cert'>> & {
  readonly key: NonNullable<tls.TlsOptions['key']>;
  readonly cert: NonNullable<tls.TlsOptions['cert']>;
};

/** The options `ClusterTlsOptions` takes: the data-only ones of `tls.createServer()`. */
const TLS_KEYS = [
  'key', 'cert', 'passphrase', 'ca', 'crl', 'ciphers', 'sigalgs', 'ecdhCurve', 'dhparam',
  'minVersion', 'maxVersion', 'honorCipherOrder', 'requestCert', 'rejectUnauthorized', 'sessionTimeout',
] as const;

/** `ClusterTlsOptions` as they cross the IPC channel: JSON, with each Buffer as `{ base64 }`. */
export type EncodedTls = { readonly [name: string]: unknown };

/** What a refusal calls the key, the certificate and the two together: option names, or the CLI's flags and files. */
export interface TlsNames {
  readonly key: string;
  readonly cert: string;
  readonly both: string;
}

const OPTION_NAMES: TlsNames = { key: 'tls.key', cert: 'tls.cert', both: 'tls' };

/**
 * The `tls` option, checked for shape; throws `ERR_INVALID_OPTION` unless it
 * is an object with a `key` and a `cert` and only the options of
 * `ClusterTlsOptions`. Whether Node accepts them is `tlsRefusal()`'s question.
 *
 * @example
 * checkTlsOptions({ key: readFileSync('key.pem'), cert: readFileSync('cert.pem') }); // returns them
 * checkTlsOptions({ cert });                                                          // throws
 */
export function checkTlsOptions(value: unknown): ClusterTlsOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('tls must be an object with key and cert (PEM)');
  const unknown = Object.keys(value).find((name) => !(TLS_KEYS as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw invalid(`tls.${unknown} cannot be sent to the workers: a cluster's tls takes ${TLS_KEYS.join(', ')}`);
  }
  const { key, cert } = value as Partial<ClusterTlsOptions>;
  if (key === undefined || cert === undefined) throw invalid(`tls.${key === undefined ? 'key' : 'cert'} is missing: HTTPS needs both key and cert (PEM)`);
  return value as ClusterTlsOptions;
}

/**
 * Why these options cannot serve HTTPS, on one line naming the part at fault
 * (the key, the certificate, or the two together), or undefined when Node
 * accepts them.
 *
 * @example
 * tlsRefusal({ key: otherKey, cert });
 * // 'cannot serve HTTPS: tls was refused by Node: error:05800074:x509 certificate routines::key values mismatch'
 */
export function tlsRefusal(options: ClusterTlsOptions, names: TlsNames = OPTION_NAMES): string | undefined {
  const { key, cert, passphrase } = options;
  const missing = missingTlsMaterial(options);
  if (missing !== undefined) return `cannot serve HTTPS: ${names[missing]} is empty`;
  return refusal(names.key, { key, ...(passphrase !== undefined && { passphrase }) }) ?? refusal(names.cert, { cert }) ?? refusal(names.both, options);
}

function refusal(name: string, options: tls.SecureContextOptions): string | undefined {
  try {
    tls.createSecureContext(options);
    return undefined;
  } catch (error) {
    return `cannot serve HTTPS: ${name} was refused by Node: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`;
  }
}

/**
 * The options as JSON-safe data for the IPC channel: each Buffer (or other
 * Uint8Array) becomes `{ base64 }`; `decodeTls()` undoes it.
 *
 * @example
 * decodeTls(JSON.parse(JSON.stringify(encodeTls({ key, cert })))); // { key, cert }, Buffers again
 */
export function encodeTls(options: ClusterTlsOptions): EncodedTls {
  return encode(options) as EncodedTls;
}

/**
 * The options a worker received, Buffers restored; throws `ERR_INVALID_OPTION`
 * when they are not options at all.
 *
 * @example
 * const options = decodeTls(message.options);
 */
export function decodeTls(encoded: unknown): ClusterTlsOptions {
  return checkTlsOptions(decode(encoded));
}

function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, encode(item)]));
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only?.[0] === 'base64' && typeof only[1] === 'string') return Buffer.from(only[1], 'base64');
  return Object.fromEntries(entries.map(([name, item]) => [name, decode(item)]));
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_OPTION', message);
}
