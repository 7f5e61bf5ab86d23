/**
 * Property tests of `compress()` through `app.request`: random
 * Accept-Encoding fields (q-values valid and not: `q=0`, `q=1.000`,
 * `q=1.0000`, `q=abc`; duplicates, `*`, `identity;q=0`, case, whitespace,
 * unknown codings) pick the coding a simple model of RFC 9110 §12.5.3
 * picks, and the decoded body is always the original.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { compress, type CompressEncoding } from '../../src/index.ts';
import { quietApp } from '../helpers/app.ts';

const BODY = Array.from({ length: 200 }, (_, i) => `line ${i}: compressible ✓\n`).join('');
const CODINGS = ['gzip', 'GZIP', 'x-gzip', 'br', 'Br', 'deflate', 'zstd', 'identity', 'IDENTITY', '*', 'gzip2', 'g*zip'] as const;
const VALID_Q = ['0', '0.', '0.0', '0.000', '0.001', '0.5', '0.999', '1', '1.', '1.0', '1.000'] as const;
const INVALID_Q = ['1.0000', '0.0001', 'abc', '2', '-1', '', '1.1', '1.001', '.5', '0.5.5', '1e0'] as const;

interface Member {
  readonly text: string;
  /** The coding, lower-cased, and its weight, when the member is well-formed. */
  readonly parsed: { readonly coding: string; readonly q: number } | undefined;
}

const member: fc.Arbitrary<Member> = fc.oneof(
  fc.constantFrom(...CODINGS).map((coding) => ({ text: coding, parsed: { coding: coding.toLowerCase(), q: 1 } })),
  fc.tuple(fc.constantFrom(...CODINGS), fc.constantFrom(...VALID_Q), fc.constantFrom(';q=', ' ;q=', '; q=', ';\tQ=', ' ; q=')).map(([coding, q, sep]) => ({
    text: `${coding}${sep}${q}`,
    parsed: { coding: coding.toLowerCase(), q: Number(q) },
  })),
  fc.tuple(fc.constantFrom(...CODINGS), fc.constantFrom(...INVALID_Q, '0.5'), fc.constantFrom(';q=', ';q =', ';level=', ';q="', ' q=')).map(([coding, q, sep]) => ({
    text: `${coding}${sep}${q}`,
    parsed: sep === ';q=' && (VALID_Q as readonly string[]).includes(q) ? { coding: coding.toLowerCase(), q: Number(q) } : undefined,
  })),
);

/** The model: first weight of each coding; the highest-q offered coding (ties: server order) unless identity beats it. */
function model(members: readonly Member[], offered: readonly CompressEncoding[]): CompressEncoding | undefined {
  const weights = new Map<string, number>();
  for (const m of members) if (m.parsed !== undefined && !weights.has(m.parsed.coding)) weights.set(m.parsed.coding, m.parsed.q);
  let best: CompressEncoding | undefined;
  let bestQ = 0;
  for (const coding of offered) {
    const q = weights.get(coding) ?? (coding === 'gzip' ? weights.get('x-gzip') : undefined) ?? weights.get('*') ?? 0;
    if (q > bestQ) [best, bestQ] = [coding, q];
  }
  return (weights.get('identity') ?? 0) > bestQ ? undefined : best;
}

const OFFERS: ReadonlyArray<readonly CompressEncoding[]> = [['br', 'gzip'], ['gzip', 'br'], ['gzip'], ['br']];
const apps = OFFERS.map((encodings) => {
  const app = quietApp();
  app.use(compress({ threshold: 0, encodings }));
  app.get('/text', (c) => c.text(BODY));
  return app;
});

test('the coding chosen for any Accept-Encoding agrees with the model, and the decoded body is the original', async () => {
  const field = fc.tuple(fc.array(member, { maxLength: 5 }), fc.constantFrom(',', ', ', ' ,', ',,', ' , ')).map(([members, sep]) => ({ members, text: members.map((m) => m.text).join(sep) }));
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: OFFERS.length - 1 }), field, async (which, { members, text }) => {
      const res = await apps[which]!.request('/text', { headers: { 'Accept-Encoding': text } });
      assert.equal(res.status, 200, text);
      const expected = model(members, OFFERS[which]!);
      const encoding = res.headers.get('content-encoding');
      assert.equal(encoding ?? undefined, expected, `Accept-Encoding: ${text} (offered ${OFFERS[which]!.join(', ')})`);
      const body = encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body;
      assert.equal(body.toString('utf8'), BODY);
      assert.match(res.headers.get('vary') ?? '', /Accept-Encoding/);
    }),
    { numRuns: 1000 },
  );
});

test('an Accept-Encoding of arbitrary field characters never fails the request: 200 with the original body', async () => {
  const noise = fc.array(fc.constantFrom('gzip', 'br', '*', 'identity', ';', ',', '=', 'q', '0', '1', '.', ' ', '\t', '"', '\\', '\xe9'), { maxLength: 16 });
  await fc.assert(
    fc.asyncProperty(noise, async (parts) => {
      const text = parts.join('').trim();
      const res = await apps[0]!.request('/text', { headers: text === '' ? {} : { 'Accept-Encoding': text } });
      assert.equal(res.status, 200, text);
      const encoding = res.headers.get('content-encoding');
      const body = encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body;
      assert.equal(body.toString('utf8'), BODY, text);
    }),
    { numRuns: 500 },
  );
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'signwire-compress-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'page.txt'), BODY);

test('a file under compress(): a range (206) is never encoded and holds the identity bytes; a 200 decodes to the file', async () => {
  const app = quietApp();
  app.use(compress({ threshold: 0 }));
  app.get('/page.txt', (c) => c.file(path.join(dir, 'page.txt'), { etag: 'strong' }));
  const identity = Buffer.from(BODY);
  const range = fc.constantFrom(undefined, 'bytes=0-9', 'bytes=-5', 'bytes=5-', 'bytes=0-1,3-4', 'bytes=99999-', 'bytes=x');
  const accept = fc.constantFrom(undefined, 'gzip', 'br', 'gzip;q=0, br;q=0', '*', 'identity');
  await fc.assert(
    fc.asyncProperty(range, accept, async (r, a) => {
      const headers: Record<string, string> = {};
      if (r !== undefined) headers['Range'] = r;
      if (a !== undefined) headers['Accept-Encoding'] = a;
      const res = await app.request('/page.txt', { headers });
      const encoding = res.headers.get('content-encoding');
      assert.ok([200, 206, 416].includes(res.status), JSON.stringify(headers));
      if (res.status === 206) {
        assert.equal(encoding, null);
        const [, start, end] = /^bytes (\d+)-(\d+)\/\d+$/.exec(res.headers.get('content-range') ?? '') ?? [];
        assert.ok(res.body.equals(identity.subarray(Number(start), Number(end) + 1)), JSON.stringify(headers));
      }
      if (res.status !== 200) return;
      const body = encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body;
      assert.ok(body.equals(identity), JSON.stringify(headers));
      assert.equal(res.headers.get('etag')?.startsWith('W/'), encoding !== null, 'an encoded body carries a weak ETag');
      assert.equal(res.headers.get('accept-ranges'), encoding === null ? 'bytes' : null);
    }),
    { numRuns: 300 },
  );
});
