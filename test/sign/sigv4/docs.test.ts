/**
 * The SigV4 worked example in docs/signing.md must stay true: its headers,
 * presigned URL and debug body are what the AWS SDK's signer and signwire
 * compute for the request it describes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createVerifier, SignatureError, sigv4 } from '../../../src/index.ts';
import { ACCESS_KEY_ID, NOW, SECRET, asSignedRequest, presigned, queryString, signed } from './smithy.ts';

const docs = readFileSync(new URL('../../../docs/signing.md', import.meta.url), 'utf8');
const section = docs.slice(docs.indexOf('## AWS Signature Version 4'), docs.indexOf('## Keys and rotation'));
const example = { method: 'POST', path: '/orders', query: { tenant: 'acme' }, host: 'api.example.com', headers: { 'content-type': 'application/json' }, body: '{"item":"book","qty":1}' };

test('docs/signing.md has the SigV4 section before "Keys and rotation"', () => {
  assert.ok(section.length > 1000);
});

test('the worked example shows the headers the AWS SDK computes', async () => {
  const request = await signed(example);
  for (const name of ['x-amz-date', 'x-amz-content-sha256', 'authorization']) {
    assert.ok(section.includes(`: ${request.headers[name]!}\n`), `docs show ${name}: ${request.headers[name]!}`);
  }
});

test('the worked example shows the presigned URL the AWS SDK computes', async () => {
  const link = await presigned({ path: '/orders/7', host: 'api.example.com' }, { expiresIn: 300 });
  assert.ok(section.includes(`https://api.example.com/orders/7?${queryString(link.query)}\n`));
});

test('the debug body shown is what signwire answers for the example signed for /v1/orders and received as /orders', async () => {
  const request = await signed({ ...example, path: '/v1/orders' });
  const verifier = createVerifier({ scheme: sigv4({ region: 'us-east-1', service: 'orders' }), keys: { [ACCESS_KEY_ID]: { secret: SECRET } }, now: () => NOW * 1000, debug: true });
  const error = await verifier.verify(asSignedRequest(Object.assign(request, { path: '/orders' }))).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof SignatureError);
  const body = JSON.stringify({ error: { code: error.code, message: error.message, ...error.debugInfo } }, null, 2);
  assert.ok(section.includes(body), 'docs show the debug body');
});
