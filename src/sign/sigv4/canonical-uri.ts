/**
 * The CanonicalURI line of a SigV4 canonical request, from the path as sent
 * (still percent-encoded). Two styles, as AWS services differ:
 *
 *   normalized (default; every service but S3): remove empty and `.`
 *     segments, resolve `..` (RFC 3986 §5.2.4), keep a trailing `/`, then
 *     UriEncode the result, `/` excepted. The path as sent is already
 *     encoded once, so its `%` become `%25`: "each path segment must be
 *     URI-encoded twice", which is what the AWS SDKs sign.
 *   as sent (S3, `normalizePath: false`): the path exactly as sent,
 *     encoded once (by the client), nothing removed: `//a/./b` stays.
 *
 * An empty path is `/`.
 *
 * A normalized signature covers the path with `..` resolved, but an app
 * routes the path as sent: `/x/../orders` would reach `/x/:id/orders` under
 * a signature made for `/orders`. The verifier refuses such paths
 * (`hasDotSegment`) rather than letting the two differ.
 */
import { uriEncode } from './uri-encode.ts';

/**
 * The canonical URI of `path` (as sent on the wire).
 *
 * @example
 * canonicalUri('/example1/example2/../..');          // '/'
 * canonicalUri('//example//');                       // '/example/'
 * canonicalUri('/a%20b');                            // '/a%2520b' (encoded twice)
 * canonicalUri('/photos/a%20b.jpg', false);          // '/photos/a%20b.jpg' (S3)
 */
export function canonicalUri(path: string, normalize = true): string {
  if (path === '') return '/';
  if (!normalize) return path;
  return uriEncode(removeDotSegments(path), true);
}

/** The path with empty and `.` segments removed and `..` resolved; a leading and trailing `/` kept. */
function removeDotSegments(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const lead = path.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `${lead}${segments.join('/')}${trail}`;
}

/**
 * Whether `path` has a `.` or `..` segment, which normalizing would remove.
 *
 * @example
 * hasDotSegment('/x/../orders'); // true
 * hasDotSegment('/a..b/orders'); // false
 */
export function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..');
}
