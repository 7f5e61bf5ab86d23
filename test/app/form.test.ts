/**
 * `c.req.form()`: application/x-www-form-urlencoded and multipart/form-data
 * (RFC 7578), through `app.request()` with bodies built by the standard
 * `FormData` and by hand, the limits, malformed bodies (400, never 500), and
 * one upload from curl over a real socket.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { App, type FormLimits, type InProcessResponse } from '../../src/index.ts';
import { curl, requireBinary, tempDir } from '../helpers/clients.ts';

type Entry = { name: string; value: string } | { name: string; filename: string; type: string; base64: string };

/** An app whose POST /form answers with every entry of the parsed form, in order. */
function formApp(formLimits: Partial<FormLimits> = {}): App {
  const app = new App({ formLimits });
  app.post('/form', async (c) => c.json(await entries(await c.req.form())));
  return app;
}

async function entries(form: FormData): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') out.push({ name, value });
    else out.push({ name, filename: value.name, type: value.type, base64: Buffer.from(await value.arrayBuffer()).toString('base64') });
  }
  return out;
}

/** POSTs a standard `FormData`, serialized as `fetch` would send it. */
async function postFormData(app: App, form: FormData): Promise<InProcessResponse> {
  const encoded = new Response(form);
  const body = new Uint8Array(await encoded.arrayBuffer());
  return app.request('/form', { method: 'POST', headers: { 'content-type': encoded.headers.get('content-type')! }, body });
}

/** POSTs a hand-written multipart body: `lines` joined with CRLF. */
function postMultipart(app: App, lines: readonly string[], boundary = 'XyZ'): Promise<InProcessResponse> {
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
  return app.request('/form', { method: 'POST', headers, body: lines.join('\r\n') });
}

function postUrlencoded(app: App, body: string): Promise<InProcessResponse> {
  return app.request('/form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

async function assertError(res: InProcessResponse, status: number, code: string): Promise<void> {
  assert.equal(res.status, status, res.body.toString());
  assert.equal((await res.json<{ error: { code: string } }>()).error.code, code);
}

test('urlencoded: repeated names keep their order, "+" is a space, escapes are decoded', async () => {
  const app = new App();
  app.post('/form', async (c) => {
    const form = await c.req.form();
    return c.json(Object.fromEntries(['a', 'b', 'c', 'd', 'é'].map((name) => [name, form.getAll(name)])));
  });
  const res = await postUrlencoded(app, 'a=1&b=%20x&a=2&c=x+y&d&%C3%A9=%E2%9C%93');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { a: ['1', '2'], b: [' x'], c: ['x y'], d: [''], é: ['✓'] });
});

test('urlencoded: a malformed percent escape is a 400 ERR_BODY_FORM', async () => {
  await assertError(await postUrlencoded(formApp(), 'a=%zz'), 400, 'ERR_BODY_FORM');
  await assertError(await postUrlencoded(formApp(), 'a=%C3'), 400, 'ERR_BODY_FORM');
});

test('urlencoded: more fields than maxFields, or a value over maxFieldBytes, is a 413 ERR_FORM_LIMIT', async () => {
  const app = formApp({ maxFields: 2, maxFieldBytes: 4 });
  assert.equal((await postUrlencoded(app, 'a=1234&b=2')).status, 200);
  await assertError(await postUrlencoded(app, 'a=1&b=2&c=3'), 413, 'ERR_FORM_LIMIT');
  await assertError(await postUrlencoded(app, 'a=12345'), 413, 'ERR_FORM_LIMIT');
});

test('multipart from FormData: fields and a file arrive with names, values, filename and type', async () => {
  const form = new FormData();
  form.append('title', 'Hello');
  form.append('tag', 'a');
  form.append('tag', 'b');
  form.append('doc', new File(['plain text'], 'notes.txt', { type: 'text/plain' }));
  const res = await postFormData(formApp(), form);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), [
    { name: 'title', value: 'Hello' },
    { name: 'tag', value: 'a' },
    { name: 'tag', value: 'b' },
    { name: 'doc', filename: 'notes.txt', type: 'text/plain', base64: Buffer.from('plain text').toString('base64') },
  ]);
});

test('multipart: a binary file round-trips byte for byte, CRLF and "--" inside included', async () => {
  const tricky = Buffer.from('\r\n--\r\n\r\n--formdata\r\n------formdata-undici-0\r\n--', 'latin1');
  const bytes = Buffer.concat([tricky, randomBytes(64 * 1024), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), tricky]);
  const form = new FormData();
  form.append('blob', new File([bytes], 'data.bin', { type: 'application/octet-stream' }));
  form.append('after', 'still here\r\n--');
  const res = await postFormData(formApp(), form);
  assert.equal(res.status, 200);
  const [file, after] = await res.json<Entry[]>();
  assert.ok(file !== undefined && 'base64' in file);
  assert.ok(Buffer.from(file.base64, 'base64').equals(bytes), 'the file bytes differ');
  assert.deepEqual(after, { name: 'after', value: 'still here\r\n--' });
});

test('multipart: unicode names, values and filenames, and names with quotes and newlines', async () => {
  const form = new FormData();
  form.append('名前', 'значение ✓');
  form.append('say "hi"\r\nnow', 'ok');
  form.append('файл', new File(['x'], 'résumé 履歴書.pdf', { type: 'application/pdf' }));
  const res = await postFormData(formApp(), form);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), [
    { name: '名前', value: 'значение ✓' },
    { name: 'say "hi"\r\nnow', value: 'ok' },
    { name: 'файл', filename: 'résumé 履歴書.pdf', type: 'application/pdf', base64: 'eA==' },
  ]);
});

test('multipart by hand: preamble, epilogue and transport padding are ignored; filename* wins; quoted-pairs unescape', async () => {
  const res = await postMultipart(formApp(), [
    'This is the preamble.',
    '--XyZ  ',
    'content-disposition: form-data; name="a\\"b"',
    '',
    'one',
    '--XyZ\t',
    'Content-Disposition: form-data; name=up; filename="fallback.txt"; filename*=UTF-8\'\'%E2%82%AC%20rates.txt',
    '',
    'euro',
    '--XyZ',
    'Content-Disposition: form-data; name="win"; filename="C:\\dir\\file.txt"',
    'Content-Type: image/png',
    '',
    '',
    '--XyZ-- ',
    'This is the epilogue.',
  ]);
  assert.equal(res.status, 200, res.body.toString());
  assert.deepEqual(await res.json(), [
    { name: 'a"b', value: 'one' },
    { name: 'up', filename: '€ rates.txt', type: 'text/plain', base64: Buffer.from('euro').toString('base64') },
    { name: 'win', filename: 'C:\\dir\\file.txt', type: 'image/png', base64: '' },
  ]);
});

test('multipart: an empty FormData is an empty form', async () => {
  const res = await postFormData(formApp(), new FormData());
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), []);
});

test('multipart: each limit answers 413 ERR_FORM_LIMIT, and a form at the limit passes', async () => {
  const fields = (n: number, size = 1): FormData => {
    const form = new FormData();
    for (let i = 0; i < n; i++) form.append(`f${i}`, 'v'.repeat(size));
    return form;
  };
  const files = (n: number, size = 1): FormData => {
    const form = new FormData();
    for (let i = 0; i < n; i++) form.append(`f${i}`, new File([Buffer.alloc(size)], `${i}.bin`));
    return form;
  };
  const app = formApp({ maxFields: 3, maxFiles: 2, maxFieldBytes: 10, maxFileBytes: 100 });
  assert.equal((await postFormData(app, fields(3, 10))).status, 200);
  assert.equal((await postFormData(app, files(2, 100))).status, 200);
  await assertError(await postFormData(app, fields(4)), 413, 'ERR_FORM_LIMIT');
  await assertError(await postFormData(app, fields(1, 11)), 413, 'ERR_FORM_LIMIT');
  await assertError(await postFormData(app, files(3)), 413, 'ERR_FORM_LIMIT');
  await assertError(await postFormData(app, files(1, 101)), 413, 'ERR_FORM_LIMIT');
});

test('multipart: part headers over 8 KiB answer 413 ERR_FORM_LIMIT', async () => {
  const long = `X-Padding: ${'p'.repeat(9000)}`;
  const res = await postMultipart(formApp(), ['--XyZ', long, 'Content-Disposition: form-data; name="a"', '', 'v', '--XyZ--']);
  await assertError(res, 413, 'ERR_FORM_LIMIT');
});

const part = ['Content-Disposition: form-data; name="a"', '', 'v'];
const MALFORMED: ReadonlyArray<[string, readonly string[]]> = [
  ['the closing boundary is missing', ['--XyZ', ...part, '--XyZ', ...part]],
  ['the body ends inside a part', ['--XyZ', ...part]],
  ['a part has no name', ['--XyZ', 'Content-Disposition: form-data; filename="a.txt"', '', 'v', '--XyZ--']],
  ['a part has no Content-Disposition', ['--XyZ', 'Content-Type: text/plain', '', 'v', '--XyZ--']],
  ['a part has no headers at all', ['--XyZ', '', 'v', '--XyZ--']],
  ['the disposition is not form-data', ['--XyZ', 'Content-Disposition: attachment; name="a"', '', 'v', '--XyZ--']],
  ['a parameter repeats', ['--XyZ', 'Content-Disposition: form-data; name="a"; name="b"', '', 'v', '--XyZ--']],
  ['a quoted-string is not closed', ['--XyZ', 'Content-Disposition: form-data; name="a', '', 'v', '--XyZ--']],
  ['filename* is not an ext-value', ['--XyZ', 'Content-Disposition: form-data; name="a"; filename*=nope', '', 'v', '--XyZ--']],
  ['filename* is not UTF-8', ['--XyZ', "Content-Disposition: form-data; name=a; filename*=UTF-8''%FF", '', 'v', '--XyZ--']],
  ['a header line is folded', ['--XyZ', 'Content-Disposition: form-data;', ' name="a"', '', 'v', '--XyZ--']],
  ['a header line has no colon', ['--XyZ', 'Content-Disposition form-data; name="a"', '', 'v', '--XyZ--']],
  ['a header repeats', ['--XyZ', ...part.slice(0, 1), ...part, '--XyZ--']],
  ['a boundary line has trailing garbage', ['--XyZ', ...part, '--XyZzy', ...part, '--XyZ--']],
  ['the boundary never occurs', ['--Other', ...part, '--Other--']],
  ['the body is garbage', ['\u0000\u0001 not multipart at all']],
  ['the body is empty', ['']],
];

for (const [condition, lines] of MALFORMED) {
  test(`multipart: 400 ERR_BODY_FORM when ${condition}`, async () => {
    await assertError(await postMultipart(formApp(), lines), 400, 'ERR_BODY_FORM');
  });
}

test('multipart: a Content-Type without a boundary, or with an invalid one, is a 400 ERR_BODY_FORM', async () => {
  const app = formApp();
  for (const type of ['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="a b "']) {
    const res = await app.request('/form', { method: 'POST', headers: { 'content-type': type }, body: '--x\r\n\r\n--x--' });
    await assertError(res, 400, 'ERR_BODY_FORM');
  }
});

test('multipart: a valid body cut at every byte offset answers 400 (or 200 once complete), never 500', async () => {
  const lines = ['--XyZ', ...part, '--XyZ', 'Content-Disposition: form-data; name="f"; filename="f.txt"', '', 'data', '--XyZ--'];
  const body = lines.join('\r\n');
  const complete = body.length;
  const app = formApp();
  for (let cut = 0; cut < complete; cut++) {
    const res = await postMultipart(app, [body.slice(0, cut)]);
    assert.equal(res.status, 400, `cut at ${cut}: ${res.body.toString()}`);
  }
  assert.equal((await postMultipart(app, [body])).status, 200);
});

test('multipart: random byte changes answer 200, 400 or 413, never 500', async () => {
  const form = new FormData();
  form.append('a', 'value');
  form.append('f', new File([randomBytes(64)], 'f.bin'));
  const encoded = new Response(form);
  const type = encoded.headers.get('content-type')!;
  const original = Buffer.from(await encoded.arrayBuffer());
  const app = formApp();
  for (let round = 0; round < 300; round++) {
    const body = Buffer.from(original);
    for (let i = 0; i < 3; i++) body[Math.floor(Math.random() * body.length)] = Math.floor(Math.random() * 256);
    const res = await app.request('/form', { method: 'POST', headers: { 'content-type': type }, body });
    assert.ok([200, 400, 413].includes(res.status), `status ${res.status} for ${JSON.stringify(body.toString('latin1'))}`);
  }
});

test('a body that is not a form is a 415 ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
  const app = formApp();
  for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'text/plain' }, {}]) {
    await assertError(await app.request('/form', { method: 'POST', headers, body: '{"a":1}' }), 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
  }
});

test('curl -F uploads a file and a field over a real socket, the file byte for byte', async (t) => {
  if (!requireBinary(t, 'curl')) return;
  const bytes = Buffer.concat([randomBytes(100 * 1024), Buffer.from('\r\n--\r\n')]);
  const file = path.join(tempDir(t), 'upload.bin');
  writeFileSync(file, bytes);
  const app = new App();
  app.post('/upload', async (c) => {
    const form = await c.req.form();
    const upload = form.get('file');
    if (!(upload instanceof File)) return c.json({ error: 'no file' }, 400);
    const sha256 = createHash('sha256').update(Buffer.from(await upload.arrayBuffer())).digest('hex');
    return c.json({ name: form.get('name'), filename: upload.name, type: upload.type, size: upload.size, sha256 });
  });
  const server = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  const { stdout } = await curl(['-F', `file=@${file}`, '-F', 'name=value ✓', `http://127.0.0.1:${server.port}/upload`]);
  assert.deepEqual(JSON.parse(stdout.toString('utf8')), {
    name: 'value ✓',
    filename: 'upload.bin',
    type: 'application/octet-stream',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
});
