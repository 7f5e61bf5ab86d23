/**
 * Shared fixture of the RFC 9421 verification-policy tests: a fixed server
 * clock, keys, request drafts signed with the pure building blocks
 * (`signatureBase`, `ALGORITHMS[alg].sign`, `serializeSignatureInput` /
 * `serializeSignature`), and an app whose route counts what reached it.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { App, MemoryNonceStore, contentDigest, verifySignature } from '../../src/index.ts';
import type { InProcessResponse, KeyConfig, NonceStore, VerifySignatureOptions } from '../../src/index.ts';
import {
  ALGORITHMS,
  serializeSignature,
  serializeSignatureInput,
  signatureBase,
  signatureBaseBytes,
  type AlgorithmKey,
  type AlgorithmName,
  type ComponentInput,
  type RequestMessage,
  type SignatureParams,
} from '../../src/sign/rfc9421/index.ts';
import { codeOf, recordingLogger } from '../helpers/app.ts';
/** The fixed server clock, in seconds. */
export const NOW = 1_700_000_000;
export const AUTHORITY = 'api.example.com';
export const SECRET = 'policy-secret-9c41f0e2';
export const OTHER_SECRET = 'policy-secret-other-77aa';
export const ED = generateKeyPairSync('ed25519');
export const EC = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const pem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

export const KEYS: Record<string, KeyConfig> = {
  'k-hmac': { alg: 'hmac-sha256', secret: SECRET },
  'k-hmac-2': { alg: 'hmac-sha256', secret: OTHER_SECRET },
  'k-ed': { alg: 'ed25519', publicKey: pem(ED.publicKey) },
};
export const BASE_COMPONENTS = ['@method', '@authority', '@path', '@query'] as const;
export const BODY_COMPONENTS = [...BASE_COMPONENTS, 'content-digest', 'content-type'] as const;

/** A request as a client would send it. */
export interface Draft {
  readonly method: string;
  readonly target: string;
  readonly authority?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SignOptions {
  readonly keyId?: string;
  /** Signs with this algorithm and key (default hmac-sha256 with SECRET). */
  readonly alg?: AlgorithmName;
  readonly key?: AlgorithmKey;
  readonly components?: readonly ComponentInput[];
  /** Merged over { created: NOW, nonce: <fresh>, keyid }; an `undefined` value drops the parameter. */
  readonly params?: Partial<Record<keyof SignatureParams, string | number | undefined>>;
  readonly label?: string;
}

export function message(draft: Draft): RequestMessage {
  const q = draft.target.indexOf('?');
  const headers = Object.fromEntries(Object.entries(draft.headers ?? {}).map(([n, v]) => [n.toLowerCase(), v]));
  return {
    method: draft.method,
    target: draft.target,
    path: q < 0 ? draft.target : draft.target.slice(0, q),
    search: q < 0 ? '' : draft.target.slice(q + 1),
    authority: draft.authority ?? AUTHORITY,
    scheme: 'http',
    header: (name) => headers[name],
  };
}

/** The draft with a JSON body's Content-Type and Content-Digest added (unless given). */
export function withBody(draft: Draft): Draft {
  if (draft.body === undefined) return draft;
  return { ...draft, headers: { 'content-type': 'application/json', 'content-digest': contentDigest(draft.body), ...draft.headers } };
}

/** The draft, signed: Signature-Input and Signature added to its headers. */
export function sign(draft: Draft, options: SignOptions = {}): Draft {
  const full = withBody(draft);
  const keyid = options.keyId ?? 'k-hmac';
  const params = Object.fromEntries(
    Object.entries({ created: NOW, nonce: randomUUID(), keyid, ...options.params }).filter(([, v]) => v !== undefined),
  ) as SignatureParams;
  const components = options.components ?? (full.body === undefined ? BASE_COMPONENTS : BODY_COMPONENTS);
  const base = signatureBase(message(full), components, params);
  const alg = options.alg ?? 'hmac-sha256';
  const signature = ALGORITHMS[alg].sign(options.key ?? SECRET, signatureBaseBytes(base));
  const label = options.label ?? 'sig1';
  return {
    ...full,
    headers: {
      ...full.headers,
      'signature-input': serializeSignatureInput([{ label, components, params }]),
      signature: serializeSignature([{ label, signature }]),
    },
  };
}

/** The draft with some headers replaced (or removed, with undefined). */
export function alter(draft: Draft, changes: Partial<Omit<Draft, 'headers'>> & { headers?: Record<string, string | undefined> } = {}): Draft {
  const headers = Object.entries({ ...draft.headers, ...changes.headers }).filter((e): e is [string, string] => e[1] !== undefined);
  return { ...draft, ...changes, headers: Object.fromEntries(headers) };
}

export const ORDER = (): Draft => ({ method: 'POST', target: '/orders?currency=EUR', body: '{"amount":10}' });
export const LIST = (): Draft => ({ method: 'GET', target: '/orders?page=2' });

export interface TestApp {
  readonly app: App;
  /** How many requests reached the route handler. */
  handled(): number;
}

export function appWith(options: Partial<VerifySignatureOptions> = {}): TestApp {
  const app = new App({ logger: recordingLogger().logger });
  let handled = 0;
  app.use(verifySignature({ keys: KEYS, now: () => NOW * 1000, ...options }));
  app.all('/*', (c) => {
    handled += 1;
    return c.json({ signature: c.get('signature') });
  });
  return { app, handled: () => handled };
}

export function send(app: App, draft: Draft): Promise<InProcessResponse> {
  return app.request(draft.target, {
    method: draft.method,
    headers: { host: draft.authority ?? AUTHORITY, ...draft.headers },
    ...(draft.body === undefined ? {} : { body: draft.body }),
  });
}

/** Asserts a refusal: status, code, and an Accept-Signature header. */
export function assertRefused(res: InProcessResponse, code: string, status = 401): void {
  assert.equal(codeOf(res), code, res.body.toString());
  assert.equal(res.status, status);
  assert.ok(res.headers.get('accept-signature'), 'Accept-Signature is sent');
}

export async function expectCode(draft: Draft, code: string, options: Partial<VerifySignatureOptions> = {}): Promise<void> {
  const { app, handled } = appWith(options);
  assertRefused(await send(app, draft), code);
  assert.equal(handled(), 0, 'the handler did not run');
}

export async function expectAccepted(draft: Draft, options: Partial<VerifySignatureOptions> = {}): Promise<unknown> {
  const res = await send(appWith(options).app, draft);
  assert.equal(res.status, 200, res.body.toString());
  return ((await res.json()) as { signature: unknown }).signature;
}

export function spyStore(inner: NonceStore = new MemoryNonceStore()): NonceStore & { claims: Array<[string, number]> } {
  const claims: Array<[string, number]> = [];
  return { claims, claim: (id, ttl) => (claims.push([id, ttl]), inner.claim(id, ttl)) };
}

