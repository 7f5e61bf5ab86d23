/**
 * Media-type parameters read by the RFC 9110 §5.6.6 grammar: tokens and
 * quoted strings with escapes, names in any case, the first of a name
 * winning, and nothing read out of a quoted value or past a broken
 * parameter; through the app, the charset of `text()` and the boundary of
 * `form()` come from the parameters themselves.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mediaTypeParameter } from '../../src/app/media-type.ts';
import { quietApp } from '../helpers/app.ts';

describe('mediaTypeParameter', () => {
  test('reads tokens and quoted strings, names in any case, the first occurrence', () => {
    assert.equal(mediaTypeParameter('text/plain; charset=utf-8', 'charset'), 'utf-8');
    assert.equal(mediaTypeParameter('text/plain;Charset="UTF-8"', 'charset'), 'UTF-8');
    assert.equal(mediaTypeParameter('text/plain; a=1; charset=latin1; charset=utf-8', 'charset'), 'latin1');
    assert.equal(mediaTypeParameter('multipart/form-data; boundary="a \\"b\\" \\\\c"', 'boundary'), 'a "b" \\c');
    assert.equal(mediaTypeParameter('text/plain ;\t; charset = ascii ;', 'charset'), 'ascii');
  });

  test('nothing is read out of a quoted value, past a broken parameter or from a bare word', () => {
    assert.equal(mediaTypeParameter('text/plain; t="a; charset=utf-16le"', 'charset'), undefined);
    assert.equal(mediaTypeParameter('text/plain; t="a; charset=utf-16le"; charset=ascii', 'charset'), 'ascii');
    assert.equal(mediaTypeParameter('text/plain; t="unclosed; charset=utf-16le', 'charset'), undefined);
    assert.equal(mediaTypeParameter('text/plain; junk; charset=utf-16le', 'charset'), undefined);
    assert.equal(mediaTypeParameter('text/plain; t=a b; charset=utf-16le', 'charset'), undefined);
    assert.equal(mediaTypeParameter('text/plain; charset=', 'charset'), undefined);
    assert.equal(mediaTypeParameter('text/plain', 'charset'), undefined);
    assert.equal(mediaTypeParameter('text/plain; xcharset=utf-16le', 'charset'), undefined);
  });
});

describe('through the app', () => {
  const app = quietApp();
  app.post('/text', async (c) => c.text(await c.req.text()));
  app.post('/form', async (c) => c.json(Object.fromEntries(await c.req.form())));

  test('a charset inside a quoted parameter does not decode the body', async () => {
    const res = await app.request('/text', { method: 'POST', headers: { 'content-type': 'text/plain; t="a; charset=utf-16le"' }, body: 'hi' });
    assert.equal(await res.text(), 'hi');
  });

  test('a quoted boundary with an escaped quote frames the form', async () => {
    const body = '--a"b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--a"b--\r\n';
    const res = await app.request('/form', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary="a\\"b"' }, body });
    assert.equal(res.status, 400, 'a boundary with a quote is not one RFC 2046 allows');
    const fine = body.replaceAll('a"b', 'a b');
    const ok = await app.request('/form', { method: 'POST', headers: { 'content-type': 'multipart/form-data; x="boundary=zzz"; boundary="a b"' }, body: fine });
    assert.deepEqual(await ok.json(), { x: '1' });
  });
});
