/**
 * The CanonicalHeaders block of a SigV4 canonical request: one line per
 * signed header, in the order of SignedHeaders (sorted, lower-case):
 *
 *   CanonicalHeaders = *( Lowercase(name) ":" Trimall(value) "\n" )
 *
 * Trimall: leading and trailing spaces removed, each run of spaces and tabs
 * inside made one space (quoted strings too, as AWS does). A header sent on
 * several field lines gives its values in order, joined with `,`.
 */

/** The field lines of a header by lower-case name, or undefined when absent. */
export type FieldLines = (name: string) => readonly string[] | undefined;

/**
 * A header value as SigV4 signs it.
 *
 * @example
 * trimAll('  "a   b   c" '); // '"a b c"'
 */
export function trimAll(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

/**
 * The canonical headers block for `signedHeaders`, each line ending in `\n`;
 * a header that is absent signs as an empty value.
 *
 * @example
 * canonicalHeaders(['host', 'x-amz-date'], (name) => ({ host: ['example.com'], 'x-amz-date': ['20150830T123600Z'] })[name]);
 * // 'host:example.com\nx-amz-date:20150830T123600Z\n'
 */
export function canonicalHeaders(signedHeaders: readonly string[], lines: FieldLines): string {
  let block = '';
  for (const name of signedHeaders) block += `${name}:${(lines(name) ?? []).map(trimAll).join(',')}\n`;
  return block;
}
