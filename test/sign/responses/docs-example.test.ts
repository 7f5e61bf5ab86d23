/**
 * The worked example of signed responses in docs/signing.md must stay true:
 * the signature base and the headers it shows are what `signResponse`
 * computes for the same request, response, key and time, and what
 * `verifyResponse` accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { verifyResponse } from '../../../src/client/index.ts';
import { responseSigner, signResponse } from '../../../src/sign/responses/index.ts';
import { parseSignatureFields, signatureBase } from '../../../src/sign/rfc9421/index.ts';

const REQUEST_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  signature: 'sig1=:l1od0UlZp2fp6qlAOV6810Lnk1UB79bzjQELZanzTeE=:',
};
const REQUEST = {
  method: 'POST', target: '/orders?tenant=acme', path: '/orders', search: 'tenant=acme', authority: 'api.example.com', scheme: 'https',
  header: (name: string) => REQUEST_HEADERS[name],
};
const BODY = '{"id":"ord_1","item":"book","qty":1}';
const CREATED = 1795000001;

function example(): { base: string; headers: Record<string, string> } {
  const fields: Record<string, string> = { 'content-type': 'application/json' };
  const signer = responseSigner({ keyId: 'api-responses', key: 'my-response-secret', alg: 'hmac-sha256', now: () => CREATED * 1000 });
  const added = signResponse({ status: 201, header: (name) => fields[name], request: REQUEST }, new TextEncoder().encode(BODY), signer, 'sig1');
  fields['content-digest'] = added['Content-Digest']!;
  const [entry] = parseSignatureFields(added['Signature-Input'], added['Signature']);
  return { base: signatureBase({ status: 201, header: (name) => fields[name], request: REQUEST }, entry!.components, entry!.params), headers: added };
}

test('docs/signing.md shows the signature base and headers signResponse computes for its worked example', () => {
  const docs = readFileSync(new URL('../../../docs/signing.md', import.meta.url), 'utf8');
  const { base, headers } = example();
  assert.ok(docs.includes(`\`\`\`\n${base}\n\`\`\``), 'the signature base, line for line');
  for (const [name, value] of Object.entries(headers)) assert.ok(docs.includes(`${name}: ${value}\n`), `${name}: ${value}`);
});

test('the worked example verifies with verifyResponse, and not for another query', async () => {
  const { headers } = example();
  const response = { status: 201, headers: { 'content-type': 'application/json', ...headers }, body: BODY };
  const request = { method: 'POST', url: 'https://api.example.com/orders?tenant=acme', headers: REQUEST_HEADERS };
  const options = { request, key: 'my-response-secret', alg: 'hmac-sha256', now: () => CREATED * 1000 } as const;
  assert.equal((await verifyResponse(response, options)).created, CREATED);
  const other = { ...request, url: 'https://api.example.com/orders?tenant=other' };
  await assert.rejects(verifyResponse(response, { ...options, request: other }), (error: { code?: string }) => error.code === 'ERR_SIG_INVALID');
});
