/**
 * Webhook verification (Stripe, Slack, GitHub) under mutation, through an
 * App with `verifySignature` (debug on) and raw request bytes. Starting
 * from deliveries signed by the project's own header helpers:
 *   - garbage: a signature or timestamp header replaced, cut, spliced or
 *     doubled is accepted only when it still reads the same, else a 4xx
 *     with a documented code, never a 500; no answer shows the secret;
 *   - soundness: one byte of the body, the signed time or one hex digit of
 *     the signature changed is refused;
 *   - replay: the same delivery again, also with its signature written
 *     another way, is ERR_SIG_REPLAYED.
 * Method, path and query are not signed by these vendors, so they are not mutated.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Scheme } from '../../../src/sign/scheme.ts';
import { githubSignatureHeaders, githubWebhook, slackSignature, slackSignatureHeaders, stripeSignatureHeader, stripeWebhook } from '../../../src/sign/webhooks/index.ts';
import { parseStripeSignatureHeader } from '../../../src/sign/webhooks/stripe-format.ts';
import { assertRefused, expectRefusal, hostileText, mutated, mutationApp, replaceAt, sendRaw, type MutationApp, type RawRequest } from '../verify-mutations.fixture.ts';

const NOW = 1_700_000_000;
const SECRETS = { stripe: 'whsec_mutation_4f1c', slack: 'slack-mutation-secret-8d2e', github: 'github-mutation-secret-c07a' } as const;

type Vendor = keyof typeof SECRETS;

interface VendorCase {
  readonly scheme: () => Scheme;
  /** The headers a delivery of `body` signed at NOW + `offset` carries. */
  readonly sign: (body: string, offset?: number) => Record<string, string>;
  /** The signature header (and the timestamp header, for Slack). */
  readonly fields: readonly string[];
  /** The model of a no-op: the mutated header reads the same as the original. */
  readonly same: (name: string, original: string, value: string) => boolean;
}

const trimmed = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, '');
const hexSame = (prefix: string) => (original: string, value: string): boolean => trimmed(value).startsWith(prefix) && trimmed(value).toLowerCase() === original.toLowerCase();

const VENDORS: Readonly<Record<Vendor, VendorCase>> = {
  stripe: {
    scheme: () => stripeWebhook({ secret: SECRETS.stripe }),
    sign: (body, offset = 0) => ({ 'Stripe-Signature': stripeSignatureHeader({ payload: body, secret: SECRETS.stripe, timestamp: NOW + offset }) }),
    fields: ['Stripe-Signature'],
    // Other items (v0, unknown keys) are ignored; t is a number (leading zeros read the same); any v1 may match.
    same: (_name, original, value) => {
      try {
        const before = parseStripeSignatureHeader(original);
        const after = parseStripeSignatureHeader(trimmed(value));
        return after.timestamp === before.timestamp && after.v1.some((v) => v.toLowerCase() === before.v1[0]);
      } catch {
        return false;
      }
    },
  },
  slack: {
    scheme: () => slackSignature({ signingSecret: SECRETS.slack }),
    sign: (body, offset = 0) => ({ ...slackSignatureHeaders({ body, signingSecret: SECRETS.slack, timestamp: NOW + offset }) }),
    fields: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'],
    // The timestamp is signed as its text; the hex digest reads the same in either case.
    same: (name, original, value) => (name === 'X-Slack-Signature' ? hexSame('v0=')(original, value) : trimmed(value) === original),
  },
  github: {
    scheme: () => githubWebhook({ secret: SECRETS.github }),
    sign: (body) => ({ ...githubSignatureHeaders({ payload: body, secret: SECRETS.github }) }),
    fields: ['X-Hub-Signature-256', 'X-GitHub-Delivery'],
    // The delivery GUID is not signed (docs/signing.md): any well-formed one is accepted.
    same: (name, original, value) => (name === 'X-Hub-Signature-256' ? hexSame('sha256=')(original, value) : /^[A-Za-z0-9-]{1,128}$/.test(trimmed(value))),
  },
};

const vendor = fc.constantFrom<Vendor>('stripe', 'slack', 'github');
const body = fc.string({ unit: fc.constantFrom('{', '}', '"', 'a', '1', ':', ',', ' ', 'é', '\\'), minLength: 1, maxLength: 40 });

function newApp(v: Vendor): MutationApp {
  return mutationApp({ scheme: VENDORS[v].scheme(), now: () => NOW * 1000, debug: true });
}

function raw(headers: Readonly<Record<string, string>>, payload: string | Uint8Array): RawRequest {
  return { method: 'POST', target: '/hook', headers: [['host', 'hooks.example.test'], ['content-type', 'application/json'], ...Object.entries(headers)], body: payload };
}

async function expectRefused(t: MutationApp, request: RawRequest, what: string, codes?: readonly string[]): Promise<void> {
  await expectRefusal(t, request, { what: `${what}: ${JSON.stringify(request.headers)}`, secrets: Object.values(SECRETS), ...(codes === undefined ? {} : { codes }) });
}

const delivery = fc.tuple(vendor, body).chain(([v, b]) => fc.tuple(fc.constant(v), fc.constant(b), fc.constantFrom(...VENDORS[v].fields)));

describe('garbage in the webhook signature headers', () => {
  test('a signature or timestamp header replaced with hostile text is accepted only when it reads the same, else refused with a documented 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(delivery, hostileText(), async ([v, b, name], garbage) => {
        const headers = VENDORS[v].sign(b);
        const t = newApp(v);
        const res = await sendRaw(t.app, raw({ ...headers, [name]: garbage }, b));
        const what = `${v} ${name}: ${JSON.stringify(garbage)} → ${res.status} ${res.body.toString()}`;
        assert.equal(res.status === 200, VENDORS[v].same(name, headers[name]!, garbage), what);
        if (res.status !== 200) assertRefused(res, { secrets: Object.values(SECRETS), errors: t.errors, what });
      }),
      { numRuns: 600 },
    );
  });

  test('a signature or timestamp header cut, spliced or doubled is accepted only when it reads the same, else refused with a documented 4xx', async () => {
    const cases = delivery.chain(([v, b, name]) => {
      const headers = VENDORS[v].sign(b);
      return fc.tuple(fc.constant(v), fc.constant(b), fc.constant(name), fc.constant(headers), mutated(headers[name]!));
    });
    await fc.assert(
      fc.asyncProperty(cases, async ([v, b, name, headers, value]) => {
        const t = newApp(v);
        const res = await sendRaw(t.app, raw({ ...headers, [name]: value }, b));
        const what = `${v} ${name}: ${JSON.stringify(value)} → ${res.status} ${res.body.toString()}`;
        assert.equal(res.status === 200, VENDORS[v].same(name, headers[name]!, value), what);
        if (res.status !== 200) assertRefused(res, { secrets: Object.values(SECRETS), errors: t.errors, what });
      }),
      { numRuns: 1000 },
    );
  });

  test('Stripe-Signature with a huge or repeated t, or more than 16 items, is refused with ERR_SIG_MALFORMED or ERR_SIG_EXPIRED', async () => {
    const t = newApp('stripe');
    const header = fc.oneof(
      fc.constantFrom('9'.repeat(13), '9'.repeat(400), '1e9', '-1', '0x1', '').map((time) => `t=${time},v1=${'a'.repeat(64)}`),
      fc.nat({ max: 20 }).map((n) => [`t=${NOW}`, `t=${NOW}`, ...Array.from({ length: n }, () => `v1=${'b'.repeat(64)}`)].join(',')),
      fc.integer({ min: 16, max: 40 }).map((n) => [`t=${NOW}`, ...Array.from({ length: n }, () => `v0=${'c'.repeat(64)}`)].join(',')),
    );
    await fc.assert(
      fc.asyncProperty(header, async (value) => {
        await expectRefused(t, raw({ 'Stripe-Signature': value }, '{}'), value.slice(0, 60), ['ERR_SIG_MALFORMED', 'ERR_SIG_EXPIRED']);
      }),
      { numRuns: 200 },
    );
  });
});

/* Soundness. The hex digits are replaced by other hex digits (a change of case reads the same). */
const otherHex = (text: string, from: number): fc.Arbitrary<string> =>
  fc.tuple(fc.integer({ min: from, max: text.length - 1 }), fc.nat()).map(([i, pick]) => {
    const others = '0123456789abcdef'.replace(text[i]!.toLowerCase(), '');
    return replaceAt(text, i, others[pick % others.length]!);
  });
const SIGNATURE_FIELD: Readonly<Record<Vendor, [name: string, hexFrom: (value: string) => number]>> = {
  stripe: ['Stripe-Signature', (value) => value.indexOf('v1=') + 3],
  slack: ['X-Slack-Signature', () => 3],
  github: ['X-Hub-Signature-256', () => 7],
};

describe('soundness: one change to what a webhook signature covers', () => {
  test('one byte of the body changed is refused with ERR_SIG_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(vendor, body, fc.nat(), fc.integer({ min: 1, max: 255 }), async (v, b, at, x) => {
        const bytes = Buffer.from(b);
        bytes[at % bytes.length] = bytes[at % bytes.length]! ^ x;
        await expectRefused(newApp(v), raw(VENDORS[v].sign(b), bytes), `${v} body`, ['ERR_SIG_INVALID']);
      }),
      { numRuns: 500 },
    );
  });

  test('one hex digit of the signature changed to another value is refused with ERR_SIG_INVALID', async () => {
    const cases = fc.tuple(vendor, body).chain(([v, b]) => {
      const headers = VENDORS[v].sign(b);
      const [name, from] = SIGNATURE_FIELD[v];
      return otherHex(headers[name]!, from(headers[name]!)).map((value) => [v, raw({ ...headers, [name]: value }, b)] as const);
    });
    await fc.assert(
      fc.asyncProperty(cases, async ([v, request]) => {
        await expectRefused(newApp(v), request, `${v} signature`, ['ERR_SIG_INVALID']);
      }),
      { numRuns: 500 },
    );
  });

  test('the signed time moved within the window (Stripe t, Slack timestamp) is refused with ERR_SIG_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Vendor>('stripe', 'slack'), body, fc.integer({ min: -300, max: 300 }).filter((x) => x !== 0), async (v, b, x) => {
        const headers = VENDORS[v].sign(b);
        const moved = v === 'stripe' ? { 'Stripe-Signature': headers['Stripe-Signature']!.replace(`t=${NOW}`, `t=${NOW + x}`) } : { 'X-Slack-Request-Timestamp': String(NOW + x) };
        await expectRefused(newApp(v), raw({ ...headers, ...moved }, b), `${v} time ${x}`, ['ERR_SIG_INVALID']);
      }),
      { numRuns: 300 },
    );
  });
});

/* The same delivery again, as it was or with its signature's hex in upper case (which reads the same). */
const REWRITES: ReadonlyArray<[string, (v: Vendor, headers: Record<string, string>) => Record<string, string>]> = [
  ['sent again as it was', (_v, headers) => headers],
  [
    'with its signature\'s hex in upper case',
    (v, headers) => {
      const [name, from] = SIGNATURE_FIELD[v];
      const value = headers[name]!;
      return { ...headers, [name]: value.slice(0, from(value)) + value.slice(from(value)).toUpperCase() };
    },
  ],
];

describe('replay', () => {
  test('a verified delivery sent again, as it was or with its signature written another way, is refused with ERR_SIG_REPLAYED', async () => {
    await fc.assert(
      fc.asyncProperty(vendor, body, fc.constantFrom(...REWRITES), async (v, b, [how, rewrite]) => {
        const headers = VENDORS[v].sign(b);
        assert.equal((await sendRaw(newApp(v).app, raw(rewrite(v, headers), b))).status, 200, `${how} is accepted on its own`);
        const t = newApp(v);
        assert.equal((await sendRaw(t.app, raw(headers, b))).status, 200);
        await expectRefused(t, raw(rewrite(v, headers), b), `${v} ${how}`, ['ERR_SIG_REPLAYED']);
        assert.equal(t.handled(), 1);
      }),
      { numRuns: 300 },
    );
  });
});
