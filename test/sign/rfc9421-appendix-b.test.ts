/**
 * RFC 9421 Appendix B: every case of `../shared/vectors/rfc9421/vectors.json`
 * (keys beside it, found relative to the project root). The signature base
 * is built from the vector's message and Signature-Input, the given
 * signature verifies, the deterministic ones are reproduced byte for byte,
 * and changing any covered component (or the body, through Content-Digest)
 * makes verification fail.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { verifyContentDigest } from '../../src/sign/content-digest.ts';
import {
  ALGORITHMS,
  componentValue,
  parseSignatureFields,
  serializeSignature,
  serializeSignatureInput,
  signatureBase,
  signatureBaseBytes,
  type AlgorithmKey,
  type AlgorithmName,
  type HttpMessage,
  type SignatureEntry,
} from '../../src/sign/rfc9421/index.ts';
import { VECTORS, changed, code, request, response } from './rfc9421.fixture.ts';

const TITLES: Readonly<Record<string, string>> = {
  'B.2.1': 'Minimal Signature Using rsa-pss-sha512',
  'B.2.2': 'Selective Covered Components Using rsa-pss-sha512',
  'B.2.3': 'Full Coverage Using rsa-pss-sha512',
  'B.2.4': 'Signing a Response Using ecdsa-p256-sha256',
  'B.2.5': 'Signing a Request Using hmac-sha256',
  'B.2.6': 'Signing a Request Using ed25519',
};

interface VectorCase {
  readonly section: string;
  readonly message: 'request' | 'response';
  readonly alg: AlgorithmName;
  readonly key: string;
  readonly deterministic: boolean;
  readonly 'signature-input': string;
  readonly signature: string;
  readonly 'signature-base'?: string;
}
interface VectorMessage {
  readonly headers: Array<[string, string]>;
  readonly body: string;
}
interface Vectors {
  readonly request: VectorMessage & { readonly method: string; readonly target: string };
  readonly response: VectorMessage & { readonly status: number };
  readonly cases: VectorCase[];
  readonly 'query-param': { readonly section: string; readonly target: string; readonly expect: Record<string, string> };
}

function readKey(file: string, alg: AlgorithmName): AlgorithmKey {
  const text = readFileSync(new URL(file, VECTORS), 'utf8');
  return alg === 'hmac-sha256' ? Buffer.from(text.trim(), 'base64') : text;
}

function verifies(alg: AlgorithmName, key: AlgorithmKey, message: HttpMessage, entry: SignatureEntry): boolean {
  return ALGORITHMS[alg].verify(key, signatureBaseBytes(signatureBase(message, entry.components, entry.params)), entry.signature);
}
if (existsSync(VECTORS)) {
  const vectors = JSON.parse(readFileSync(new URL('vectors.json', VECTORS), 'utf8')) as Vectors;
  const req = request(vectors.request.target, vectors.request.headers, { method: vectors.request.method });
  const res = response(vectors.response.status, vectors.response.headers, req);

  describe('RFC 9421 Appendix B', () => {
    for (const c of vectors.cases) {
      describe(`${c.section} ${TITLES[c.section] ?? ''}`, () => {
        const key = readKey(c.key, c.alg);
        const message = c.message === 'request' ? req : res;
        const [entry] = parseSignatureFields(c['signature-input'], c.signature);
        assert.ok(entry !== undefined);
        const base = signatureBase(message, entry.components, entry.params);
        const body = c.message === 'request' ? vectors.request.body : vectors.response.body;

        test('verifies the given signature', () => assert.ok(verifies(c.alg, key, message, entry)));
        if (c['signature-base'] !== undefined) test('builds the signature base of the RFC', () => assert.equal(base, c['signature-base']));
        if (c.deterministic) {
          test('reproduces the signature byte for byte', () => {
            assert.deepEqual(ALGORITHMS[c.alg].sign(key, signatureBaseBytes(base)), entry.signature);
          });
        } else {
          test('a fresh signature verifies', () => {
            const fresh = ALGORITHMS[c.alg].sign(key, signatureBaseBytes(base));
            assert.ok(ALGORITHMS[c.alg].verify(key, signatureBaseBytes(base), fresh));
          });
        }
        test('serialises Signature-Input and Signature back to the given fields', () => {
          assert.equal(serializeSignatureInput([entry]), c['signature-input']);
          assert.equal(serializeSignature([entry]), c.signature);
        });
        for (const component of entry.components) {
          test(`fails when ${component.name} changes`, () => assert.ok(!verifies(c.alg, key, changed(message, component), entry)));
        }
        test('fails when a signature parameter changes', () => {
          assert.ok(!verifies(c.alg, key, message, { ...entry, params: { ...entry.params, created: 1618884474 } }));
        });
        test('fails when the signature changes by one bit', () => {
          const flipped = Uint8Array.from(entry.signature, (byte, i) => (i === 10 ? byte ^ 1 : byte));
          assert.ok(!verifies(c.alg, key, message, { ...entry, signature: flipped }));
        });
        if (entry.components.some((component) => component.name === 'content-digest')) {
          test('the covered Content-Digest matches the body, and a changed body fails', () => {
            verifyContentDigest(message.header('content-digest'), body);
            assert.throws(() => verifyContentDigest(message.header('content-digest'), body.replace('o', '0')), code('ERR_SIG_DIGEST'));
          });
        }
      });
    }

    test('B.1.5 the shared secret file holds the base64 of the HMAC key, not the key', () => {
      const hmac = vectors.cases.find((c) => c.alg === 'hmac-sha256')!;
      const [entry] = parseSignatureFields(hmac['signature-input'], hmac.signature);
      const text = readFileSync(new URL(hmac.key, VECTORS), 'utf8').trim();
      assert.equal(Buffer.from(text, 'base64').length, 64);
      assert.ok(verifies('hmac-sha256', Buffer.from(text, 'base64'), req, entry!));
      assert.ok(!verifies('hmac-sha256', text, req, entry!));
    });

    test(`${vectors['query-param'].section} Query Parameters: each parameter is decoded and encoded again`, () => {
      const example = vectors['query-param'];
      for (const [name, value] of Object.entries(example.expect)) {
        assert.equal(componentValue(request(example.target), { name: '@query-param', params: { name } }), value);
      }
    });

    test('2.4 Request-Response Signature Binding: the example response signature verifies', () => {
      const sig1 = `sig1=:${RESPONSE_BINDING.requestSignature}:`;
      const signedReq = request('/foo?param=Value&Pet=dog', [...vectors.request.headers, ['Signature', sig1]]);
      const answer = response(503, [['Content-Type', 'application/json'], ['Content-Length', '62']], signedReq);
      const [entry] = parseSignatureFields(RESPONSE_BINDING.signatureInput, RESPONSE_BINDING.signature);
      const key = readKey('test-key-ecc-p256.pem', 'ecdsa-p256-sha256');
      assert.ok(verifies('ecdsa-p256-sha256', key, answer, entry!));
      assert.ok(!verifies('ecdsa-p256-sha256', key, { ...answer, request: { ...signedReq, method: 'GET' } }, entry!));
    });
  });
} else {
  const reason = '../shared/vectors/rfc9421 is absent (a clone without ../shared)';
  console.log(`RFC 9421 Appendix B skipped: ${reason}`);
  test('verifies the RFC 9421 Appendix B signatures', { skip: reason }, () => {});
}

/** RFC 9421 §2.4: a response whose signature covers the request's method, authority and signature. */
const RESPONSE_BINDING = {
  requestSignature:
    'LAH8BjcfcOcLojiuOBFWn0P5keD3xAOuJRGziCLuD8r5MW9S0RoXXLzLSRfGY/3SF8kVIkHjE13SEFdTo4Af/fJ/Pu9wheqoLVdwXyY/UkBIS1M8Brc8IODsn5DFIrG0IrburbLi0uCc+E2ZIIb6HbUJ+o+jP58JelMTe0QE3IpWINTEzpxjqDf5/Df+InHCAkQCTuKsamjWXUpyOT1Wkxi7YPVNOjW4MfNuTZ9HdbD2Tr65+BXeTG9ZS/9SWuXAc+BZ8WyPz0QRz//ec3uWXd7bYYODSjRAxHqX+S1ag3LZElYyUKaAIjZ8MGOt4gXEwCSLDv/zqxZeWLj/PDkn6w==',
  signatureInput:
    'reqres=("@status" "content-length" "content-type" "signature";req;key="sig1" "@authority";req "@method";req);created=1618884479;keyid="test-key-ecc-p256"',
  signature: 'reqres=:mh17P4TbYYBmBwsXPT4nsyVzW4Rp9Fb8WcvnfqKCQLoMvzOBLD/n32tL/GPW6XE5GAS5bdsg1khK6lBzV1Cx/Q==:',
};

