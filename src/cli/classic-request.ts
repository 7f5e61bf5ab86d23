/**
 * The classic sign from the command line. The signature fields (the app
 * key, the timestamp, a fresh nonce, the algorithm when --algorithm-field
 * names one, then the sign) go where the first --from source says:
 *
 *   query     appended to the URL's query (the query given is kept as is)
 *   body      added to a form or JSON-object body (a form body is made
 *             when there is none)
 *   headers   sent as headers of those names
 *
 * The parameters signed are read from the request by the verifier's own
 * `requestParams`, so the CLI signs exactly what the server will gather.
 */
import { randomBytes } from 'node:crypto';
import { requestParams } from '../sign/classic/request-params.ts';
import type { ClassicConfig, ClassicSource } from '../sign/classic/options.ts';
import { classicSignature } from '../sign/classic/signature.ts';
import { SignatureError } from '../sign/errors.ts';
import type { SignedRequest } from '../sign/scheme.ts';
import { fieldValueKind, INVALID } from '../wire/tokens.ts';
import { classicArgs } from './classic-args.ts';
import { resolveSecret } from './key-source.ts';
import type { RequestSpec } from './request-args.ts';
import type { SchemeValues } from './scheme-options.ts';
import type { SignedSpec } from './schemes.ts';
import { UsageError } from './usage-error.ts';

type Fields = Readonly<Record<string, string>>;

/**
 * `spec` signed the classic way, the fields placed per --from; throws `UsageError`.
 *
 * @example
 * const signed = await classicSigned(spec, { 'key-id': 'wx1', secret: 's', algorithm: 'md5' });
 * signed.url.search; // '?appid=wx1&timestamp=…&nonce_str=…&sign=…'
 */
export async function classicSigned(spec: RequestSpec, values: SchemeValues): Promise<SignedSpec> {
  const { options, config } = classicArgs(values);
  const { keyId, secret } = await resolveSecret(values);
  const place = config.from[0]!;
  if (place === 'headers' && fieldValueKind(keyId) === INVALID) {
    throw new UsageError(`--key-id ${JSON.stringify(keyId)} cannot be sent in the "${config.appKeyField}" header: it has a control character or a character beyond U+00FF`);
  }
  const unsigned = withFields({ ...spec, added: {} }, place, signatureFields(config, keyId));
  const params = await paramsOf(unsigned, config);
  if (params.has(config.signField)) throw new UsageError(`the request already has a "${config.signField}" parameter`);
  const { signature } = classicSignature(params, secret, options);
  return withFields(unsigned, place, { [config.signField]: signature });
}

/** The fields every signed request carries besides its own parameters, in the order they are sent. */
function signatureFields(config: ClassicConfig, keyId: string): Fields {
  const now = config.timestampUnit === 's' ? Math.floor(Date.now() / 1000) : Date.now();
  const fields: Record<string, string> = { [config.appKeyField]: keyId, [config.timestampField]: String(now), [config.nonceField]: randomBytes(16).toString('hex') };
  if (config.algorithmField !== undefined) fields[config.algorithmField] = config.algorithm.toUpperCase();
  return fields;
}

function withFields(spec: SignedSpec, place: ClassicSource, fields: Fields): SignedSpec {
  if (place === 'headers') return { ...spec, added: { ...spec.added, ...fields } };
  if (place === 'body') return withBodyFields(spec, fields);
  const url = new URL(spec.url.href);
  const added = new URLSearchParams(fields).toString();
  url.search = url.search === '' ? added : `${url.search.slice(1)}&${added}`;
  return { ...spec, url };
}

function withBodyFields(spec: SignedSpec, fields: Fields): SignedSpec {
  const type = spec.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1].split(';', 1)[0]!.trim().toLowerCase();
  const text = new TextDecoder().decode(spec.body ?? new Uint8Array());
  if (type === 'application/json' || type?.endsWith('+json') === true) return { ...spec, body: jsonWith(text, fields), dataFile: undefined };
  if (type !== undefined && type !== 'application/x-www-form-urlencoded') {
    throw new UsageError(`the classic sign adds its fields to a form or JSON body, not ${type}; use --from query`);
  }
  const form = new URLSearchParams(fields).toString();
  const body = new TextEncoder().encode(text === '' ? form : `${text}&${form}`);
  if (type !== undefined) return { ...spec, body, dataFile: undefined };
  const contentType = 'application/x-www-form-urlencoded';
  return { ...spec, body, dataFile: undefined, headers: [...spec.headers, ['Content-Type', contentType]], addedContentType: contentType };
}

function jsonWith(text: string, fields: Fields): Uint8Array {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new UsageError('the body is sent as JSON but is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('the classic sign adds its fields to a JSON object; the body is not one');
  const clash = Object.keys(fields).find((name) => Object.hasOwn(value, name));
  if (clash !== undefined) throw new UsageError(`the body already has "${clash}"`);
  return new TextEncoder().encode(JSON.stringify({ ...value, ...fields }));
}

/** The parameters the server will gather from the request, by the verifier's own code. */
async function paramsOf(spec: SignedSpec, config: ClassicConfig): Promise<Map<string, string>> {
  try {
    return await requestParams(asReceived(spec), config);
  } catch (error) {
    if (error instanceof SignatureError) throw new UsageError(`the classic sign cannot cover this request: ${error.message}`);
    throw error;
  }
}

/** The request as the server will see it. */
function asReceived(spec: SignedSpec): SignedRequest {
  const headers = new Map<string, string>();
  for (const [name, value] of [...spec.headers, ...Object.entries(spec.added)]) {
    const previous = headers.get(name.toLowerCase());
    headers.set(name.toLowerCase(), previous === undefined ? value : `${previous}, ${value}`);
  }
  const body = spec.body ?? new Uint8Array();
  return {
    method: spec.method, target: spec.url.pathname + spec.url.search, path: spec.url.pathname, search: spec.url.search.slice(1),
    authority: spec.url.host, scheme: spec.url.protocol.slice(0, -1),
    header: (name) => headers.get(name.toLowerCase()), body: () => Promise.resolve(body),
  };
}
