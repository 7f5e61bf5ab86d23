/**
 * Property tests of `c.file()` headers through `app.request`: random `Range`
 * fields (several ranges, suffixes, huge numbers, `bytes=-0`, whitespace,
 * other units) answer 206 with exactly the model's bytes, 416 with
 * `Content-Range: bytes *\/size`, or the whole file; random `If-Match`,
 * `If-None-Match`, `If-Modified-Since`, `If-Unmodified-Since` (weak and
 * strong tags, `*`, HTTP-dates in all three formats and malformed ones)
 * answer what RFC 9110 §13.2.2 says, with malformed dates ignored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { codeOf, quietApp } from '../helpers/app.ts';

const MTIME = new Date('2024-01-02T03:04:05Z');
const SIZES = [0, 1, 10, 1000] as const;
const dir = mkdtempSync(path.join(os.tmpdir(), 'signwire-static-headers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const contents = new Map<number, Buffer>(SIZES.map((size) => [size, Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff))]));
for (const [size, bytes] of contents) {
  writeFileSync(path.join(dir, `${size}.bin`), bytes);
  utimesSync(path.join(dir, `${size}.bin`), MTIME, MTIME);
}

const app = quietApp();
app.get('/weak/:size', (c) => c.file(path.join(dir, `${c.req.param('size')}.bin`)));
app.get('/strong/:size', (c) => c.file(path.join(dir, `${c.req.param('size')}.bin`), { etag: 'strong' }));
app.post('/weak/:size', (c) => c.file(path.join(dir, `${c.req.param('size')}.bin`)));

/** The ETag `c.file` gives a file of `size` bytes (weak unless `strong`). */
function etagOf(size: number, strong: boolean): string {
  return `${strong ? '' : 'W/'}"${size.toString(16)}-${MTIME.getTime().toString(16)}"`;
}

describe('Range (RFC 9110 §14)', () => {
  /** A position near the edges of the file, or far past them. */
  const position = fc.constantFrom('0', '1', '00', '9', '10', '11', '999', '1000', '1001', '9007199254740993', '9'.repeat(40), '');
  const spec = fc.oneof(
    fc.tuple(position, position).map(([first, last]) => `${first}-${last}`),
    fc.constantFrom('-0', '-00', '0', '-', '--1', '1--2', '+1-2', '1-2-3', '0x1-2', '1 - 2', ' 1-2', '1-2 ', '1.5-2', '\xb9-\xb2'),
  );
  const unit = fc.constantFrom('bytes', 'BYTES', 'Bytes', 'bits', 'bytes ', '', 'none');
  const rangeField = fc.tuple(unit, fc.array(spec, { minLength: 0, maxLength: 3 }), fc.constantFrom(',', ', ', ' ,', ',,')).map(
    ([u, specs, sep]) => `${u}=${specs.join(sep)}`,
  );

  /** The model: one satisfiable range, 416, or the whole file (another unit, several or no ranges, bad syntax). */
  function model(field: string, size: number): { start: number; end: number } | 416 | 200 {
    const equals = field.indexOf('=');
    if (field.slice(0, equals).toLowerCase() !== 'bytes') return 200;
    const specs = field.slice(equals + 1).split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (specs.length !== 1) return 200;
    const match = /^([0-9]*)-([0-9]*)$/.exec(specs[0]!);
    if (match === null || (match[1] === '' && match[2] === '')) return 200;
    const first = match[1] === '' ? undefined : BigInt(match[1]!);
    const last = match[2] === '' ? undefined : BigInt(match[2]!);
    const big = BigInt(size);
    if (first === undefined) {
      if (last === 0n || size === 0) return 416;
      return { start: Number(big > last! ? big - last! : 0n), end: size - 1 };
    }
    if (last !== undefined && last < first) return 200;
    if (first >= big) return 416;
    return { start: Number(first), end: Number(last === undefined || last >= big ? big - 1n : last) };
  }

  test('a Range field answers the model: 206 with exactly those bytes, 416 with bytes */size, or the whole file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SIZES), rangeField, async (size, field) => {
        const res = await app.request(`/weak/${size}`, { headers: { Range: field } });
        const whole = contents.get(size)!;
        const expected = model(field, size);
        const label = `${size} bytes, Range: ${field}`;
        if (expected === 200) {
          assert.equal(res.status, 200, label);
          assert.ok(res.body.equals(whole), label);
        } else if (expected === 416) {
          assert.equal(res.status, 416, label);
          assert.equal(codeOf(res), 'ERR_RANGE_NOT_SATISFIABLE', label);
          assert.equal(res.headers.get('content-range'), `bytes */${size}`, label);
        } else {
          assert.equal(res.status, 206, label);
          assert.equal(res.headers.get('content-range'), `bytes ${expected.start}-${expected.end}/${size}`, label);
          assert.equal(res.headers.get('content-length'), String(expected.end - expected.start + 1), label);
          assert.ok(res.body.equals(whole.subarray(expected.start, expected.end + 1)), label);
        }
      }),
      { numRuns: 1500 },
    );
  });

  test('any Range field made of range characters answers 200, 206 or 416 with a body that matches its headers', async () => {
    const noise = fc.array(fc.constantFrom('bytes', '=', '-', ',', ' ', '\t', '0', '1', '9', '99999999999999999999', ';', '"', '*', 'x'), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SIZES), noise, async (size, parts) => {
        const field = parts.join('').trim();
        const res = await app.request(`/weak/${size}`, { headers: field === '' ? {} : { Range: field } });
        assert.ok([200, 206, 416].includes(res.status), `${field} → ${res.status}`);
        if (res.status !== 206) return;
        const [, start, end] = /^bytes (\d+)-(\d+)\/\d+$/.exec(res.headers.get('content-range') ?? '') ?? [];
        assert.ok(res.body.equals(contents.get(size)!.subarray(Number(start), Number(end) + 1)), field);
      }),
      { numRuns: 800 },
    );
  });
});

describe('conditional requests (RFC 9110 §13.2.2)', () => {
  const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  const formats = {
    imf: (d: Date) => d.toUTCString(),
    rfc850: (d: Date) => `${DAY_NAMES[d.getUTCDay()]}, ${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${two(d.getUTCFullYear() % 100)} ${clock(d)} GMT`,
    asctime: (d: Date) => `${DAY_NAMES[d.getUTCDay()]!.slice(0, 3)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${clock(d)} ${d.getUTCFullYear()}`,
  };
  const INVALID_DATES = [
    '1', '0', '9999', 'foo 1', '2099-01-01', '2024-01-02T03:04:05Z', 'Mon, 32 Jan 2099 00:00:00 GMT', 'Thu, 31 Feb 2099 00:00:00 GMT',
    'Tue, 02 Jan 2024 24:04:05 GMT', 'Tue, 02 Jan 2024 03:60:05 GMT', 'Tue, 02 Jan 2099 03:04:05 +0000', 'tue, 02 jan 2099 03:04:05 gmt',
    'Tue, 02 Jan 2099 03:04:05', 'Tue, 2 Jan 2099 03:04:05 GMT', 'Tue, 02 Jan 2099 03:04:05 GMT x', 'Tue,02 Jan 2099 03:04:05 GMT',
    'Tue, 02 Jan 1 03:04:05 GMT', 'Tue Jan 2 03:04:05 2099', 'Tuesday, 02-Jan-2099 03:04:05 GMT', '-1', '1e12', 'GMT',
  ];
  /** Seconds around the file's mtime, and far from it. */
  const OFFSETS = [-86400 * 365 * 20, -1, 0, 1, 86400 * 365 * 20];
  const date = fc.oneof(
    fc.tuple(fc.constantFrom(...OFFSETS), fc.constantFrom('imf', 'rfc850', 'asctime') as fc.Arbitrary<keyof typeof formats>).map(([offset, format]) => ({
      text: formats[format](new Date(MTIME.getTime() + offset * 1000)),
      seconds: MTIME.getTime() / 1000 + offset as number | undefined,
    })),
    fc.constantFrom(...INVALID_DATES).map((text) => ({ text, seconds: undefined as number | undefined })),
  );
  /** An If-Match / If-None-Match value, and whether it names the file under weak and strong comparison. */
  const tags = (size: number, strong: boolean) => {
    const ours = etagOf(size, strong);
    const opaque = ours.replace(/^W\//, '');
    const tag = fc.constantFrom(
      { text: ours, weak: true, strong: strong },
      { text: `W/${opaque}`, weak: true, strong: false },
      { text: opaque, weak: true, strong: strong },
      { text: '"other"', weak: false, strong: false },
      { text: 'W/"other"', weak: false, strong: false },
      { text: '""', weak: false, strong: false },
    );
    return fc.oneof(
      fc.array(tag, { minLength: 1, maxLength: 3 }).map((list) => ({
        text: list.map((t) => t.text).join(', '),
        weak: list.some((t) => t.weak),
        strong: list.some((t) => t.strong),
      })),
      fc.constantFrom({ text: '*', weak: true, strong: true }, { text: 'abc', weak: false, strong: false }, { text: 'W/*', weak: false, strong: false }),
    );
  };
  const headerCase = fc.record(
    { ifMatch: fc.boolean(), ifNoneMatch: fc.boolean(), ifModifiedSince: fc.boolean(), ifUnmodifiedSince: fc.boolean() },
  );

  test('preconditions answer 200, 304 or 412 ERR_PRECONDITION_FAILED as RFC 9110 §13.2.2 orders them, ignoring invalid dates', async () => {
    const input = fc.tuple(fc.constantFrom(...SIZES), fc.boolean(), fc.constantFrom('GET', 'HEAD', 'POST')).chain(([size, strong, method]) =>
      fc.record({
        size: fc.constant(size),
        strong: fc.constant(method === 'POST' ? false : strong),
        method: fc.constant(method),
        present: headerCase,
        ifMatch: tags(size, method !== 'POST' && strong),
        ifNoneMatch: tags(size, method !== 'POST' && strong),
        ifModifiedSince: date,
        ifUnmodifiedSince: date,
      }),
    );
    const mtime = MTIME.getTime() / 1000;
    await fc.assert(
      fc.asyncProperty(input, async (t) => {
        const headers: Record<string, string> = {};
        if (t.present.ifMatch) headers['If-Match'] = t.ifMatch.text;
        if (t.present.ifNoneMatch) headers['If-None-Match'] = t.ifNoneMatch.text;
        if (t.present.ifModifiedSince) headers['If-Modified-Since'] = t.ifModifiedSince.text;
        if (t.present.ifUnmodifiedSince) headers['If-Unmodified-Since'] = t.ifUnmodifiedSince.text;
        const safe = t.method !== 'POST';
        let expected = 200;
        if (t.present.ifMatch ? !t.ifMatch.strong : t.present.ifUnmodifiedSince && t.ifUnmodifiedSince.seconds !== undefined && mtime > t.ifUnmodifiedSince.seconds) expected = 412;
        else if (t.present.ifNoneMatch ? t.ifNoneMatch.weak : safe && t.present.ifModifiedSince && t.ifModifiedSince.seconds !== undefined && mtime <= t.ifModifiedSince.seconds) {
          expected = safe ? 304 : 412;
        }
        const res = await app.request(`/${t.strong ? 'strong' : 'weak'}/${t.size}`, { method: t.method, headers });
        assert.equal(res.status, expected, JSON.stringify({ method: t.method, headers }));
        if (expected === 412 && t.method !== 'HEAD') assert.equal(codeOf(res), 'ERR_PRECONDITION_FAILED');
        if (expected === 304) assert.equal(res.body.length, 0);
        if (expected === 200 && t.method !== 'HEAD') assert.ok(res.body.equals(contents.get(t.size)!));
      }),
      { numRuns: 1500 },
    );
  });

  test('If-Modified-Since "9999" (not an HTTP-date) is ignored: 200, not 304', async () => {
    const res = await app.request('/weak/10', { headers: { 'If-Modified-Since': '9999' } });
    assert.equal(res.status, 200);
  });

  test('If-Unmodified-Since "1" (not an HTTP-date) is ignored: 200, not 412', async () => {
    const res = await app.request('/weak/10', { headers: { 'If-Unmodified-Since': '1' } });
    assert.equal(res.status, 200);
  });

  test('If-Modified-Since on 31 February (an impossible day) is ignored: 200, not 304', async () => {
    const res = await app.request('/weak/10', { headers: { 'If-Modified-Since': 'Thu, 31 Feb 2099 00:00:00 GMT' } });
    assert.equal(res.status, 200);
  });

  test('If-Modified-Since in RFC 850 and asctime form at the file time is honoured: 304', async () => {
    for (const value of ['Tuesday, 02-Jan-24 03:04:05 GMT', 'Tue Jan  2 03:04:05 2024', 'Tue, 02 Jan 2024 03:04:05 GMT']) {
      const res = await app.request('/weak/10', { headers: { 'If-Modified-Since': value } });
      assert.equal(res.status, 304, value);
    }
  });

  test('If-Range with an HTTP-date equal to Last-Modified in any of the three forms gives the range; a malformed one the whole file', async () => {
    for (const value of ['Tuesday, 02-Jan-24 03:04:05 GMT', 'Tue Jan  2 03:04:05 2024', 'Tue, 02 Jan 2024 03:04:05 GMT']) {
      const res = await app.request('/weak/10', { headers: { Range: 'bytes=0-1', 'If-Range': value } });
      assert.equal(res.status, 206, value);
    }
    const res = await app.request('/weak/10', { headers: { Range: 'bytes=0-1', 'If-Range': '2024-01-02T03:04:05Z' } });
    assert.equal(res.status, 200);
  });
});
