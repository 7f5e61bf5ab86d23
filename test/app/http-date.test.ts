/**
 * HTTP-dates (RFC 9110 §5.6.7): the three formats read to the same second,
 * and anything that is not exactly one of them (impossible days and times,
 * other spellings, bare numbers `Date.parse` would take) reads as no date.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHttpDate } from '../../src/app/http-date.ts';

const SECONDS = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;

test('IMF-fixdate, rfc850-date and asctime-date read to the same second', () => {
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), SECONDS);
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), SECONDS);
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), SECONDS);
  assert.equal(parseHttpDate('Fri, 31 Dec 9999 23:59:59 GMT'), Date.UTC(9999, 11, 31, 23, 59, 59) / 1000);
});

test('a two-digit year is at most 50 years ahead (RFC 9110 §5.6.7)', () => {
  const thisYear = new Date().getUTCFullYear();
  const ahead = (thisYear + 49) % 100;
  const behind = (thisYear + 51) % 100;
  const read = (yy: number): number => new Date(parseHttpDate(`Monday, 01-Jan-${String(yy).padStart(2, '0')} 00:00:00 GMT`)! * 1000).getUTCFullYear();
  assert.equal(read(ahead), thisYear + 49);
  assert.equal(read(behind), thisYear + 51 - 100);
});

test('what is not exactly an HTTP-date is no date', () => {
  for (const value of [
    undefined, '', '9999', '1', 'Sun, 06 Nov 1994 08:49:37', 'Sun, 06 Nov 1994 08:49:37 gmt', 'sun, 06 Nov 1994 08:49:37 GMT',
    'Sun, 6 Nov 1994 08:49:37 GMT', 'Sun, 31 Feb 2099 08:49:37 GMT', 'Sun, 06 Nov 1994 24:00:00 GMT', 'Sun, 06 Nov 1994 08:60:00 GMT',
    'Sun, 06 Nov 1994 08:49:61 GMT', 'Sun, 06 Nov 1994 08:49:37 GMT ', '1994-11-06T08:49:37Z', 'Sunday, 06-Nov-1994 08:49:37 GMT',
  ]) {
    assert.equal(parseHttpDate(value), undefined, JSON.stringify(value));
  }
});
