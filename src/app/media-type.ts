/**
 * The parameters of a media type (`Content-Type: text/plain; charset=utf-8`),
 * read by the grammar of RFC 9110 §5.6.6 rather than searched for, so that a
 * quoted value cannot smuggle in another parameter
 * (`t="a; charset=utf-16le"` is one parameter `t`):
 *
 *     parameters      = *( OWS ";" OWS [ parameter ] )
 *     parameter       = parameter-name "=" parameter-value
 *     parameter-value = ( token / quoted-string )
 *     quoted-string   = DQUOTE *( qdtext / quoted-pair ) DQUOTE      ; quoted-pair = "\" char
 *
 * Names are case-insensitive; the first occurrence of a name counts. Spaces
 * around "=" are tolerated, and an unquoted value may hold any character
 * but ";", a space, a tab or a quote (clients send boundaries such as
 * `a/b:c` unquoted; nothing else could be meant). A parameter that breaks the grammar ends the reading: what
 * follows it is not believed.
 *
 * @example
 * mediaTypeParameter('multipart/form-data; boundary="a b"', 'boundary'); // 'a b'
 * mediaTypeParameter('text/plain; t="x; charset=utf-16le"', 'charset');  // undefined
 */

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** What ends an unquoted value. Leniently wider than a token: clients send boundaries with "/", ":" or "=" unquoted. */
const BARE_VALUE_END = new Set([';', ' ', '\t', '"']);

/**
 * The value of parameter `name` (lower-case) of `mediaType`, unquoted; undefined when absent.
 *
 * @example
 * mediaTypeParameter('text/html; Charset="UTF-8"', 'charset'); // 'UTF-8'
 */
export function mediaTypeParameter(mediaType: string, name: string): string | undefined {
  let pos = mediaType.indexOf(';');
  while (pos !== -1 && pos < mediaType.length) {
    pos = skipOws(mediaType, pos + 1); // past ";"
    if (mediaType[pos] === ';') continue; // an empty parameter
    const nameEnd = tokenEnd(mediaType, pos);
    const equals = skipOws(mediaType, nameEnd);
    if (nameEnd === pos || mediaType[equals] !== '=') return undefined;
    const found = mediaType.slice(pos, nameEnd).toLowerCase() === name;
    const value = readValue(mediaType, skipOws(mediaType, equals + 1));
    if (value === undefined) return undefined;
    if (found) return value.text;
    pos = skipOws(mediaType, value.end);
    if (pos < mediaType.length && mediaType[pos] !== ';') return undefined;
  }
  return undefined;
}

/** A token or a quoted-string at `from`, and where it ends; undefined when neither. */
function readValue(text: string, from: number): { text: string; end: number } | undefined {
  if (text[from] !== '"') {
    let end = from;
    while (end < text.length && !BARE_VALUE_END.has(text[end]!)) end++;
    return end === from ? undefined : { text: text.slice(from, end), end };
  }
  let value = '';
  for (let i = from + 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') return { text: value, end: i + 1 };
    if (char === '\\') {
      if (++i >= text.length) return undefined;
      value += text[i];
    } else {
      value += char;
    }
  }
  return undefined; // the quote never closes
}

function tokenEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && TCHAR.test(text[end]!)) end++;
  return end;
}

function skipOws(text: string, from: number): number {
  let pos = from;
  while (text[pos] === ' ' || text[pos] === '\t') pos++;
  return pos;
}
