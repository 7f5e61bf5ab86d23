/**
 * HTTP-dates as requests carry them in `If-Modified-Since`,
 * `If-Unmodified-Since` and `If-Range`: the three formats of RFC 9110
 * §5.6.7, strictly, so that a date that is not one is ignored as §13.1.3
 * requires instead of being read as something else.
 */

/**
 * RFC 9110 §5.6.7 (case-sensitive):
 *   IMF-fixdate  = day-name "," SP day SP month SP year SP time-of-day SP GMT       ; Sun, 06 Nov 1994 08:49:37 GMT
 *   rfc850-date  = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP GMT  ; Sunday, 06-Nov-94 08:49:37 GMT
 *   asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year ; Sun Nov  6 08:49:37 1994
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIME = '(?<hour>\\d{2}):(?<minute>\\d{2}):(?<second>\\d{2})';
const MONTH = `(?<month>${MONTHS.join('|')})`;
const HTTP_DATES = [
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?<day>\\d{2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`),
  new RegExp(`^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (?<day>\\d{2})-${MONTH}-(?<year>\\d{2}) ${TIME} GMT$`),
  new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} (?<day>\\d{2}| \\d) ${TIME} (?<year>\\d{4})$`),
];

/**
 * An HTTP-date in whole seconds; undefined when absent or invalid, out-of-range days and times included (RFC 9110
 * §13.1.3: a recipient "MUST ignore" a date that is not a valid HTTP-date; `Date.parse` would read "9999" as a year).
 *
 * @example
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'); // 784111777
 * parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'); // 784111777
 * parseHttpDate('9999');                           // undefined
 */
export function parseHttpDate(value: string | undefined): number | undefined {
  const g = value === undefined ? undefined : HTTP_DATES.map((format) => format.exec(value)).find((m) => m !== null)?.groups;
  if (g === undefined) return undefined;
  const [day, hour, minute, second] = [g.day, g.hour, g.minute, g.second].map(Number) as [number, number, number, number];
  let year = Number(g.year);
  if (g.year!.length === 2) year += year + 2000 > new Date().getUTCFullYear() + 50 ? 1900 : 2000; // §5.6.7: at most 50 years ahead
  const date = new Date(0);
  date.setUTCFullYear(year, MONTHS.indexOf(g.month!), day);
  date.setUTCHours(hour, minute, second);
  return date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60 ? undefined : Math.floor(date.getTime() / 1000);
}
