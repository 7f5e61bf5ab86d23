/**
 * The Authorization header of a SigV4 request, parsed strictly:
 *
 *   Authorization = "AWS4-HMAC-SHA256" 1*SP param "," *SP param "," *SP param
 *   param         = "Credential=" credential / "SignedHeaders=" signed-headers / "Signature=" 64LOWERHEX
 *
 * Each of the three parameters exactly once, in any order (the AWS SDKs
 * send them in this order, with one space after each comma). Another
 * `AWS4-` algorithm (SigV4a's `AWS4-ECDSA-P256-SHA256`) is
 * `ERR_SIG_ALG_MISMATCH`; another scheme altogether (`Bearer …`) means the
 * request carries no SigV4 signature: `ERR_SIG_MISSING`.
 */
import { SignatureError } from '../errors.ts';
import { parseCredential, type Credential } from './credential.ts';
import { parseSignedHeaders } from './signed-headers.ts';
import { SIGV4_ALGORITHM } from './string-to-sign.ts';

/** What a SigV4 Authorization header (or a presigned URL) says. */
export interface SigV4Authorization {
  readonly credential: Credential;
  readonly signedHeaders: readonly string[];
  /** 64 lower-case hex digits. */
  readonly signature: string;
}

const PARAM = /^(Credential|SignedHeaders|Signature)=([^\s,]+)$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * Parses an Authorization header value; throws `SignatureError`.
 *
 * @example
 * parseAuthorization('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa0…');
 * // { credential: { accessKeyId: 'AKIDEXAMPLE', … }, signedHeaders: ['host', 'x-amz-date'], signature: '5fa0…' }
 */
export function parseAuthorization(value: string): SigV4Authorization {
  const space = value.indexOf(' ');
  const algorithm = space === -1 ? value : value.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    if (algorithm.startsWith('AWS4-')) throw new SignatureError('ERR_SIG_ALG_MISMATCH', `only ${SIGV4_ALGORITHM} is accepted, not ${algorithm.slice(0, 40)}`);
    throw new SignatureError('ERR_SIG_MISSING', `the Authorization header is not ${SIGV4_ALGORITHM}`);
  }
  const params = authorizationParams(value.slice(space + 1).replace(/^ +/, ''));
  return authorizationOf(params.get('Credential'), params.get('SignedHeaders'), params.get('Signature'));
}

/** The three parameters by name, each exactly once. */
function authorizationParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const piece of text.split(/, */)) {
    const match = PARAM.exec(piece);
    if (match === null) throw malformed('Authorization must be "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…"');
    if (params.has(match[1]!)) throw malformed(`Authorization has ${match[1]!} twice`);
    params.set(match[1]!, match[2]!);
  }
  return params;
}

/**
 * The three parts, checked, from wherever they came (Authorization or a presigned URL's query).
 *
 * @example
 * authorizationOf('AKID/20150830/us-east-1/s3/aws4_request', 'host', 'aeee…'); // { credential, signedHeaders: ['host'], signature }
 */
export function authorizationOf(credential: string | undefined, signedHeaders: string | undefined, signature: string | undefined): SigV4Authorization {
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    const missing = [credential === undefined && 'Credential', signedHeaders === undefined && 'SignedHeaders', signature === undefined && 'Signature'];
    throw malformed(`the signature lacks ${missing.filter(Boolean).join(', ')}`);
  }
  if (!SIGNATURE.test(signature)) throw malformed('Signature must be 64 lower-case hex digits');
  return { credential: parseCredential(credential), signedHeaders: parseSignedHeaders(signedHeaders), signature };
}

function malformed(message: string): SignatureError {
  return new SignatureError('ERR_SIG_MALFORMED', message);
}
