/**
 * The demo's routes, in-process: /hello, and the signed API under /api
 * (orders with validation, whoami), signed with the real client.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signRequest } from '../../src/client/index.ts';
import { createDemoApp } from '../../src/demo/app.ts';

const SECRET = 'demo-test-secret-0123456789abcdef';
const app = createDemoApp({ keys: { demo: { alg: 'hmac-sha256', secret: SECRET } } });

async function signed(method: string, path: string, body?: string) {
  const url = `http://localhost${path}`;
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const added = await signRequest({ method, url, headers, ...(body !== undefined && { body }) }, { keyId: 'demo', key: SECRET, alg: 'hmac-sha256' });
  return app.request(path, { method, headers: { ...headers, ...added }, ...(body !== undefined && { body }) });
}

const codeOf = async (res: { json(): Promise<unknown> }): Promise<string | undefined> => ((await res.json()) as { error?: { code?: string } }).error?.code;

describe('demo app', () => {
  test('/hello answers Hello, World! without a signature', async () => {
    const res = await app.request('/hello');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Hello, World!');
  });

  test('/ serves the playground page', async () => {
    const res = await app.request('/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await res.text(), /signwire playground/);
  });

  test('an unsigned /api request is refused ERR_SIG_MISSING with Accept-Signature', async () => {
    const res = await app.request('/api/whoami');
    assert.equal(res.status, 401);
    assert.ok(res.headers.get('accept-signature'));
    assert.equal(await codeOf(res), 'ERR_SIG_MISSING');
  });

  test('/api/whoami returns the verified key id', async () => {
    const res = await signed('GET', '/api/whoami');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { keyId: string }).keyId, 'demo');
  });

  test('orders: create, read back, list', async () => {
    const created = await signed('POST', '/api/orders', JSON.stringify({ item: 'book', quantity: 2 }));
    assert.equal(created.status, 201);
    const order = (await created.json()) as { id: number; item: string; quantity: number; by: string };
    assert.deepEqual({ item: order.item, quantity: order.quantity, by: order.by }, { item: 'book', quantity: 2, by: 'demo' });
    assert.equal(created.headers.get('location'), `/api/orders/${order.id}`);
    assert.equal(((await (await signed('GET', `/api/orders/${order.id}`)).json()) as { item: string }).item, 'book');
    const list = (await (await signed('GET', '/api/orders')).json()) as { orders: unknown[] };
    assert.ok(list.orders.length >= 1);
  });

  test('orders: bad JSON is 400 ERR_BODY_JSON, an invalid order 422 ERR_ORDER_INVALID, a missing one 404', async () => {
    assert.equal(await codeOf(await signed('POST', '/api/orders', '{not json')), 'ERR_BODY_JSON');
    for (const body of ['[]', '{"item":""}', '{"item":"x","quantity":0}', '{"item":"x","quantity":1.5}', `{"item":"${'x'.repeat(101)}"}`]) {
      const res = await signed('POST', '/api/orders', body);
      assert.equal(res.status, 422, body);
      assert.equal(await codeOf(res), 'ERR_ORDER_INVALID');
    }
    const missing = await signed('GET', '/api/orders/999999');
    assert.equal(missing.status, 404);
    assert.equal(await codeOf(missing), 'ERR_ORDER_NOT_FOUND');
  });
});
