/**
 * The demo's orders API: a small, bounded in-memory store behind signed
 * routes. `GET /api/orders`, `POST /api/orders` (JSON, validated),
 * `GET /api/orders/:id`.
 */
import type { App } from '../app/app.ts';
import { HttpError } from '../app/http-error.ts';

interface Order {
  readonly id: number;
  readonly item: string;
  readonly quantity: number;
  readonly by: string;
  readonly createdAt: string;
}

const MAX_ORDERS = 1000;

/** Adds the order routes to `app` (under `/api`, behind its signature middleware). */
export function orderRoutes(app: App): void {
  const orders = new Map<number, Order>();
  let nextId = 1;
  app.get('/api/orders', (c) => c.json({ orders: [...orders.values()] }));
  app.get('/api/orders/:id', (c) => {
    const order = orders.get(Number(c.req.param('id')));
    if (order === undefined) throw new HttpError(404, 'no such order', { code: 'ERR_ORDER_NOT_FOUND' });
    return c.json(order);
  });
  app.post('/api/orders', async (c) => {
    const { item, quantity } = validate(await c.req.json());
    if (orders.size >= MAX_ORDERS) orders.delete(orders.keys().next().value!);
    const order: Order = { id: nextId++, item, quantity, by: c.get('signature')?.keyId ?? '?', createdAt: new Date().toISOString() };
    orders.set(order.id, order);
    c.header('Location', `/api/orders/${order.id}`);
    return c.json(order, 201);
  });
}

/** `{ "item": non-empty string ≤ 100 chars, "quantity": integer 1-1000 (default 1) }`. */
function validate(body: unknown): { item: string; quantity: number } {
  const invalid = (message: string): HttpError => new HttpError(422, message, { code: 'ERR_ORDER_INVALID' });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON object');
  const { item, quantity = 1 } = body as { item?: unknown; quantity?: unknown };
  if (typeof item !== 'string' || item.trim() === '' || item.length > 100) throw invalid('"item" must be a non-empty string of at most 100 characters');
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
    throw invalid('"quantity" must be an integer from 1 to 1000');
  }
  return { item: item.trim(), quantity };
}
