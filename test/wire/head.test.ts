/**
 * The pieces response heads are made of: the remembered prefix (status line,
 * fields, Date) must never be served for a head that differs in any of them,
 * and the kept head ends must be right for every length, in any order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KeepAliveTails, headPrefix } from '../../src/wire/head.ts';

const DATE = 'Date: Mon, 23 Nov 2026 20:00:00 GMT\r\n';
const LATER = 'Date: Mon, 23 Nov 2026 20:00:01 GMT\r\n';

/** What headPrefix must equal, built the plain way. */
function expected(status: number, reason: string, fields: readonly string[], dateLine: string): string {
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  let hasDate = false;
  for (let i = 0; i < fields.length; i += 3) {
    if (['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(fields[i + 1]!)) continue;
    if (fields[i + 1] === 'date') hasDate = true;
    head += `${fields[i]}: ${fields[i + 2]}\r\n`;
  }
  return hasDate ? head : head + dateLine;
}

test('the prefix is rebuilt when the status, a field or the Date line differs from the last one', () => {
  const fields = ['Content-Type', 'content-type', 'text/plain'];
  const first = headPrefix(200, fields, DATE);
  assert.equal(first, expected(200, 'OK', fields, DATE));
  assert.equal(headPrefix(200, fields.slice(), DATE), first, 'equal fields in another array: the same head');
  assert.equal(headPrefix(201, fields, DATE), expected(201, 'Created', fields, DATE));
  assert.equal(headPrefix(201, fields, LATER), expected(201, 'Created', fields, LATER));
  const other = ['Content-Type', 'content-type', 'text/html'];
  assert.equal(headPrefix(201, other, LATER), expected(201, 'Created', other, LATER));
  const more = [...other, 'ETag', 'etag', '"1"'];
  assert.equal(headPrefix(201, more, LATER), expected(201, 'Created', more, LATER));
  assert.equal(headPrefix(201, other, LATER), expected(201, 'Created', other, LATER), 'one field fewer');
});

test('a change to the fields array after a head was built does not reach the remembered one', () => {
  const fields = ['X-Mode', 'x-mode', 'a'];
  assert.equal(headPrefix(200, fields, DATE), expected(200, 'OK', fields, DATE));
  fields[2] = 'b';
  assert.equal(headPrefix(200, fields, DATE), expected(200, 'OK', fields, DATE));
});

test('managed fields are left out, and a Date field replaces the Date line', () => {
  const fields = ['Connection', 'connection', 'close', 'Date', 'date', 'Tue, 01 Dec 2026 00:00:00 GMT', 'Content-Length', 'content-length', '3'];
  assert.equal(headPrefix(200, fields, DATE), 'HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 00:00:00 GMT\r\n');
});

test('any sequence of heads gives what building each afresh gives', () => {
  const name = fc.constantFrom('Content-Type', 'ETag', 'Vary', 'Date', 'Connection', 'X-Id');
  const field = fc.tuple(name, fc.constantFrom('a', 'b', 'text/plain', '"x"', '')).map(([n, v]) => [n, n.toLowerCase(), v]);
  const head = fc.record({
    status: fc.constantFrom(200, 201, 404),
    fields: fc.array(field, { maxLength: 4 }).map((list) => list.flat()),
    dateLine: fc.constantFrom(DATE, LATER),
  });
  const reasons: Record<number, string> = { 200: 'OK', 201: 'Created', 404: 'Not Found' };
  fc.assert(
    fc.property(fc.array(head, { minLength: 1, maxLength: 8 }), (heads) => {
      for (const h of heads) assert.equal(headPrefix(h.status, h.fields, h.dateLine), expected(h.status, reasons[h.status]!, h.fields, h.dateLine));
    }),
  );
});

test('head ends are right for every length, kept or not, asked for in any order', () => {
  const line = 'Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n';
  const tails = new KeepAliveTails(line);
  for (const length of [13, 0, 4095, 4096, 70_000, 1, 13, 4095, 2]) {
    assert.equal(tails.withLength(length), `Content-Length: ${length}\r\n${line}\r\n`);
  }
  assert.equal(tails.line, line);
  const other = new KeepAliveTails('Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n');
  assert.equal(other.withLength(13), 'Content-Length: 13\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n', 'each server its own lines');
});
