/**
 * RFC 9421 verification under garbage, through an App with
 * `verifySignature` (debug on) and raw request bytes. Starting from requests
 * signed the way clients sign them, Signature-Input, Signature or
 * Content-Digest replaced, cut, spliced with hostile characters, huge
 * numbers or non-ASCII, or sent on two lines, is accepted only when it still
 * means the same, else a 4xx with a documented code (never a 500, a throw
 * or a hang), and no answer shows the secret. Also: components resolved
 * against hostile fields, key ids that are Object.prototype names, and the
 * work a signature with many components costs. Soundness and replay are in
 * verify-mutations-soundness.property.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { InProcessResponse } from '../../src/app/in-process.ts';
import { parseKeys } from '../../src/sign/keys/load-keys.ts';
import { parseDictionary, serializeDictionary } from '../../src/sign/structured-fields/index.ts';
import { createVerifier } from '../../src/sign/verifier.ts';
import { resolveLimits } from '../../src/wire/limits.ts';
import { AUTHORITY, KEYS, LIST, NOW, OTHER_SECRET, SECRET, message, sign, type Draft } from './verify-policy.fixture.ts';
import {
  HOSTILE,
  assertRefused,
  assertVerifierRefuses,
  expectRefusal,
  hostileText,
  mutated,
  mutationApp,
  rawDraft,
  sendRaw,
  signedDraft,
  type MutationApp,
  type RawRequest,
} from './verify-mutations.fixture.ts';

const SECRETS = [SECRET, OTHER_SECRET];
const OPTIONS = { keys: KEYS, now: () => NOW * 1000, debug: true } as const;

/**
 * The model of a no-op: the wire trims a field's edges; Content-Digest is a covered component, so its text
 * must stay the same; Signature-Input and Signature must parse to the same dictionary (same labels, components,
 * parameters in order, bytes), which is what their canonical serialization compares.
 */
function sameMeaning(name: string, original: string, value: string): boolean {
  const trimmed = value.replace(/^[ \t]+|[ \t]+$/g, '');
  if (name === 'content-digest') return trimmed === original;
  const canonical = (text: string): string | undefined => {
    try {
      return serializeDictionary(parseDictionary(text));
    } catch {
      return undefined;
    }
  };
  return canonical(trimmed) !== undefined && canonical(trimmed) === canonical(original);
}

function expectRefused(t: MutationApp, request: RawRequest, what: string, codes?: readonly string[]): Promise<InProcessResponse> {
  return expectRefusal(t, request, { what, secrets: SECRETS, ...(codes === undefined ? {} : { codes }) });
}

/** A mutation of a valid field may be a no-op (the same value parsed); it is then accepted, else refused as documented. */
async function expectAcceptedOrRefused(t: MutationApp, request: RawRequest, what: string): Promise<number> {
  const res = await sendRaw(t.app, request);
  if (res.status === 200) return 200;
  assertRefused(res, { secrets: SECRETS, errors: t.errors, what });
  return res.status;
}

/*
 * Signature-Input values that pass the parse and the required components (so that the components are
 * resolved against the request): the four required ones and up to four more, fields with sf, bs, key, tr,
 * query parameters, derived components that do not apply, and hostile names.
 */
const quoted = (text: string): string => `"${text.replace(/["\\]/g, '\\$&')}"`;
const fieldName = fc.constantFrom('content-type', 'x-dict', 'x-list', 'priority', 'signature', 'signature-input', 'x-none', 'host', 'content-length', 'cache-status', 'client-cert', 'x-dup');
const component = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fieldName, fc.constantFrom('', ';sf', ';bs', ';key="a"', ';key="b"', ';key="e"', ';key="g"', ';sf;key="a"', ';bs;sf', ';tr', ';req')).map(([n, p]) => quoted(n) + p) },
  { weight: 2, arbitrary: fc.constantFrom('"@query-param";name="a"', '"@query-param";name="%C3%A9"', '"@query-param";name=""', '"@target-uri"', '"@scheme"', '"@request-target"', '"@status"', '"@method";req', '"content-digest"') },
  { weight: 1, arbitrary: fc.tuple(hostileText(['a', '@', '-', ' ', '"', '\\', '%', 'é'], 6), fc.constantFrom('', ';key="a"', ';x', ';sf=1')).map(([n, p]) => quoted(n) + p) },
);
const structuredInput = fc.tuple(fc.uniqueArray(component, { maxLength: 4 }), fc.array(fc.constantFrom(`;expires=${NOW + 10}`, ';alg="hmac-sha256"', ';tag="t"'), { maxLength: 2 }), fc.nat()).map(([extra, params, n]) => {
  const all = ['"@method"', '"@authority"', '"@path"', '"@query"', ...extra];
  const rotated = [...all.slice(n % all.length), ...all.slice(0, n % all.length)];
  return `sig1=(${rotated.join(' ')});created=${NOW};nonce="n${n}";keyid="k-hmac"${params.join('')}`;
});
const dictish = fc.oneof(
  fc.constantFrom('a=1, b=(1 2);x, c=:AA==:, d=@1, e=%"x%c3%a9", f=1.5, g=?1', 'a=("x" 1.25);p=?0', 'a=-999999999999.999', 'a, b=1'),
  hostileText(['a=1', 'b=(1 2);x', 'c=:AA==:', 'd=@1', 'e=%"x%c3%a9"', 'f=1.5', 'g=?1', ', ', ';', '=', '"', '(', ')', 'é', '999999999999.999', '%"', ' '], 8),
);
const queryish = hostileText(['a=1', '&', 'a=%zz', 'a=2', '+', '%C3%A9', '%FF', '=', 'a', '%'], 6);

const FIELDS = ['signature-input', 'signature', 'content-digest'] as const;
/** The fields a draft's signature depends on: Content-Digest only with a body (without one it is neither covered nor checked). */
const fieldsOf = (d: Draft): readonly string[] => (d.body === undefined ? FIELDS.slice(0, 2) : FIELDS);
const draftAndField = signedDraft.chain((d) => fc.tuple(fc.constant(d), fc.constantFrom(...fieldsOf(d))));

describe('garbage in the signature fields', () => {
  test('a signature field replaced with hostile text is refused with a documented 4xx', async () => {
    const t = mutationApp(OPTIONS);
    await fc.assert(
      fc.asyncProperty(draftAndField, hostileText(), async ([d, field], garbage) => {
        await expectRefused(t, rawDraft(d, { [field]: garbage }), `${field}: ${JSON.stringify(garbage)}`);
      }),
      { numRuns: 600 },
    );
  });

  test('a signature field cut, spliced, doubled or with a character removed is accepted exactly when it still means the same, else refused with a documented 4xx', async () => {
    const t = mutationApp(OPTIONS);
    const cases = draftAndField.chain(([d, name]) => fc.tuple(fc.constant(d), fc.constant(name), mutated(d.headers![name]!)));
    await fc.assert(
      fc.asyncProperty(cases, async ([d, name, value]) => {
        const status = await expectAcceptedOrRefused(t, rawDraft(d, { [name]: value }), `${name}: ${JSON.stringify(value)}`);
        assert.equal(status === 200, sameMeaning(name, d.headers![name]!, value), `${name}: ${JSON.stringify(value)} → ${status}`);
      }),
      { numRuns: 1000 },
    );
  });

  test('a signature field sent on two lines (the valid one and hostile text, either order) is refused with a documented 4xx', async () => {
    const t = mutationApp(OPTIONS);
    await fc.assert(
      fc.asyncProperty(signedDraft, fc.constantFrom('signature-input', 'signature'), hostileText(), fc.boolean(), async (d, name, garbage, first) => {
        const valid = d.headers![name]!;
        // A second line is joined to the first with ", ": one dictionary with a second member, or one that does not parse.
        const both = first ? [garbage, valid] : [valid, garbage];
        const res = await sendRaw(t.app, rawDraft(d, { [name]: both }));
        if (res.status !== 200) assertRefused(res, { secrets: SECRETS, errors: t.errors, what: `${name}: ${JSON.stringify(both)}` });
      }),
      { numRuns: 500 },
    );
  });

  test('Signature-Input covering structured, query-param, trailer and unknown components over hostile field values is refused with a documented 4xx', async () => {
    const t = mutationApp(OPTIONS);
    await fc.assert(
      fc.asyncProperty(structuredInput, fc.uint8Array({ maxLength: 80 }), dictish, dictish, queryish, async (signatureInput, bytes, dict, list, query) => {
        const headers: Array<[string, string]> = [['host', AUTHORITY], ['signature-input', signatureInput], ['signature', `sig1=:${Buffer.from(bytes).toString('base64')}:`]];
        for (const [name, value] of [['x-dict', dict], ['priority', dict], ['x-list', list], ['cache-status', list], ['client-cert', list], ['x-dup', dict], ['x-dup', list]]) headers.push([name!, value!]);
        await expectRefused(t, { method: 'GET', target: `/p?${query}`, headers }, `${signatureInput} over ${dict} / ${list} ?${query}`);
      }),
      { numRuns: 1000 },
    );
  });

  test('hostile bytes, CR, LF and characters beyond latin1 given straight to createVerifier are refused with a documented SignatureError', async () => {
    const verifier = createVerifier({ keys: KEYS, now: () => NOW * 1000 });
    const anything = hostileText([...HOSTILE, '\r', '\n', '\u2028', '\ud800', '😀', 'sig1=', '("@method")', ':AAAA:']);
    await fc.assert(
      fc.asyncProperty(draftAndField, anything, async ([d, name], garbage) => {
        const headers = { ...d.headers, [name]: garbage };
        const request = { ...message({ ...d, headers }), body: () => Promise.resolve(Buffer.from(d.body ?? '')) };
        await assertVerifierRefuses(verifier.verify(request), `${name}: ${JSON.stringify(garbage)}`);
      }),
      { numRuns: 600 },
    );
  });
});

describe('key ids', () => {
  // Found while mutating keyid: parseKeys assigned each entry with out[keyId] = …, so "__proto__" set the
  // record's prototype instead of adding the key, and a request under that key id was ERR_SIG_UNKNOWN_KEY.
  test('a keys file entry under the key id "__proto__" is a key like the others: its signed request is accepted', async () => {
    const keys = parseKeys(JSON.parse(`{ "keys": { "__proto__": { "alg": "hmac-sha256", "secret": "${OTHER_SECRET}" } } }`));
    assert.deepEqual(Object.keys(keys), ['__proto__']);
    const t = mutationApp({ ...OPTIONS, keys });
    const res = await sendRaw(t.app, rawDraft(sign(LIST(), { keyId: '__proto__', key: OTHER_SECRET })));
    assert.equal(res.status, 200, res.body.toString());
  });
});

describe('bounded work', () => {
  /** A Signature-Input covering the required components and one component per name, up to `budget` characters. */
  const covering = (names: readonly string[], item: (name: string) => string, budget: number): string => {
    let list = '"@method" "@authority" "@path" "@query"';
    for (const name of names) if (list.length + item(name).length + 1 <= budget) list += ` ${item(name)}`;
    return `sig1=(${list});created=${NOW};nonce="n";keyid="k-hmac"`;
  };
  const names = Array.from({ length: 6000 }, (_, i) => `k${i.toString(36)}`);
  /** A server that allows 64 KiB of header fields (the default is 16 KiB): the work must stay linear in them. */
  const limits = resolveLimits({ maxHeaderBytes: 64 * 1024 });

  // Found by measuring the components' cost: the query was parsed and encoded again for every @query-param,
  // and the field parsed again for every ;key=, before any signature check (a key id was all it took): at the
  // default 16 KiB of fields, 5 s and 0.4 s for one request; several seconds each here.
  const cases: Array<[string, RawRequest]> = [
    ['every @query-param of an 8 KiB query', { method: 'GET', target: `/p?${names.slice(0, 1300).join('=1&')}=1`, headers: [['host', AUTHORITY], ['signature-input', covering(names.slice(0, 1200), (n) => `"@query-param";name="${n}"`, 60_000)], ['signature', 'sig1=:AAAA:']] }],
    ['2000 ;key= members of a 25 KiB dictionary field', { method: 'GET', target: '/p', headers: [['host', AUTHORITY], ['x', names.slice(0, 4000).join(', ')], ['signature-input', covering(names.slice(0, 2000), (n) => `"x";key="${n}"`, 32_000)], ['signature', 'sig1=:AAAA:']] }],
  ];
  for (const [what, request] of cases) {
    test(`a signature covering ${what} is refused with ERR_SIG_INVALID within a second`, async () => {
      const started = performance.now();
      // ERR_SIG_INVALID: every component was resolved, the signature base built.
      await expectRefusal(mutationApp(OPTIONS), request, { what, secrets: SECRETS, codes: ['ERR_SIG_INVALID'], limits });
      assert.ok(performance.now() - started < 1_000, `${what}: ${Math.round(performance.now() - started)} ms`);
    });
  }
});
