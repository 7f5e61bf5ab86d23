/**
 * RFC 9421 building blocks on the RFC's own examples and on edge cases:
 * the rules of §2 (components), §2.4 (request-response binding), §2.5 (the
 * base), §4 (the fields) and §3.3 (algorithms). Appendix B is in
 * rfc9421-appendix-b.test.ts.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, createSecretKey, createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  ALGORITHMS,
  componentValue,
  findAlgorithm,
  parseSignatureFields,
  serializeSignature,
  serializeSignatureInput,
  signatureBase,
  signatureBaseBytes,
  type AlgorithmKey,
  type AlgorithmName,
  type ComponentInput,
  type RequestMessage,
} from '../../src/sign/rfc9421/index.ts';
import { code, fields, request, response } from './rfc9421.fixture.ts';

describe('2.1 HTTP Fields', () => {
  const message = request('/', [
    ['Host', 'www.example.com'],
    ['X-OWS-Header', '   Leading and trailing whitespace.   '],
    ['X-Obs-Fold-Header', 'Obsolete\r\n    line folding.'],
    ['Cache-Control', 'max-age=60'],
    ['Cache-Control', '   must-revalidate'],
    ['Example-Dict', ' a=1,    b=2;x=1;y=2,   c=(a   b   c), d'],
    ['X-Empty-Header', ''],
    ['Example-Header', 'value, with, lots'],
    ['Example-Header', 'of, commas'],
  ]);
  const value = (c: ComponentInput) => componentValue(message, c, { fieldTypes: { 'example-dict': 'dictionary' } });

  test('values are trimmed, unfolded, and repeated lines joined with ", "', () => {
    assert.equal(value('x-ows-header'), 'Leading and trailing whitespace.');
    assert.equal(value('x-obs-fold-header'), 'Obsolete line folding.');
    assert.equal(value('cache-control'), 'max-age=60, must-revalidate');
    assert.equal(value('example-dict'), 'a=1,    b=2;x=1;y=2,   c=(a   b   c), d');
  });

  test('an empty field gives an empty value and the line ends with ": "', () => {
    assert.equal(signatureBase(message, ['x-empty-header'], {}), '"x-empty-header": \n"@signature-params": ("x-empty-header")');
  });

  test('2.1.1 sf re-serialises a known structured field strictly', () => {
    assert.equal(value({ name: 'example-dict', params: { sf: true } }), 'a=1, b=2;x=1;y=2, c=(a b c), d');
    const digest = request('/', [['Content-Digest', 'sha-256=:AAAA:,sha-512=:AAAA:']]);
    assert.equal(componentValue(digest, { name: 'content-digest', params: { sf: true } }), 'sha-256=:AAAA:, sha-512=:AAAA:');
  });

  test('2.1.1 sf on a field of unknown type, or a value that does not parse, is ERR_SIG_COMPONENTS', () => {
    assert.throws(() => componentValue(message, { name: 'example-dict', params: { sf: true } }), code('ERR_SIG_COMPONENTS'));
    assert.throws(() => value({ name: 'x-ows-header', params: { sf: true } }), code('ERR_SIG_COMPONENTS'));
    const bad = request('/', [['Content-Digest', 'sha-256=:AAAA:,']]);
    assert.throws(() => componentValue(bad, { name: 'content-digest', params: { sf: true } }), code('ERR_SIG_COMPONENTS'));
  });

  test('2.1.2 key selects one dictionary member, serialised as an item or inner list', () => {
    assert.equal(value({ name: 'example-dict', params: { key: 'a' } }), '1');
    assert.equal(value({ name: 'example-dict', params: { key: 'd' } }), '?1');
    assert.equal(value({ name: 'example-dict', params: { key: 'b' } }), '2;x=1;y=2');
    assert.equal(value({ name: 'example-dict', params: { key: 'c' } }), '(a b c)');
  });

  test('2.1.2 a missing key, or key on a non-dictionary field, is ERR_SIG_COMPONENTS', () => {
    assert.throws(() => value({ name: 'example-dict', params: { key: 'e' } }), code('ERR_SIG_COMPONENTS'));
    const list = request('/', [['Proxy-Status', 'a=1']]);
    assert.throws(() => componentValue(list, { name: 'proxy-status', params: { key: 'a' } }), code('ERR_SIG_COMPONENTS'));
  });

  test('2.1.3 bs wraps each field line as a byte sequence', () => {
    assert.equal(value({ name: 'example-header', params: { bs: true } }), ':dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:');
    const single = request('/', [['Example-Header', 'value, with, lots, of, commas']]);
    assert.equal(componentValue(single, { name: 'example-header', params: { bs: true } }), ':dmFsdWUsIHdpdGgsIGxvdHMsIG9mLCBjb21tYXM=:');
  });

  test('bs with sf or key is ERR_SIG_MALFORMED; tr is ERR_SIG_COMPONENTS', () => {
    assert.throws(() => value({ name: 'example-dict', params: { bs: true, sf: true } }), code('ERR_SIG_MALFORMED'));
    assert.throws(() => value({ name: 'example-dict', params: { bs: true, key: 'a' } }), code('ERR_SIG_MALFORMED'));
    assert.throws(() => value({ name: 'host', params: { tr: true } }), code('ERR_SIG_COMPONENTS'));
  });

  test('an absent field is ERR_SIG_COMPONENTS; a name that is not a lowercase field name is ERR_SIG_MALFORMED', () => {
    assert.throws(() => value('content-type'), code('ERR_SIG_COMPONENTS'));
    for (const name of ['Host', 'ho st', '', 'host:']) assert.throws(() => value(name), code('ERR_SIG_MALFORMED'), name);
  });

  test('a value with a line break, a control character or obs-text is ERR_SIG_COMPONENTS; bs can wrap it', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\x00b', 'Jos\xe9']) {
      assert.throws(() => componentValue(request('/', [['X-Bad', bad]]), 'x-bad'), code('ERR_SIG_COMPONENTS'), JSON.stringify(bad));
    }
    assert.equal(componentValue(request('/', [['X-Bad', 'Jos\xe9']]), { name: 'x-bad', params: { bs: true } }), ':Sm9z6Q==:');
    assert.equal(componentValue(request('/', [['X-Tab', 'a\tb']]), 'x-tab'), 'a\tb');
  });

  test('without headerLines, the combined value stands for one line', () => {
    const { headerLines: _, ...rest } = request('/');
    const combined: RequestMessage = { ...rest, header: (n) => (n === 'x-a' ? 'one, two' : undefined) };
    assert.equal(componentValue(combined, { name: 'x-a', params: { bs: true } }), ':b25lLCB0d28=:');
  });
});

describe('2.2 Derived Components', () => {
  const req = request('/path?param=value&foo=bar&baz=bat%2Dman&qux=', [], { authority: 'www.example.com' });

  test('2.2.1-2.2.7 values of the RFC examples', () => {
    assert.equal(componentValue(req, '@method'), 'POST');
    assert.equal(componentValue(request('/path?param=value', [], { authority: 'www.example.com' }), '@target-uri'), 'https://www.example.com/path?param=value');
    assert.equal(componentValue(req, '@authority'), 'www.example.com');
    assert.equal(componentValue({ ...req, scheme: 'HTTP' }, '@scheme'), 'http');
    assert.equal(componentValue(req, '@request-target'), '/path?param=value&foo=bar&baz=bat%2Dman&qux=');
    assert.equal(componentValue(req, '@path'), '/path');
    assert.equal(componentValue(req, '@query'), '?param=value&foo=bar&baz=bat%2Dman&qux=');
  });

  test('2.2.3 the authority is lowercased and loses the default port only', () => {
    const authority = (authority: string, scheme = 'https') => componentValue({ ...req, authority, scheme }, '@authority');
    assert.equal(authority('WWW.Example.COM:443'), 'www.example.com');
    assert.equal(authority('example.com:80', 'http'), 'example.com');
    assert.equal(authority('example.com:80'), 'example.com:80');
    assert.equal(authority('[::1]:8443'), '[::1]:8443');
    assert.equal(componentValue({ ...req, authority: 'Example.com:443' }, '@target-uri'), 'https://example.com/path?param=value&foo=bar&baz=bat%2Dman&qux=');
  });

  test('2.2.2 and 2.2.5 absolute-form, authority-form and asterisk-form targets', () => {
    const absolute = { ...req, target: 'https://www.example.com/path?param=value' };
    assert.equal(componentValue(absolute, '@request-target'), 'https://www.example.com/path?param=value');
    assert.equal(componentValue(absolute, '@target-uri'), 'https://www.example.com/path?param=value');
    assert.equal(componentValue({ ...req, method: 'CONNECT', target: 'www.example.com:80' }, '@request-target'), 'www.example.com:80');
    const star = { ...req, method: 'OPTIONS', target: '*', path: '', search: '' };
    assert.equal(componentValue(star, '@request-target'), '*');
    assert.equal(componentValue(star, '@target-uri'), 'https://www.example.com');
    assert.equal(componentValue(star, '@path'), '/');
  });

  test('2.2.7 a request without a query, or with an empty one, has "?" as @query', () => {
    assert.equal(componentValue(request('/path'), '@query'), '?');
    assert.equal(componentValue(request('/path?'), '@query'), '?');
    assert.equal(componentValue(request('/path?queryString'), '@query'), '?queryString');
  });

  test('2.2.8 @query-param values, an empty one included', () => {
    const example = request('/path?param=value&foo=bar&baz=batman&qux=');
    const param = (name: string, message: RequestMessage = example) => componentValue(message, { name: '@query-param', params: { name } });
    assert.equal(param('baz'), 'batman');
    assert.equal(param('qux'), '');
    assert.equal(param('param'), 'value');
    assert.equal(param('baz', req), 'bat-man');
    assert.equal(param('a%20b', request('/?a+b=c%2fd~&e')), 'c%2Fd%7E');
    assert.equal(param('e', request('/?a+b=c%2fd~&e')), '');
    assert.equal(signatureBase(example, [{ name: '@query-param', params: { name: 'baz' } }], {}).split('\n')[0], '"@query-param";name="baz": batman');
  });

  test('2.2.8 a missing or repeated query parameter is ERR_SIG_COMPONENTS', () => {
    assert.throws(() => componentValue(req, { name: '@query-param', params: { name: 'nope' } }), code('ERR_SIG_COMPONENTS'));
    assert.throws(() => componentValue(request('/?a=1&a=2'), { name: '@query-param', params: { name: 'a' } }), code('ERR_SIG_COMPONENTS'));
  });

  test('2.2.9 @status on a response; on a request it is ERR_SIG_MALFORMED', () => {
    assert.equal(componentValue(response(200), '@status'), '200');
    assert.throws(() => componentValue(req, '@status'), code('ERR_SIG_MALFORMED'));
  });

  test('unknown derived names, @signature-params, and misplaced parameters are ERR_SIG_MALFORMED', () => {
    const bad: ComponentInput[] = [
      '@foo',
      '@signature-params',
      '@query-param',
      { name: '@method', params: { name: 'x' } },
      { name: '@method', params: { sf: true } },
      { name: 'host', params: { name: 'x' } },
      { name: 'host', params: { unknown: true } as never },
      { name: 'host', params: { key: 7 } as never },
    ];
    for (const c of bad) assert.throws(() => componentValue(req, c), code('ERR_SIG_MALFORMED'), JSON.stringify(c));
  });
});

describe('2.4 Request-Response Signature Binding', () => {
  const req = request('/foo', [['Signature', 'sig1=:AAAA:, sig2=:BBBB:']]);

  test('req takes fields and derived components from the request', () => {
    const res = response(200, [], req);
    assert.equal(componentValue(res, { name: '@method', params: { req: true } }), 'POST');
    assert.equal(componentValue(res, { name: 'signature', params: { req: true, key: 'sig2' } }), ':BBBB:');
  });

  test('req on a request, or a request component on a response without req, is ERR_SIG_MALFORMED', () => {
    assert.throws(() => componentValue(req, { name: '@method', params: { req: true } }), code('ERR_SIG_MALFORMED'));
    assert.throws(() => componentValue(response(200, [], req), '@method'), code('ERR_SIG_MALFORMED'));
  });

  test('req on a response whose request is not known is ERR_SIG_COMPONENTS', () => {
    assert.throws(() => componentValue(response(200), { name: '@method', params: { req: true } }), code('ERR_SIG_COMPONENTS'));
  });
});

describe('2.5 Creating the Signature Base', () => {
  const req = request('/foo', [['Date', 'today']]);

  test('no covered component: only the @signature-params line, no trailing LF', () => {
    assert.equal(signatureBase(req, [], { created: 1, nonce: 'n' }), '"@signature-params": ();created=1;nonce="n"');
  });

  test('parameters keep the order they were given in', () => {
    assert.equal(signatureBase(req, [], { keyid: 'k', created: 1 }), '"@signature-params": ();keyid="k";created=1');
  });

  test('a component covered twice is ERR_SIG_MALFORMED, whatever the order of its parameters', () => {
    assert.throws(() => signatureBase(req, ['date', 'date'], {}), code('ERR_SIG_MALFORMED'));
    const res = response(200, [['X', 'a=1']], request('/', [['X', 'a=1']]));
    const twice: ComponentInput[] = [{ name: 'x', params: { req: true, key: 'a' } }, { name: 'x', params: { key: 'a', req: true } }];
    assert.throws(() => signatureBase(res, twice, {}), code('ERR_SIG_MALFORMED'));
    assert.doesNotThrow(() => signatureBase(res, [{ name: 'x', params: { key: 'a' } }, { name: 'x', params: { key: 'a', req: true } }], {}));
  });

  test('a frozen list of components gives each message its own values, and a mutable identifier is read afresh', () => {
    const covered = Object.freeze(['date', '@path']);
    assert.equal(signatureBase(req, covered, {}), '"date": today\n"@path": /foo\n"@signature-params": ("date" "@path")');
    const other = request('/bar', [['Date', 'tomorrow']]);
    assert.equal(signatureBase(other, covered, {}), '"date": tomorrow\n"@path": /bar\n"@signature-params": ("date" "@path")');
    const identifier: { name: string } = { name: 'date' };
    const frozenList = Object.freeze([identifier]);
    assert.equal(signatureBase(req, frozenList, {}).split('\n')[0], '"date": today');
    identifier.name = '@path';
    assert.equal(signatureBase(req, frozenList, {}).split('\n')[0], '"@path": /foo');
  });

  test('bad signature parameters are ERR_SIG_MALFORMED', () => {
    for (const params of [{ created: 1.5 }, { created: -1 }, { nonce: 'a\nb' }, { alg: 7 }, { other: 'x' }]) {
      assert.throws(() => signatureBase(req, [], params as never), code('ERR_SIG_MALFORMED'), JSON.stringify(params));
    }
  });

  test('the signed bytes are the ASCII of the base; any other character is ERR_SIG_COMPONENTS', () => {
    assert.deepEqual(signatureBaseBytes('"a": b'), new TextEncoder().encode('"a": b'));
    assert.throws(() => signatureBaseBytes('é'), code('ERR_SIG_COMPONENTS'));
  });
});

describe('4.1 Signature-Input and 4.2 Signature', () => {
  const input = 'a=("@method" "x";req;key="k");keyid="one";created=2, b=();nonce="n"';
  const signature = 'b=:AQ==:, a=:Ag==:';

  test('parses every signature in Signature-Input order, and serialises them back', () => {
    const entries = parseSignatureFields(input, signature);
    assert.deepEqual(
      entries.map((e) => [e.label, e.components, e.params, [...e.signature]]),
      [
        ['a', [{ name: '@method', params: {} }, { name: 'x', params: { req: true, key: 'k' } }], { keyid: 'one', created: 2 }, [2]],
        ['b', [], { nonce: 'n' }, [1]],
      ],
    );
    assert.equal(serializeSignatureInput(entries), input);
    assert.equal(serializeSignature(entries), 'a=:Ag==:, b=:AQ==:');
  });

  test('neither field, or both empty, is ERR_SIG_MISSING', () => {
    assert.throws(() => parseSignatureFields(undefined, undefined), code('ERR_SIG_MISSING'));
    assert.throws(() => parseSignatureFields('', ' '), code('ERR_SIG_MISSING'));
  });

  test('anything else wrong is ERR_SIG_MALFORMED', () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      [input, undefined],
      [undefined, signature],
      ['a=()', 'a=:AQ==:, c=:AQ==:'],
      ['a=("@method"', 'a=:AQ==:'],
      ['a="@method"', 'a=:AQ==:'],
      ['a=(method)', 'a=:AQ==:'],
      ['a=("@method" "@method")', 'a=:AQ==:'],
      ['a=("@method";foo)', 'a=:AQ==:'],
      ['a=();created=1.5', 'a=:AQ==:'],
      ['a=();created="1"', 'a=:AQ==:'],
      ['a=();created=-1', 'a=:AQ==:'],
      ['a=();keyid=k', 'a=:AQ==:'],
      ['a=();foo="bar"', 'a=:AQ==:'],
      ['a=()', 'a="AQ=="'],
      ['a=()', 'a=:AQ==:;x=1'],
      ['a=()', 'a=::'],
      ['a=()', 'a=(:AQ==:)'],
    ];
    for (const [i, s] of cases) assert.throws(() => parseSignatureFields(i, s), code('ERR_SIG_MALFORMED'), `${i} | ${s}`);
  });

  test('serialising rejects a repeated or invalid label and empty signatures', () => {
    const entry = { label: 'sig1', components: ['@method'], params: {} };
    assert.throws(() => serializeSignatureInput([entry, entry]), code('ERR_SIG_MALFORMED'));
    assert.throws(() => serializeSignatureInput([{ ...entry, label: 'Sig1' }]), code('ERR_SIG_MALFORMED'));
    assert.throws(() => serializeSignature([{ label: 'sig1', signature: new Uint8Array() }]), code('ERR_SIG_MALFORMED'));
  });
});

describe('3.3 Signature Algorithms', () => {
  const data = new TextEncoder().encode('"@signature-params": ()');
  const keys: Record<AlgorithmName, { sign: AlgorithmKey; verify: AlgorithmKey }> = {
    'hmac-sha256': { sign: 'secret', verify: new TextEncoder().encode('secret') },
    ed25519: pair('ed25519'),
    'ecdsa-p256-sha256': pair('ec', { namedCurve: 'P-256' }),
    'ecdsa-p384-sha384': pair('ec', { namedCurve: 'P-384' }),
    'rsa-pss-sha512': pair('rsa-pss', { modulusLength: 2048 }),
    'rsa-v1_5-sha256': pair('rsa', { modulusLength: 2048 }),
  };

  test('the table holds exactly the six algorithms, looked up by own name only', () => {
    assert.deepEqual(Object.keys(ALGORITHMS).sort(), Object.keys(keys).sort());
    assert.equal(findAlgorithm('toString'), undefined);
    assert.equal(findAlgorithm('rsa-pss-sha512'), ALGORITHMS['rsa-pss-sha512']);
  });

  for (const [name, key] of Object.entries(keys) as Array<[AlgorithmName, (typeof keys)[AlgorithmName]]>) {
    test(`${name}: signs, verifies, and rejects other data or a truncated signature`, () => {
      const alg = ALGORITHMS[name];
      const signature = alg.sign(key.sign, data);
      assert.ok(alg.verify(key.verify, data, signature));
      assert.ok(!alg.verify(key.verify, data.subarray(1), signature));
      assert.ok(!alg.verify(key.verify, data, signature.subarray(1)));
    });
  }

  test('ECDSA signatures are raw r||s: 64 bytes for P-256, 96 for P-384', () => {
    assert.equal(ALGORITHMS['ecdsa-p256-sha256'].sign(keys['ecdsa-p256-sha256'].sign, data).length, 64);
    assert.equal(ALGORITHMS['ecdsa-p384-sha384'].sign(keys['ecdsa-p384-sha384'].sign, data).length, 96);
  });

  test('a key that does not fit the algorithm throws ERR_INVALID_KEY', () => {
    const misfits: Array<[AlgorithmName, AlgorithmKey]> = [
      ['ecdsa-p256-sha256', keys['ecdsa-p384-sha384'].verify],
      ['ed25519', keys['rsa-v1_5-sha256'].verify],
      ['rsa-v1_5-sha256', createSecretKey(Buffer.from('k'))],
      ['hmac-sha256', keys.ed25519.verify],
      ['hmac-sha256', ''],
      ['ed25519', 'not a pem'],
    ];
    for (const [name, key] of misfits) assert.throws(() => ALGORITHMS[name].verify(key, data, new Uint8Array(64)), code('ERR_INVALID_KEY'), name);
    assert.throws(() => ALGORITHMS.ed25519.sign(keys.ed25519.verify, data), code('ERR_INVALID_KEY'));
  });
});

function pair(type: 'ed25519' | 'ec' | 'rsa' | 'rsa-pss', options: object = {}): { sign: AlgorithmKey; verify: AlgorithmKey } {
  const { privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return { sign: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), verify: createPublicKey(privateKey) };
}
