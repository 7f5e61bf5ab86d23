/**
 * The classic sign under mutation, through an App with `verifySignature`
 * (debug on) and raw request bytes. Starting from parameters signed by
 * `classicSignature` and sent in the query, a form body or a JSON body:
 *   - garbage in the app key, timestamp, nonce or sign (hostile text, huge
 *     numbers, a repeated parameter, raw bytes in the query), or a body that
 *     cannot be covered, is a 4xx with a documented code, never a 500, and
 *     the masked debug base never shows the secret;
 *   - soundness: one character of a signed value, the app key, the
 *     timestamp, the nonce or a hex digit of the sign changed, or a
 *     parameter dropped, is refused;
 *   - replay: the same request again, or rewritten without changing what
 *     is signed, is ERR_SIG_REPLAYED.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parsePairs } from '../../src/app/query.ts';
import { classicSign, classicSignature } from '../../src/sign/classic/index.ts';
import type { ClassicAlgorithm } from '../../src/sign/classic/digest.ts';
import { HUGE_NUMBERS, assertRefused, expectRefusal, hostileText, mutationApp, replaceAt, sameClassOther, sendRaw, type MutationApp, type RawRequest } from './verify-mutations.fixture.ts';

const NOW = 1_700_000_000;
const APP_KEY = 'wx-app-1';
const SECRET = 'classic-secret-5e0c71';
const KEYS = { [APP_KEY]: { alg: 'hmac-sha256', secret: SECRET }, 'wx-app-2': { alg: 'hmac-sha256', secret: 'classic-other-0b9a' } } as const;
const FIELDS = ['appid', 'timestamp', 'nonce_str', 'sign'] as const;

type Carrier = 'query' | 'form' | 'json';

interface Signed {
  readonly algorithm: ClassicAlgorithm;
  readonly carrier: Carrier;
  /** Every parameter, the sign included, in the order sent. */
  readonly params: Readonly<Record<string, string>>;
}

function appFor(algorithm: ClassicAlgorithm): MutationApp {
  return mutationApp({ scheme: classicSign({ algorithm }), keys: KEYS, now: () => NOW * 1000, debug: true });
}

/** Business values: the characters the canonical string and the form encoding care about. */
const value = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '&', '=', '+', '%', 'é', '中', '"', '\\', ';', ','), minLength: 1, maxLength: 12 });
const business = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/).filter((n) => !(FIELDS as readonly string[]).includes(n)), value, { minKeys: 1, maxKeys: 4 });

const signed: fc.Arbitrary<Signed> = fc
  .record({
    algorithm: fc.constantFrom<ClassicAlgorithm>('md5', 'sha256', 'hmac-sha1', 'hmac-sha256'),
    carrier: fc.constantFrom<Carrier>('query', 'form', 'json'),
    business,
    nonce: fc.stringMatching(/^[A-Za-z0-9]{8,32}$/),
  })
  .map(({ algorithm, carrier, business: extra, nonce }) => {
    const params = { ...extra, appid: APP_KEY, timestamp: String(NOW), nonce_str: nonce };
    return { algorithm, carrier, params: { ...params, sign: classicSignature(params, SECRET, { algorithm }).signature } };
  });

/** The parameters as the carrier sends them: a query, a urlencoded form, or a JSON object. */
function raw(s: Signed, params: Readonly<Record<string, string>> = s.params): RawRequest {
  const encoded = new URLSearchParams(params).toString();
  const base = { method: 'POST', headers: [['host', 'pay.example.test']] as Array<[string, string]> };
  if (s.carrier === 'query') return { ...base, target: `/pay?${encoded}` };
  const json = s.carrier === 'json';
  base.headers.push(['content-type', json ? 'application/json' : 'application/x-www-form-urlencoded']);
  return { ...base, target: '/pay', body: json ? JSON.stringify(params) : encoded };
}

async function expectRefused(t: MutationApp, request: RawRequest, what: string, codes?: readonly string[]): Promise<void> {
  await expectRefusal(t, request, { what: `${what}: ${request.target} ${String(request.body)}`, secrets: [SECRET], ...(codes === undefined ? {} : { codes }) });
}

/**
 * The model of a body that changes nothing signed: a form or a JSON object whose parameters all have empty
 * values (never signed), none of them named like one already sent (a name twice is malformed).
 */
function addsNothing(type: string, body: string, sent: readonly string[]): boolean {
  const mediaType = type.split(';')[0]!.trim();
  const form = mediaType === 'application/x-www-form-urlencoded';
  if (!form && !mediaType.endsWith('json')) return false;
  let pairs: Array<[string, unknown]>;
  try {
    const parsed: unknown = form ? undefined : JSON.parse(body);
    if (!form && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) return false;
    pairs = form ? parsePairs(body) : Object.entries(parsed as object);
  } catch {
    return false;
  }
  const names = pairs.map(([name]) => name);
  return new Set(names).size === names.length && names.every((n) => n !== '' && !sent.includes(n)) && pairs.every(([, v]) => v === '' || v === null);
}

describe('garbage in the classic parameters', () => {
  test('the app key, timestamp, nonce or sign replaced with hostile text or a huge number is refused with a documented 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(signed, fc.constantFrom(...FIELDS), fc.oneof(hostileText(), fc.constantFrom(...HUGE_NUMBERS)), async (s, field, garbage) => {
        fc.pre(garbage !== s.params[field]);
        await expectRefused(appFor(s.algorithm), raw(s, { ...s.params, [field]: garbage }), `${field}=${JSON.stringify(garbage)}`);
      }),
      { numRuns: 600 },
    );
  });

  test('hostile characters written raw into the query, unencoded, are refused with a documented 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(signed, hostileText(['%', '&', '=', '+', '%2', '%zz', '%00', '%FF', '%C3', 'a', '0', '#', '?', '/']), async (s, garbage) => {
        const request = raw({ ...s, carrier: 'query' });
        await expectRefused(appFor(s.algorithm), { ...request, target: `${request.target}&${garbage}=${garbage}` }, `raw ${JSON.stringify(garbage)}`);
      }),
      { numRuns: 500 },
    );
  });

  test('a signature parameter repeated, in one source or across query and body, is refused with ERR_SIG_MALFORMED', async () => {
    await fc.assert(
      fc.asyncProperty(signed, fc.constantFrom(...FIELDS), async (s, field) => {
        const request = raw(s);
        const again = `${field}=${encodeURIComponent(s.params[field]!)}`;
        await expectRefused(appFor(s.algorithm), { ...request, target: request.target.includes('?') ? `${request.target}&${again}` : `${request.target}?${again}` }, `${field} twice`, ['ERR_SIG_MALFORMED']);
      }),
      { numRuns: 300 },
    );
  });

  test('a body of hostile JSON-ish text, under any media type, is accepted only when it adds no signed parameter, else refused with a documented 4xx', async () => {
    const jsonish = hostileText(['{', '}', '[', ']', '"', ':', ',', '1e999', '-1e999', 'null', 'true', '1', '"a"', '\\', 'é', ' ', '&', '=', '%']);
    const mediaType = fc.constantFrom('application/json', 'application/problem+json', 'application/x-www-form-urlencoded', 'text/plain', '', 'application/json; charset=utf-8');
    await fc.assert(
      fc.asyncProperty(signed, jsonish.filter((b) => b.length > 0), mediaType, async (s, body, type) => {
        const request = raw({ ...s, carrier: 'query' });
        const headers: ReadonlyArray<readonly [string, string]> = [...request.headers, ...(type === '' ? [] : [['content-type', type] as [string, string]])];
        const t = appFor(s.algorithm);
        const res = await sendRaw(t.app, { ...request, headers, body });
        const what = `${type} ${JSON.stringify(body)} → ${res.status} ${res.body.toString()}`;
        assert.equal(res.status === 200, addsNothing(type, body, Object.keys(s.params)), what);
        if (res.status !== 200) assertRefused(res, { secrets: [SECRET], errors: t.errors, what });
      }),
      { numRuns: 600 },
    );
  });

  // Found by the property above: JSON.parse gives Infinity for 1e999, which the canonical string cannot sign.
  test('a JSON body with a number beyond the double range (1e999) is refused with 401 ERR_SIG_MALFORMED, not 500', async () => {
    const s: Signed = { algorithm: 'hmac-sha256', carrier: 'json', params: { appid: APP_KEY, timestamp: String(NOW), nonce_str: 'n1', sign: '0'.repeat(64) } };
    const t = appFor('hmac-sha256');
    const request = raw(s);
    await expectRefused(t, { ...request, body: String(request.body).replace('{', '{"amount":1e999,') }, '1e999', ['ERR_SIG_MALFORMED']);
  });
});

/*
 * Soundness. Left out because the format makes them no-ops: the case of the hex sign (either case is
 * accepted), the encoding of a value (signed decoded: "%20", "+" and " " are one space), parameters with an
 * empty value (never signed), which source carries a parameter, and the known weakness of the format: a value
 * containing "&b=2" signs the same as a separate parameter b=2 (docs/signing.md). Characters are replaced
 * within their class, so every mutated request still parses and reaches the signature check.
 */
const otherHex = (digit: string, pick: number): string => {
  const others = '0123456789abcdef'.replace(digit.toLowerCase(), '');
  return others[pick % others.length]!;
};

/** The business parameters with a letter or digit to change. */
const changeable = (s: Signed): string[] => Object.keys(s.params).filter((n) => !(FIELDS as readonly string[]).includes(n) && /[A-Za-z0-9]/.test(s.params[n]!));

const MUTATIONS: ReadonlyArray<[string, readonly string[], (s: Signed) => fc.Arbitrary<Record<string, string>>]> = [
  [
    'a letter or digit of a business value',
    ['ERR_SIG_INVALID'],
    (s) => {
      return fc.constantFrom(...changeable(s)).chain((name) => {
        const text = s.params[name]!;
        const indexes = [...text].map((c, i) => (/[A-Za-z0-9]/.test(c) ? i : -1)).filter((i) => i >= 0);
        return fc.tuple(fc.constantFrom(...indexes), fc.nat()).map(([i, pick]) => ({ ...s.params, [name]: replaceAt(text, i, sameClassOther(text[i]!, pick)) }));
      });
    },
  ],
  ['the app key, another known one', ['ERR_SIG_INVALID'], (s) => fc.constant({ ...s.params, appid: 'wx-app-2' })],
  ['the timestamp, moved within the window', ['ERR_SIG_INVALID'], (s) => fc.integer({ min: -300, max: 300 }).filter((x) => x !== 0).map((x) => ({ ...s.params, timestamp: String(NOW + x) }))],
  [
    'a character of the nonce',
    ['ERR_SIG_INVALID'],
    (s) => fc.tuple(fc.nat({ max: s.params['nonce_str']!.length - 1 }), fc.nat()).map(([i, pick]) => ({ ...s.params, nonce_str: replaceAt(s.params['nonce_str']!, i, sameClassOther(s.params['nonce_str']![i]!, pick)) })),
  ],
  [
    'a hex digit of the sign, to another value',
    ['ERR_SIG_INVALID'],
    (s) => fc.tuple(fc.nat({ max: s.params['sign']!.length - 1 }), fc.nat()).map(([i, pick]) => ({ ...s.params, sign: replaceAt(s.params['sign']!, i, otherHex(s.params['sign']![i]!, pick)) })),
  ],
  [
    'a signed parameter dropped',
    ['ERR_SIG_INVALID', 'ERR_SIG_MALFORMED', 'ERR_SIG_MISSING'],
    (s) => fc.constantFrom(...Object.keys(s.params)).map((name) => Object.fromEntries(Object.entries(s.params).filter(([n]) => n !== name))),
  ],
];

/** Requests with a business value to change, so that every mutation has something to work on. */
const applicable = signed.filter((s) => changeable(s).length > 0);

describe('soundness: one change to what the classic sign covers', () => {
  for (const [name, codes, mutate] of MUTATIONS) {
    test(`${name} is refused with ${codes.join(' or ')}`, async () => {
      await fc.assert(
        fc.asyncProperty(applicable.chain((s) => fc.tuple(fc.constant(s), mutate(s))), async ([s, params]) => {
          await expectRefused(appFor(s.algorithm), raw(s, params), name, codes);
        }),
        { numRuns: 300 },
      );
    });
  }
});

const REWRITES: ReadonlyArray<[string, (s: Signed) => RawRequest]> = [
  ['sent again as it was', (s) => raw(s)],
  ['with the sign in lower case', (s) => raw(s, { ...s.params, sign: s.params['sign']!.toLowerCase() })],
  ['with its parameters in reverse order', (s) => raw(s, Object.fromEntries(Object.entries(s.params).reverse()))],
  ['as a JSON body instead', (s) => raw({ ...s, carrier: 'json' })],
];

describe('replay', () => {
  test('a verified request sent again, as it was or rewritten without changing what is signed, is refused with ERR_SIG_REPLAYED', async () => {
    await fc.assert(
      fc.asyncProperty(signed, fc.constantFrom(...REWRITES), async (s, [how, rewrite]) => {
        assert.equal((await sendRaw(appFor(s.algorithm).app, rewrite(s))).status, 200, `${how} is accepted on its own`);
        const t = appFor(s.algorithm);
        assert.equal((await sendRaw(t.app, raw(s))).status, 200);
        await expectRefused(t, rewrite(s), how, ['ERR_SIG_REPLAYED']);
        assert.equal(t.handled(), 1);
      }),
      { numRuns: 300 },
    );
  });
});
