/**
 * Property tests of `c.req` input parsing, driven through `app.request()`
 * with hostile inputs built from the characters that matter: query strings,
 * route params and urlencoded bodies (`%`, `+`, `&`, `=`, bad escapes, raw
 * bytes) against a strict decoding model, and `splitTarget` against a URL
 * parser; `param()` of names the route lacks; the charset of `text()`
 * (quoted, upper-case, unknown, a byte order mark) against the WHATWG
 * decoders; and `json()` on valid, cut, BOM-prefixed and deeply nested
 * bodies. Cookies are in cookies.property.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { InProcessResponse } from '../../src/index.ts';
import { splitTarget } from '../../src/app/request.ts';
import { assertError, codeOf, quietApp } from '../helpers/app.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The model of one urlencoded component: "+" is a space (not in a path
 * segment), each `%XX` is a byte, the bytes must be UTF-8. `undefined` when
 * any of that fails.
 */
function modelDecode(text: string, plusIsSpace = true): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      bytes.push(...Buffer.from(char === '+' && plusIsSpace ? ' ' : char));
      i += char.length;
    }
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** The model of a whole urlencoded string: its pairs, or undefined when one is malformed. */
function modelPairs(text: string): Array<[string, string]> | undefined {
  const out: Array<[string, string]> = [];
  for (const pair of text.split('&').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    const name = modelDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : modelDecode(pair.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    out.push([name, value]);
  }
  return out;
}

const ESCAPES = ['%', '%2', '%20', '%2B', '%25', '%3D', '%26', '%C3%A9', '%E2%9C%93', '%C3', '%A9', '%FF', '%ED%A0%80', '%EF%BB%BF', '%G0', '%0G', '%zz'];
const queryUnit = fc.constantFrom('a', 'b', '=', '&', '+', '2', 'C', 'F', ...ESCAPES);
const queryName = fc.constantFrom('a', 'b', 'a b', ' ', '', 'é', '+', '=');

describe('query strings', () => {
  const app = quietApp();
  app.get('/first', (c) => c.json({ value: c.req.query(decodeURIComponent(c.req.header('x-name') ?? '')) ?? null }));
  app.get('/all', (c) => c.json({ values: c.req.queries(decodeURIComponent(c.req.header('x-name') ?? '')) }));

  test('queries() answers the strict model for any query, or 400 ERR_BAD_QUERY when any escape is malformed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: queryUnit, maxLength: 16 }), queryName, async (search, name) => {
        const res = await app.request(`/all?${search}`, { headers: { 'x-name': encodeURIComponent(name) } });
        const pairs = modelPairs(search);
        if (pairs === undefined) return assertError(res, 400, 'ERR_BAD_QUERY', search);
        assert.equal(res.status, 200, search);
        assert.deepEqual(await res.json(), { values: pairs.filter(([n]) => n === name).map(([, v]) => v) }, search);
      }),
      { numRuns: 1500 },
    );
  });

  test('query() gives the first value of queries(), and is 400 ERR_BAD_QUERY exactly when a "%" escape is malformed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: queryUnit, maxLength: 16 }), queryName, async (search, name) => {
        const res = await app.request(`/first?${search}`, { headers: { 'x-name': encodeURIComponent(name) } });
        const pairs = modelPairs(search);
        if (pairs === undefined) return assertError(res, 400, 'ERR_BAD_QUERY', search);
        assert.equal(res.status, 200, search);
        assert.deepEqual(await res.json(), { value: pairs.find(([n]) => n === name)?.[1] ?? null }, search);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('splitTarget', () => {
  test('an absolute-form target splits into the path and query a URL parser finds, as its origin-form does', () => {
    const rest = fc.string({ unit: fc.constantFrom('/', 'a', '?', '=', '&', '%41', '+'), maxLength: 12 });
    const tail = fc.oneof(fc.constant(['', ''] as const), fc.tuple(fc.constantFrom('/', '?'), rest));
    fc.assert(
      fc.property(fc.constantFrom('http://h', 'https://a.example:8080', 'http://[::1]'), tail, (origin, [first, more]) => {
        const target = `${origin}${first}${more}`;
        const url = new URL(target);
        const search = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
        assert.equal(url.search, search === '' ? '' : `?${search}`, target);
        assert.deepEqual(splitTarget(target), [url.pathname, search], target);
        assert.deepEqual(splitTarget(`${url.pathname}${target.includes('?') ? `?${search}` : ''}`), [url.pathname, search], target);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('route params', () => {
  const app = quietApp();
  app.get('/r/:id', (c) => c.json({ id: c.req.param('id'), other: c.req.param(decodeURIComponent(c.req.header('x-name') ?? '')) ?? null }));
  const segmentUnit = fc.constantFrom('a', '+', '-', '~', ...ESCAPES);

  test('param() is the segment percent-decoded ("+" kept), or 400 ERR_BAD_PATH for a malformed escape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: segmentUnit, minLength: 1, maxLength: 8 }), async (segment) => {
        const res = await app.request(`/r/${segment}`, { headers: { 'x-name': 'id' } });
        const id = modelDecode(segment, false);
        if (id === undefined) return assertError(res, 400, 'ERR_BAD_PATH', segment);
        assert.equal(res.status, 200, segment);
        assert.deepEqual(await res.json(), { id, other: id }, segment);
      }),
      { numRuns: 1000 },
    );
  });

  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'x', '']) {
    test(`param(${JSON.stringify(name)}) on a route that does not capture it is undefined, not an Object.prototype member`, async () => {
      const res = await app.request('/r/7', { headers: { 'x-name': encodeURIComponent(name) } });
      assert.deepEqual(await res.json(), { id: '7', other: null });
    });
  }
});

describe('urlencoded bodies', () => {
  const limits = { maxFields: 4, maxFieldBytes: 6 };
  const app = quietApp({ formLimits: limits });
  app.post('/form', async (c) => c.json([...(await c.req.form())]));
  const bodyUnit = fc.constantFrom('a', '=', '&', '+', '\r\n', '\n', '\0', 'é', '\u{1F600}', ';', '"', ...ESCAPES);

  test('a body answers the model\'s pairs, 400 ERR_BODY_FORM for a malformed escape, 413 ERR_FORM_LIMIT past a limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: bodyUnit, maxLength: 14 }), async (body) => {
        const headers = { 'content-type': 'application/x-www-form-urlencoded' };
        const res = await app.request('/form', { method: 'POST', headers, body });
        const pairs = modelPairs(body);
        if (pairs === undefined) return assertError(res, 400, 'ERR_BODY_FORM', body);
        if (pairs.length > limits.maxFields || pairs.some(([, v]) => Buffer.byteLength(v) > limits.maxFieldBytes)) {
          return assertError(res, 413, 'ERR_FORM_LIMIT', body);
        }
        assert.equal(res.status, 200, body);
        assert.deepEqual(await res.json(), pairs, body);
      }),
      { numRuns: 1500 },
    );
  });

  test('a body that is not UTF-8 decodes with U+FFFD, as browsers send it, and never answers 500', async () => {
    const res = await app.request('/form', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: Buffer.from([0x61, 0x3d, 0xff, 0xc3]),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), [['a', '\ufffd\ufffd']]);
  });
});

/** Charset labels: WHATWG labels in several spellings, ones Node cannot decode, and made-up ones. */
const LABELS = [
  'utf-8', 'UTF-8', 'Utf8', 'unicode-1-1-utf-8', 'iso-8859-1', 'latin1', 'windows-1252', 'us-ascii', 'utf-16le', 'UTF-16BE',
  'utf-16', 'koi8-r', 'shift_jis', 'gb18030', 'iso-2022-kr', 'replacement', 'x-user-defined', 'utf-7', 'x-klingon', 'utf-8x', '8859',
];
const BOMS = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]];

/** What a WHATWG decoder makes of `bytes` in `label`; undefined when the label is not one Node decodes. */
function modelText(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return undefined;
  }
}

describe('text() and its charset', () => {
  const app = quietApp();
  app.post('/text', async (c) => c.json({ text: await c.req.text() }));
  const contentType = fc
    .tuple(fc.constantFrom(...LABELS), fc.constantFrom('charset', 'CHARSET', 'Charset'), fc.boolean(), fc.constantFrom(';', '; ', ' ;\t'), fc.constantFrom('', '; format=flowed'))
    .map(([label, param, quoted, sep, tail]) => ({ label, type: `text/plain${sep}${param}=${quoted ? `"${label}"` : label}${tail}` }));

  test('decodes as the WHATWG decoder of the charset does (a leading BOM removed), or answers 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    await fc.assert(
      fc.asyncProperty(contentType, fc.constantFrom(...BOMS), fc.uint8Array({ maxLength: 12 }), async ({ label, type }, bom, rest) => {
        const bytes = Uint8Array.from([...bom, ...rest]);
        const res = await app.request('/text', { method: 'POST', headers: { 'content-type': type }, body: bytes });
        const expected = modelText(label, bytes);
        if (expected === undefined) return assertError(res, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE', type);
        assert.equal(res.status, 200, type);
        assert.deepEqual(await res.json(), { text: expected }, `${type} ${Buffer.from(bytes).toString('hex')}`);
      }),
      { numRuns: 1500 },
    );
  });

  test('a UTF-8 byte order mark is not part of the text, with or without a charset parameter', async () => {
    const body = Buffer.from('\ufeffhé', 'utf8');
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'text/plain; charset=unicode-1-1-utf-8']) {
      const res = await app.request('/text', { method: 'POST', headers: { 'content-type': type }, body });
      assert.deepEqual(await res.json(), { text: 'hé' }, type);
    }
  });
});

describe('json()', () => {
  const app = quietApp();
  app.post('/json', async (c) => c.json({ value: await c.req.json() }));
  const space = fc.constantFrom('', ' ', '\t', '\r\n', '\n  ');

  test('any JSON text, with any whitespace and an optional UTF-8 BOM, parses to its value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), space, fc.boolean(), async (value, pad, bom) => {
        const text = `${bom ? '\ufeff' : ''}${pad}${JSON.stringify(value, null, pad === '' ? undefined : 1)}${pad}`;
        const res = await app.request('/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        assert.equal(res.status, 200, text);
        assert.equal(res.body.toString(), JSON.stringify({ value }), text);
      }),
      { numRuns: 500 },
    );
  });

  test('a JSON text cut anywhere is either still JSON (200) or 400 ERR_BODY_JSON, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.nat(), async (value, at) => {
        const whole = JSON.stringify(value);
        const text = whole.slice(0, at % (whole.length + 1));
        const res = await app.request('/json', { method: 'POST', body: text });
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (!valid) return assertError(res, 400, 'ERR_BODY_JSON', text);
        assert.equal(res.status, 200, text);
      }),
      { numRuns: 500 },
    );
  });

  test('200 000 nested arrays parse (no stack overflow); unbalanced ones are 400 ERR_BODY_JSON', async () => {
    const deep = quietApp();
    deep.post('/depth', async (c) => {
      let depth = 0;
      for (let node: unknown = await c.req.json(); Array.isArray(node); node = node[0]) depth++;
      c.json({ depth });
    });
    const n = 200_000;
    const res = await deep.request('/depth', { method: 'POST', body: `${'['.repeat(n)}${']'.repeat(n)}` });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { depth: n });
    await assertError(await deep.request('/depth', { method: 'POST', body: `${'['.repeat(n)}${']'.repeat(n - 1)}` }), 400, 'ERR_BODY_JSON', 'unbalanced');
  });

  for (const [what, body, type] of [
    ['a lone BOM', '\ufeff', 'application/json'],
    ['two BOMs', '\ufeff\ufeff{}', 'application/json'],
    ['a NUL byte', '{"a":\u00001}', 'application/json'],
    ['a UTF-16 body under a UTF-8 label', Buffer.from('{"a":1}', 'utf16le'), 'application/json'],
  ] as const) {
    test(`json() of ${what} is 400 ERR_BODY_JSON`, async () => {
      await assertError(await app.request('/json', { method: 'POST', headers: { 'content-type': type }, body }), 400, 'ERR_BODY_JSON', what);
    });
  }

  test('json() under an unknown charset is 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await app.request('/json', { method: 'POST', headers: { 'content-type': 'application/json; charset=x-klingon' }, body: '{}' });
    await assertError(res, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE', 'x-klingon');
  });
});
