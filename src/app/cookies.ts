/**
 * Cookies: parsing the Cookie request header and serializing Set-Cookie,
 * per RFC 6265 §4. Values set by the app are validated, so a cookie can
 * never inject another header or attribute.
 *
 *   cookie-pair  = cookie-name "=" cookie-value
 *   cookie-name  = token
 *   cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
 *   cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
 */
import { SignwireError } from '../errors.ts';
import { isToken } from '../wire/tokens.ts';

export interface CookieOptions {
  readonly path?: string;
  readonly domain?: string;
  /** Seconds; 0 or negative expires the cookie now. */
  readonly maxAge?: number;
  readonly expires?: Date;
  readonly httpOnly?: boolean;
  readonly secure?: boolean;
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
  readonly partitioned?: boolean;
}

/** Parses a Cookie header into name → value (the first wins; values are not decoded). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return out;
}

const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
/** Attribute values (Path, Domain): any CHAR except CTLs or ";". */
const ATTRIBUTE_VALUE = /^[\x20-\x3a\x3c-\x7e]*$/;

/**
 * A Set-Cookie header value. Throws `ERR_INVALID_COOKIE` for a name that is
 * not a token, a value outside cookie-octet (encode it first), an
 * attribute with a control character or ";", a `maxAge` that is not a
 * finite number up to 2^53 - 1, or an `expires` outside the years 1601-9999.
 *
 * @example
 * serializeCookie('session', 'abc', { httpOnly: true, sameSite: 'Lax', maxAge: 3600 });
 * // 'session=abc; Max-Age=3600; HttpOnly; SameSite=Lax'
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!isToken(name)) throw invalid(`cookie name ${JSON.stringify(name)} is not a token`);
  if (!COOKIE_VALUE.test(value)) throw invalid(`cookie value for "${name}" has characters that must be encoded`);
  let out = `${name}=${value}`;
  if (options.maxAge !== undefined) out += `; Max-Age=${maxAgeSeconds(options.maxAge)}`;
  if (options.expires !== undefined) out += `; Expires=${cookieDate(options.expires)}`;
  if (options.domain !== undefined) out += `; Domain=${attribute('domain', options.domain)}`;
  if (options.path !== undefined) out += `; Path=${attribute('path', options.path)}`;
  if (options.httpOnly === true) out += '; HttpOnly';
  if (options.secure === true || options.sameSite === 'None' || options.partitioned === true) out += '; Secure';
  if (options.sameSite !== undefined) {
    if (!['Strict', 'Lax', 'None'].includes(options.sameSite)) throw invalid('sameSite must be Strict, Lax or None');
    out += `; SameSite=${options.sameSite}`;
  }
  if (options.partitioned === true) out += '; Partitioned';
  return out;
}

/**
 * Max-Age as `0 / non-zero-digit *DIGIT` (RFC 6265 §4.1.1); 0 or less
 * expires the cookie now (§5.2.2). Past 2^53 - 1 a number is no longer an
 * exact integer (and from 1e21 it would print with an exponent).
 */
function maxAgeSeconds(maxAge: number): number {
  if (!Number.isFinite(maxAge) || maxAge > Number.MAX_SAFE_INTEGER) throw invalid('maxAge must be a finite number of seconds up to 2^53 - 1');
  return Math.max(0, Math.floor(maxAge));
}

/**
 * Expires as a sane-cookie-date (RFC 6265 §4.1.1: rfc1123-date, a 4-digit
 * year). A user agent reads years before 1601 as another year or not at
 * all (§5.1.1), so only 1601-9999 can be written.
 */
function cookieDate(expires: Date): string {
  const year = expires.getUTCFullYear();
  if (!(year >= 1601 && year <= 9999)) throw invalid('expires must be a valid Date between the years 1601 and 9999');
  return expires.toUTCString();
}

function attribute(what: string, value: string): string {
  if (value === '' || !ATTRIBUTE_VALUE.test(value)) throw invalid(`cookie ${what} ${JSON.stringify(value)} is not allowed`);
  return value;
}

function invalid(message: string): SignwireError {
  return new SignwireError('ERR_INVALID_COOKIE', message);
}
