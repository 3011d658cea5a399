import type { FastifyInstance } from 'fastify';
import { ADMIN_PREFIX } from '../../kit/index.ts';
import { splitGid } from '../schema/ids.ts';
import { cancelOrder, placeOrder } from '../store/orders.ts';
import type { PlaceOrderInput } from '../store/orders.ts';
import type { ShopifyStore } from '../store/store.ts';
import { orderPayload } from '../webhooks/payloads.ts';
import type { ShopifyWebhooks } from '../webhooks/emitter.ts';

/** Accepts a numeric id or a gid for admin requests. */
function numericId(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return splitGid(value)?.id ?? null;
}

/**
 * Sandbox-only routes (never faulted): what a storefront would do (place an order, which fires
 * orders/create), what the merchant would do in the admin (cancel), and a view of webhook
 * deliveries for tests and the traffic generator.
 */
export function registerAdminRoutes(app: FastifyInstance, store: ShopifyStore, webhooks: ShopifyWebhooks): void {
  const base = `${ADMIN_PREFIX}shopify`;

  app.post(`${base}/orders`, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const input: PlaceOrderInput = {
      email: typeof body.email === 'string' ? body.email : null,
      customerId: numericId(body.customerId),
      locationId: numericId(body.locationId),
      lineItems: Array.isArray(body.lineItems) ? (body.lineItems as PlaceOrderInput['lineItems']) : [],
      ...(typeof body.shippingPrice === 'string' ? { shippingPrice: body.shippingPrice } : {}),
      note: typeof body.note === 'string' ? body.note : null,
      tags: Array.isArray(body.tags) ? body.tags.map(String) : [],
    };
    const outcome = placeOrder(store, input);
    if (!outcome.ok) return reply.code(422).send({ errors: outcome.userErrors });
    return reply.code(201).send({ order: orderPayload(store, outcome.value) });
  });

  app.post<{ Params: { id: string } }>(`${base}/orders/:id/cancel`, async (request, reply) => {
    const reason = ((request.body ?? {}) as Record<string, unknown>).reason;
    const outcome = cancelOrder(store, numericId(request.params.id) ?? -1, typeof reason === 'string' ? reason.toUpperCase() : 'OTHER');
    if (!outcome.ok) return reply.code(422).send({ errors: outcome.userErrors });
    return { order: orderPayload(store, outcome.value) };
  });

  app.get(`${base}/webhooks`, async () => ({
    subscriptions: [...store.webhookSubscriptions.values()],
    deliveries: webhooks.emitter.deliveries,
    attempts: webhooks.emitter.attempts,
  }));

  app.post(`${base}/webhooks/drain`, async () => {
    await webhooks.emitter.drain();
    return { deliveries: webhooks.emitter.deliveries.length };
  });
}
