/**
 * Property tests of cookies, driven through `app.request()` and the pure
 * functions: cookies sent as RFC 6265 pairs read back as sent, a hostile
 * Cookie header never throws, and `setCookie` / `serializeCookie` either
 * throw `ERR_INVALID_COOKIE` or write a header that cannot carry another
 * attribute or header.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseCookies, serializeCookie, SignwireError, type CookieOptions, type InProcessResponse } from '../../src/index.ts';
import { assertError, codeOf, quietApp } from '../helpers/app.ts';

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcXYZ";
/** cookie-octet (RFC 6265 §4.1.1) without the letters, so names and values collide. */
const COOKIE_OCTETS = '!#$%&\'()*+-./:<>?@[]^_`{|}~0aZ';
const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 4 });
const cookieValue = fc.string({ unit: fc.constantFrom(...COOKIE_OCTETS), maxLength: 5 });

describe('cookies', () => {
  const app = quietApp();
  app.get('/c', (c) => c.json({ value: c.req.cookie(decodeURIComponent(c.req.header('x-name') ?? '')) ?? null }));

  test('cookies sent as RFC 6265 pairs (quoted or not, any OWS, repeated names, several header entries) read back as sent, the first of a name winning', async () => {
    const pair = fc.tuple(token, cookieValue, fc.boolean());
    const ows = fc.constantFrom('', ' ', '  ');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(pair, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }), ows, token, async (fields, gap, asked) => {
        const headers = fields.map((pairs): [string, string] => ['cookie', pairs.map(([n, v, q]) => `${n}=${q ? `"${v}"` : v}`).join(`;${gap}`)]);
        const all = fields.flat();
        const wanted = all.find(([n]) => n === asked) ?? all[0]!;
        const res = await app.request('/c', { headers: [...headers, ['x-name', encodeURIComponent(wanted[0])]] });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { value: wanted[1] }, JSON.stringify(headers));
      }),
      { numRuns: 800 },
    );
  });

  test('a hostile Cookie header never throws: names carry no ";", "=" or surrounding whitespace, values no ";"', () => {
    const unit = fc.constantFrom('a', 'b', '=', ';', ' ', '\t', '"', '\\', '%', ',', 'é', '\u{1F600}');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 24 }), (header) => {
        for (const [name, value] of parseCookies(header)) {
          assert.ok(name !== '' && !/[;=]|^\s|\s$/.test(name), JSON.stringify([header, name]));
          assert.ok(!value.includes(';'), JSON.stringify([header, value]));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
/** sane-cookie-date (RFC 6265 §4.1.1, rfc1123-date) with a year a user agent reads back as written (§5.1.1: 1601 or later). */
const SANE_DATE = new RegExp(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (${MONTHS}) (1[6-9]\\d\\d|[2-9]\\d{3}) \\d{2}:\\d{2}:\\d{2} GMT$`);
const attributeUnit = fc.constantFrom('a', '/', '.', ' ', ';', '=', ',', '"', '\r', '\n', '\0', '\x7f', 'é', '\u2028');
const maxAge = fc.oneof(fc.integer({ min: -10, max: 1e6 }), fc.double(), fc.constantFrom(1e21, 2 ** 53, 2 ** 53 + 2, 1.5, -0, Number.MAX_VALUE));
const expires = fc.oneof(fc.date({ noInvalidDate: false }), fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms)));

/** What serializeCookie must refuse, from the RFC 6265 grammar. */
function mustRefuse(name: string, value: string, options: CookieOptions): boolean {
  const badAttribute = (text: string | undefined): boolean => text !== undefined && !/^[\x20-\x3a\x3c-\x7e]+$/.test(text);
  return (
    !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) ||
    !/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/.test(value) ||
    badAttribute(options.path) ||
    badAttribute(options.domain) ||
    (options.maxAge !== undefined && (!Number.isFinite(options.maxAge) || options.maxAge > Number.MAX_SAFE_INTEGER)) ||
    (options.expires !== undefined && !(options.expires.getUTCFullYear() >= 1601 && options.expires.getUTCFullYear() <= 9999))
  );
}

describe('setCookie', () => {
  const hostile = fc.string({ unit: attributeUnit, maxLength: 4 });
  const options = fc.record(
    { path: hostile, domain: hostile, maxAge, expires, httpOnly: fc.boolean(), sameSite: fc.constantFrom('Strict', 'Lax', 'None' as const) },
    { requiredKeys: [] },
  );
  const name = fc.oneof(token, fc.string({ unit: fc.constantFrom('a', '=', ';', ' ', '"', '\r', 'é'), maxLength: 3 }));
  const value = fc.oneof(cookieValue, fc.string({ unit: fc.constantFrom('a', ';', ',', ' ', '"', '\\', '\n', 'é', '='), maxLength: 3 }));

  test('serializeCookie throws ERR_INVALID_COOKIE for what RFC 6265 forbids, and otherwise writes only the attributes asked for', () => {
    fc.assert(
      fc.property(name, value, options, (n, v, o) => {
        let header: string;
        try {
          header = serializeCookie(n, v, o);
        } catch (error) {
          assert.ok(error instanceof SignwireError && error.code === 'ERR_INVALID_COOKIE', String(error));
          assert.ok(mustRefuse(n, v, o), `refused ${JSON.stringify([n, v, o])}: ${String(error)}`);
          return;
        }
        assert.ok(!mustRefuse(n, v, o), `accepted ${JSON.stringify([n, v, o])}: ${header}`);
        assert.match(header, /^[\x20-\x7e]*$/);
        const [pair, ...attributes] = header.split('; ');
        assert.equal(pair, `${n}=${v}`);
        assert.deepEqual(parseCookies(pair), new Map([[n, v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v]]));
        const names = attributes.map((a) => a.split('=', 1)[0]);
        const expected = [
          o.maxAge !== undefined && 'Max-Age', o.expires !== undefined && 'Expires', o.domain !== undefined && 'Domain', o.path !== undefined && 'Path',
          o.httpOnly === true && 'HttpOnly', o.sameSite === 'None' && 'Secure', o.sameSite !== undefined && 'SameSite',
        ].filter((a): a is string => a !== false);
        assert.deepEqual(names, expected, header);
        for (const attribute of attributes) {
          const [key, val] = [attribute.slice(0, attribute.indexOf('=')), attribute.slice(attribute.indexOf('=') + 1)];
          if (key === 'Max-Age') assert.match(val, /^(0|[1-9]\d*)$/, header);
          if (key === 'Expires') assert.match(val, SANE_DATE, header);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('c.setCookie with a refused value answers 500 ERR_INTERNAL and writes no Set-Cookie; an accepted one is sent as serialized', async () => {
    const app = quietApp();
    app.get('/set', (c) => {
      const [n, v] = JSON.parse(decodeURIComponent(c.req.header('x-cookie') ?? '')) as [string, string];
      c.setCookie(n, v, { path: '/' }).text('ok');
    });
    await fc.assert(
      fc.asyncProperty(name, value, async (n, v) => {
        const res = await app.request('/set', { headers: { 'x-cookie': encodeURIComponent(JSON.stringify([n, v])) } });
        if (mustRefuse(n, v, {})) {
          await assertError(res, 500, 'ERR_INTERNAL', [n, v]);
          assert.equal(res.headers.get('set-cookie'), null);
          return;
        }
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('set-cookie'), `${n}=${v}; Path=/`);
      }),
      { numRuns: 500 },
    );
  });

  for (const [what, options] of [
    ['a maxAge of 1e21 (no exponent in Max-Age)', { maxAge: 1e21 }],
    ['a maxAge past 2^53', { maxAge: 2 ** 53 }],
    ['an expires in year 275760 (no 6-digit year)', { expires: new Date(8.64e15) }],
    ['an expires before year 1601 (read back as another year)', { expires: new Date('0099-01-01T00:00:00Z') }],
  ] as const) {
    test(`serializeCookie with ${what} throws ERR_INVALID_COOKIE`, () => {
      assert.throws(() => serializeCookie('a', 'b', options), (error: unknown) => error instanceof SignwireError && error.code === 'ERR_INVALID_COOKIE');
    });
  }

  test('serializeCookie writes the largest safe maxAge and the years 1601 and 9999 as they are', () => {
    assert.equal(serializeCookie('a', 'b', { maxAge: Number.MAX_SAFE_INTEGER }), `a=b; Max-Age=${Number.MAX_SAFE_INTEGER}`);
    assert.equal(serializeCookie('a', 'b', { expires: new Date('1601-01-01T00:00:00Z') }), 'a=b; Expires=Mon, 01 Jan 1601 00:00:00 GMT');
    assert.equal(serializeCookie('a', 'b', { expires: new Date('9999-12-31T23:59:59Z') }), 'a=b; Expires=Fri, 31 Dec 9999 23:59:59 GMT');
  });
});
