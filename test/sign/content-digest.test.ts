/**
 * Content-Digest (RFC 9530): the RFC's sha-256 example and the sha-512
 * digests of RFC 9421 Appendix B, from `../shared/vectors/rfc9421/vectors.json`,
 * then the verification rules on made-up fields.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { contentDigest, verifyContentDigest } from '../../src/sign/content-digest.ts';
import { isInnerList, parseDictionary } from '../../src/sign/structured-fields/index.ts';

const VECTORS = new URL('../../../shared/vectors/rfc9421/vectors.json', import.meta.url);
const BODY = '{"hello": "world"}';
const SHA256 = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';

const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;

interface Vectors {
  readonly request: { readonly headers: Array<[string, string]>; readonly body: string };
  readonly response: { readonly headers: Array<[string, string]>; readonly body: string };
  readonly 'content-digest': { readonly body: string; readonly 'sha-256': string };
}

if (existsSync(VECTORS)) {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors;
  const digestOf = (headers: Array<[string, string]>): string => headers.find(([name]) => name === 'Content-Digest')![1];

  describe('RFC 9530 and RFC 9421 Appendix B digests', () => {
    test('RFC 9530 sha-256 example: produces it and verifies it', () => {
      const example = vectors['content-digest'];
      assert.equal(contentDigest(example.body), example['sha-256']);
      verifyContentDigest(example['sha-256'], example.body);
    });

    test('B.2 request: its sha-512 Content-Digest is produced and verified', () => {
      const field = digestOf(vectors.request.headers);
      assert.equal(contentDigest(vectors.request.body, ['sha-512']), field);
      verifyContentDigest(field, new TextEncoder().encode(vectors.request.body));
    });

    test('B.2 response: its sha-512 Content-Digest is produced and verified', () => {
      const field = digestOf(vectors.response.headers);
      assert.equal(contentDigest(vectors.response.body, ['sha-512']), field);
      verifyContentDigest(field, vectors.response.body);
    });

    test('B.2 request: a body changed by one byte fails with ERR_SIG_DIGEST', () => {
      assert.throws(() => verifyContentDigest(digestOf(vectors.request.headers), `${vectors.request.body} `), code('ERR_SIG_DIGEST'));
    });
  });
} else {
  const reason = '../shared/vectors/rfc9421 is absent (a clone without ../shared)';
  console.log(`content-digest vectors skipped: ${reason}`);
  test('produces and verifies the RFC 9530 example', { skip: reason }, () => {});
}

describe('contentDigest', () => {
  test('sha-256 by default; several algorithms in the order given', () => {
    assert.equal(contentDigest(BODY), SHA256);
    assert.match(contentDigest(BODY, ['sha-512', 'sha-256']), /^sha-512=:[A-Za-z0-9+/]{86}==:, sha-256=:X48E9/);
  });

  test('a string body is its UTF-8 bytes', () => {
    assert.equal(contentDigest('é'), contentDigest(new Uint8Array([0xc3, 0xa9])));
  });

  test('an empty body has the digest of no bytes', () => {
    assert.equal(contentDigest(new Uint8Array()), 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  });
});

describe('verifyContentDigest', () => {
  test('accepts a matching digest among unknown and deprecated ones', () => {
    verifyContentDigest(`md5=:AAAA:, unknown=:AAAA:, ${SHA256}`, BODY);
  });

  test('rejects when any supported digest present does not match', () => {
    const wrong512 = contentDigest('other', ['sha-512']);
    assert.throws(() => verifyContentDigest(`${SHA256}, ${wrong512}`, BODY), code('ERR_SIG_DIGEST'));
  });

  test('rejects a field that names only unsupported algorithms', () => {
    assert.throws(() => verifyContentDigest('md5=:AAAA:, crc32c=:AAAA:', BODY), code('ERR_SIG_DIGEST'));
  });

  test('rejects an absent field', () => {
    assert.throws(() => verifyContentDigest(undefined, BODY), code('ERR_SIG_DIGEST'));
  });

  test('rejects a digest of the wrong length without comparing', () => {
    assert.throws(() => verifyContentDigest('sha-256=:AAAA:', BODY), code('ERR_SIG_DIGEST'));
  });

  test('the one-member field, read without the dictionary parse, agrees with it at every edge', () => {
    const unpadded = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE:';
    for (const field of [SHA256, ` ${SHA256}`, `${SHA256} `, `${SHA256};a=1`, unpadded]) verifyContentDigest(field, BODY);
    const wrong = contentDigest('other');
    const digestErrors = [wrong, 'sha-256=::', `sha-512=${SHA256.slice('sha-256='.length)}`, 'md5=:AAAA:'];
    for (const field of digestErrors) assert.throws(() => verifyContentDigest(field, BODY), code('ERR_SIG_DIGEST'), field);
    const malformed = ['sha-256=:', 'sha-256=:AAAA', `${SHA256},`, `${SHA256}:`, 'sha-256=:AAAA:AAAA:', 'sha-256=:AA AA:', '=:AAAA:', 'sha-256:AAAA:'];
    for (const field of malformed) assert.throws(() => verifyContentDigest(field, BODY), code('ERR_SIG_MALFORMED'), field);
  });

  test('checked on its text or parsed whole, a field gets the answer the rules of RFC 9530 give', () => {
    /** The rules, written plainly: every supported member must be a byte sequence equal to the body's digest. */
    const reference = (field: string, body: string): string => {
      let dictionary;
      try {
        dictionary = parseDictionary(field);
      } catch {
        return 'ERR_SIG_MALFORMED';
      }
      let checked = 0;
      for (const [name, member] of dictionary) {
        if (isInnerList(member) || !(member.value instanceof Uint8Array)) return 'ERR_SIG_MALFORMED';
        if (name !== 'sha-256' && name !== 'sha-512') continue;
        const actual = createHash(name === 'sha-256' ? 'sha256' : 'sha512').update(body).digest();
        if (!actual.equals(member.value)) return 'ERR_SIG_DIGEST';
        checked += 1;
      }
      return checked === 0 ? 'ERR_SIG_DIGEST' : 'ok';
    };
    const outcome = (field: string, body: string): string => {
      try {
        verifyContentDigest(field, body);
        return 'ok';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    const digest = (name: string, body: string): string => createHash(name === 'sha-512' ? 'sha512' : 'sha256').update(body).digest('base64');
    const member = fc
      .record({
        name: fc.constantFrom('sha-256', 'sha-512', 'md5', 'SHA-256'),
        of: fc.constantFrom('body', 'other', 'sha-256 of body', 'sha-512 of body'),
        form: fc.constantFrom('padded', 'unpadded', 'cut', 'grown'),
        suffix: fc.constantFrom('', '', ';a=1', ':', ' '),
      });
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(member, { minLength: 1, maxLength: 3 }), fc.constantFrom(',', ', ', ' ,'), (body, members, separator) => {
        const text = (m: { name: string; of: string; form: string; suffix: string }): string => {
          const source = m.of === 'other' ? `${body}x` : body;
          let value = digest(m.of.startsWith('sha-') ? m.of.slice(0, 7) : m.name, source);
          if (m.form === 'unpadded') value = value.replace(/=+$/, '');
          if (m.form === 'cut') value = value.slice(4);
          if (m.form === 'grown') value = `AAAA${value}`;
          return `${m.name}=:${value}:${m.suffix}`;
        };
        const field = members.map(text).join(separator);
        assert.equal(outcome(field, body), reference(field, body), field);
      }),
      { numRuns: 2000 },
    );
  });

  test('rejects a field that is not a dictionary of byte sequences with ERR_SIG_MALFORMED', () => {
    for (const field of ['sha-256=X48E9q', 'sha-256="X48E9q"', 'sha-256=(:AAAA:)', 'SHA-256=:AAAA:', 'sha-256=:X48E9*:']) {
      assert.throws(() => verifyContentDigest(field, BODY), code('ERR_SIG_MALFORMED'), field);
    }
  });
});
