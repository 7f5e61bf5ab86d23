/**
 * The time of a SigV4 request: `X-Amz-Date` in ISO 8601 basic format, or,
 * without it, the `Date` header in the HTTP-date's preferred form.
 *
 *   amz-date    = 4DIGIT 2DIGIT 2DIGIT "T" 2DIGIT 2DIGIT 2DIGIT "Z"   ; 20150830T123600Z, UTC
 *   IMF-fixdate = day-name "," SP 2DIGIT SP month SP 4DIGIT SP 2DIGIT ":" 2DIGIT ":" 2DIGIT SP "GMT"
 *                                                                    ; RFC 9110 §5.6.7
 *
 * Both are read strictly: a date that does not exist (Feb 30, hour 24) is
 * refused rather than rolled over.
 */

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Seconds since the epoch of an X-Amz-Date, or undefined when it is not one.
 *
 * @example
 * parseAmzDate('20150830T123600Z'); // 1440938160
 */
export function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  return m === null ? undefined : utcSeconds(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/**
 * An X-Amz-Date for seconds since the epoch.
 *
 * @example
 * formatAmzDate(1440938160); // '20150830T123600Z'
 */
export function formatAmzDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/**
 * Seconds since the epoch of an IMF-fixdate, or undefined when it is not
 * one (the obsolete RFC 850 and asctime forms are not accepted; the day
 * name is not checked against the date).
 *
 * @example
 * parseImfFixdate('Sun, 30 Aug 2015 12:36:00 GMT'); // 1440938160
 */
export function parseImfFixdate(text: string): number | undefined {
  const m = IMF_FIXDATE.exec(text);
  if (m === null) return undefined;
  return utcSeconds(Number(m[3]), MONTHS.indexOf(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Seconds since the epoch, or undefined when a field is out of range (no rollover). */
function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  const time = new Date(Date.UTC(year, month, day, hour, minute, second));
  const exact = time.getUTCFullYear() === year && time.getUTCMonth() === month && time.getUTCDate() === day
    && time.getUTCHours() === hour && time.getUTCMinutes() === minute && time.getUTCSeconds() === second;
  return exact ? time.getTime() / 1000 : undefined;
}
