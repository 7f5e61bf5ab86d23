/**
 * Shared fixture of the classic sign's cases: the WeChat Pay v2 worked
 * example of ../shared/vectors/classic (read when this module loads, so only
 * the cases modules import it: classic.test.ts loads them when the vectors
 * are there), an in-memory request and verify context, and parameters
 * signed the way a client does.
 */
import { readFileSync } from 'node:fs';
import { classicSignature, type ClassicSignOptions } from '../../src/sign/classic/index.ts';
import { SignatureError } from '../../src/sign/errors.ts';
import type { KeyConfig } from '../../src/sign/keys/key-config.ts';
import type { SignedRequest, VerifyContext } from '../../src/sign/scheme.ts';

interface WeChatVector {
  readonly params: Record<string, string>;
  readonly key: string;
  readonly 'string-to-sign': string;
  readonly md5: string;
  readonly 'hmac-sha256': string;
}
const vectors = JSON.parse(readFileSync(new URL('../../../shared/vectors/classic/vectors.json', import.meta.url), 'utf8')) as { 'wechat-pay-v2': WeChatVector };
/** The WeChat Pay v2 worked example: its params, key, string-to-sign and signatures. */
export const wechat = vectors['wechat-pay-v2'];
export const SECRET = wechat.key;
export const APPID = wechat.params['appid']!;
/** The verifier's clock in the in-memory cases, in seconds. */
export const NOW = 1_700_000_000;

/** What a fake request carries besides its method (POST) and path (/pay). */
export interface FakeInit {
  readonly search?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A POST /pay to example.test, in memory. */
export function fakeRequest(init: FakeInit): SignedRequest {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: 'POST',
    target: `/pay${init.search === undefined ? '' : `?${init.search}`}`,
    path: '/pay',
    search: init.search ?? '',
    authority: 'example.test',
    scheme: 'http',
    header: (name) => headers.get(name.toLowerCase()),
    body: () => Promise.resolve(Buffer.from(init.body ?? '')),
  };
}

/** A verify context that records the nonces it claimed. */
export interface FakeContext extends VerifyContext {
  readonly claimed: string[];
}

/** Keys (by default the vector's appid with its secret), nonces claimed once, and a clock fixed at `NOW`. */
export function fakeContext(options: { keys?: Record<string, KeyConfig>; debug?: boolean; now?: number } = {}): FakeContext {
  const keys = options.keys ?? { [APPID]: { alg: 'hmac-sha256', secret: SECRET } };
  const claimed: string[] = [];
  return {
    claimed,
    key: (id) => Promise.resolve(Object.hasOwn(keys, id) ? keys[id] : undefined),
    claimNonce: (id, nonce) => {
      if (claimed.includes(`${id}\n${nonce}`)) return Promise.reject(new SignatureError('ERR_SIG_REPLAYED', 'replayed'));
      claimed.push(`${id}\n${nonce}`);
      return Promise.resolve();
    },
    windowSeconds: 300,
    now: () => options.now ?? NOW,
    debug: options.debug ?? false,
  };
}

/** The vector's params, a timestamp and a nonce, signed under `options`. */
export function signedParams(options: ClassicSignOptions = {}, extra: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = { ...wechat.params, [options.timestampField ?? 'timestamp']: String(NOW), ...extra };
  return { ...params, [options.signField ?? 'sign']: classicSignature(params, SECRET, options).signature };
}

/** Parameters as an urlencoded query or form body. */
export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

/** The `code` of the error `promise` rejects with; undefined when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}
