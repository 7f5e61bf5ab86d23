/**
 * RFC 9421 soundness and replay, through an App with `verifySignature`
 * (debug on) and raw request bytes, starting from requests signed the way
 * clients sign them:
 *   - one change to what the signature covers (body, method, path, query,
 *     Host, a covered field, the signature bytes, keyid, created, nonce, a
 *     parameter, the component list) is refused with the expected code;
 *   - the same request again, as it was or rewritten without changing its
 *     meaning, is refused with ERR_SIG_REPLAYED.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AUTHORITY, KEYS, NOW, OTHER_SECRET, SECRET, type Draft } from './verify-policy.fixture.ts';
import { expectRefusal, mutationApp, rawDraft, replaceAt, sameClassOther, sendRaw, signedDraft, type MutationApp, type RawRequest } from './verify-mutations.fixture.ts';

const SECRETS = [SECRET, OTHER_SECRET];
const OPTIONS = { keys: KEYS, now: () => NOW * 1000, debug: true } as const;

async function expectRefused(t: MutationApp, request: RawRequest, what: string, codes: readonly string[]): Promise<void> {
  await expectRefusal(t, request, { what, secrets: SECRETS, codes });
}

/*
 * Soundness. Each mutation changes one thing the signature covers, in a way that certainly changes the
 * request's meaning, so accepting it would be wrong. Left out on purpose, because they are no-ops by design:
 * the case of @authority (normalized to lower case), whitespace at a field's edges (trimmed), optional
 * whitespace and parameter spelling inside Signature-Input that parse to the same values (verified over their
 * serialization), the base64 padding bits of the Signature bytes (RFC 9651 §4.2.7 ignores them), and the
 * label (RFC 9421 does not sign it). Characters are replaced within their class (letter by letter, digit by
 * digit) so that the result stays well-formed and reaches the signature check.
 */
interface Mutation {
  readonly name: string;
  /** The codes a refusal may carry. */
  readonly codes: readonly string[];
  readonly applies?: (d: Draft) => boolean;
  readonly mutate: (d: Draft) => fc.Arbitrary<RawRequest>;
}

const input = (d: Draft): string => d.headers!['signature-input']!;
const withInput = (d: Draft, value: string): RawRequest => rawDraft(d, { 'signature-input': value });
/** An index of `text` whose character is a letter or a digit, from `from` on. */
const alnumIndex = (text: string, from = 0): fc.Arbitrary<number> =>
  fc.constantFrom(...[...text].map((c, i) => (i >= from && /[A-Za-z0-9]/.test(c) ? i : -1)).filter((i) => i >= 0));
const changedChar = (text: string, from = 0): fc.Arbitrary<string> =>
  fc.tuple(alnumIndex(text, from), fc.nat()).map(([i, pick]) => replaceAt(text, i, sameClassOther(text[i]!, pick)));
const targetParts = (d: Draft): [string, string] => [d.target.slice(0, d.target.indexOf('?')), d.target.slice(d.target.indexOf('?') + 1)];
const componentsOf = (d: Draft): string[] => /\(([^)]*)\)/.exec(input(d))![1]!.split(' ');
const withComponents = (d: Draft, components: readonly string[]): RawRequest => withInput(d, input(d).replace(/\([^)]*\)/, `(${components.join(' ')})`));

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'one byte of the body',
    codes: ['ERR_SIG_DIGEST'],
    applies: (d) => d.body !== undefined,
    mutate: (d) => {
      const bytes = Buffer.from(d.body!);
      return fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const body = Buffer.from(bytes);
        body[i] = body[i]! ^ x;
        return { ...rawDraft(d), body };
      });
    },
  },
  {
    name: 'the method',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) => fc.constantFrom(...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => m !== d.method)).map((method) => ({ ...rawDraft(d), method })),
  },
  { name: 'a character of the path', codes: ['ERR_SIG_INVALID'], mutate: (d) => changedChar(targetParts(d)[0]).map((path) => ({ ...rawDraft(d), target: `${path}?${targetParts(d)[1]}` })) },
  { name: 'a character of the query', codes: ['ERR_SIG_INVALID'], mutate: (d) => changedChar(targetParts(d)[1]).map((query) => ({ ...rawDraft(d), target: `${targetParts(d)[0]}?${query}` })) },
  {
    name: 'a parameter added to the query, or the query removed',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) => fc.constantFrom(`${d.target}&x=1`, `${d.target}&`, targetParts(d)[0]).map((target) => ({ ...rawDraft(d), target })),
  },
  {
    name: 'a character of the Host',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) => changedChar(AUTHORITY).map((host) => ({ ...rawDraft(d), headers: rawDraft(d).headers.map(([n, v]) => [n, n === 'host' ? host : v] as const) })),
  },
  { name: 'a character of the covered Content-Type', codes: ['ERR_SIG_INVALID'], applies: (d) => d.body !== undefined, mutate: (d) => changedChar(d.headers!['content-type']!).map((v) => rawDraft(d, { 'content-type': v })) },
  {
    // A changed base64 character may leave the digest's bytes alone (padding bits): the covered field's text still differs.
    name: 'a character of the covered Content-Digest',
    codes: ['ERR_SIG_DIGEST', 'ERR_SIG_INVALID'],
    applies: (d) => d.body !== undefined,
    mutate: (d) => changedChar(d.headers!['content-digest']!, 'sha-256=:'.length).map((v) => rawDraft(d, { 'content-digest': v })),
  },
  {
    name: 'one bit of the signature bytes',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) => {
      const bytes = Buffer.from(/:([^:]*):/.exec(d.headers!.signature!)![1]!, 'base64');
      return fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.nat({ max: 7 })).map(([i, bit]) => {
        const flipped = Buffer.from(bytes);
        flipped[i] = flipped[i]! ^ (1 << bit);
        return rawDraft(d, { signature: `sig1=:${flipped.toString('base64')}:` });
      });
    },
  },
  {
    name: 'the keyid: another key, or one character changed',
    codes: ['ERR_SIG_INVALID', 'ERR_SIG_UNKNOWN_KEY'],
    mutate: (d) => fc.oneof(fc.constantFrom('k-hmac-2', 'k-ed'), changedChar('k-hmac')).map((keyid) => withInput(d, input(d).replace('keyid="k-hmac"', `keyid="${keyid}"`))),
  },
  {
    name: 'created, moved within the window',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) => fc.integer({ min: -300, max: 300 }).filter((x) => x !== 0).map((x) => withInput(d, input(d).replace(`created=${NOW}`, `created=${NOW + x}`))),
  },
  {
    name: 'a character of the nonce',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) => {
      const nonce = /nonce="([^"]*)"/.exec(input(d))![1]!;
      return changedChar(nonce).map((other) => withInput(d, input(d).replace(nonce, other)));
    },
  },
  {
    name: 'a parameter added (alg, expires, tag)',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) => fc.constantFrom(';alg="hmac-sha256"', `;expires=${NOW + 60}`, ';tag="app"').map((p) => withInput(d, input(d) + p)),
  },
  {
    name: 'a covered component dropped',
    codes: ['ERR_SIG_COMPONENTS', 'ERR_SIG_INVALID'],
    mutate: (d) => fc.nat({ max: componentsOf(d).length - 1 }).map((i) => withComponents(d, componentsOf(d).filter((_, j) => j !== i))),
  },
  {
    name: 'two covered components swapped',
    codes: ['ERR_SIG_INVALID'],
    mutate: (d) =>
      fc.nat({ max: componentsOf(d).length - 2 }).map((i) => {
        const list = componentsOf(d);
        [list[i], list[i + 1]] = [list[i + 1]!, list[i]!];
        return withComponents(d, list);
      }),
  },
];

describe('soundness: one change to what the signature covers', () => {
  for (const mutation of MUTATIONS) {
    test(`${mutation.name} is refused with ${mutation.codes.join(' or ')}`, async () => {
      const t = mutationApp(OPTIONS);
      const cases = signedDraft.filter((d) => mutation.applies?.(d) ?? true).chain((d) => mutation.mutate(d));
      await fc.assert(
        fc.asyncProperty(cases, async (request) => {
          await expectRefused(t, request, `${mutation.name}: ${request.method} ${request.target} ${JSON.stringify(request.headers)}`, mutation.codes);
        }),
        { numRuns: 300 },
      );
    });
  }
});

/* Rewrites that keep the request's meaning: each is accepted on its own, so each is the same request again. */
const REWRITES: ReadonlyArray<[string, (d: Draft) => RawRequest]> = [
  ['sent again as it was', (d) => rawDraft(d)],
  ['with a leading zero in created', (d) => withInput(d, input(d).replace('created=', 'created=0'))],
  ['with a space after a ";" of Signature-Input', (d) => withInput(d, input(d).replace(';nonce=', '; nonce='))],
  ['with Signature sent twice on one line', (d) => rawDraft(d, { signature: `${d.headers!.signature!}, ${d.headers!.signature!}` })],
  ['with Signature without its base64 padding', (d) => rawDraft(d, { signature: d.headers!.signature!.replace(/=+:$/, ':') })],
];

describe('replay', () => {
  test('a verified request sent again, as it was or rewritten without changing its meaning, is refused with ERR_SIG_REPLAYED', async () => {
    await fc.assert(
      fc.asyncProperty(signedDraft, fc.constantFrom(...REWRITES), async (d, [how, rewrite]) => {
        const fresh = mutationApp(OPTIONS);
        assert.equal((await sendRaw(fresh.app, rewrite(d))).status, 200, `${how} is accepted on its own`);
        const t = mutationApp(OPTIONS);
        assert.equal((await sendRaw(t.app, rawDraft(d))).status, 200);
        await expectRefused(t, rewrite(d), `${how}`, ['ERR_SIG_REPLAYED']);
        assert.equal(t.handled(), 1);
      }),
      { numRuns: 300 },
    );
  });
});

