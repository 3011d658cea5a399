import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { StockLedger } from './stock.ts';
import type { FulfillmentOrders } from './orders.ts';
import type { ReturnReceipts } from './returns.ts';
import type { WmsWebhooks } from './webhooks.ts';
import {
  CancelFulfillmentOrderSchema,
  CreateFulfillmentOrderSchema,
  CreateReturnReceiptSchema,
  CreateStockAdjustmentSchema,
  CreateWebhookSchema,
  FulfillmentEventSchema,
  FulfillmentStatus,
  ReceiveReturnSchema,
  WebhookTopic,
} from './model.ts';
import type {
  CancelFulfillmentOrder,
  CreateFulfillmentOrder,
  CreateReturnReceipt,
  CreateStockAdjustment,
  FulfillmentEventInput,
  ReceiveReturn,
} from './model.ts';

/** Page size: default 50, at most 100 per page. */
const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String()),
  status: Type.Optional(Type.Union(Object.values(FulfillmentStatus).map((value) => Type.Literal(value)))),
  externalOrderId: Type.Optional(Type.String()),
});
const IdParams = Type.Object({ id: Type.String() });

export interface WmsParts {
  orders: FulfillmentOrders;
  returns: ReturnReceipts;
  stock: StockLedger;
  webhooks: WmsWebhooks;
}

export function registerWmsRoutes(app: FastifyInstance, parts: WmsParts): void {
  const { orders, returns, stock, webhooks } = parts;

  app.post('/v1/fulfillment-orders', { schema: { body: CreateFulfillmentOrderSchema } }, async (request, reply) => {
    const { order, created } = orders.create(request.body as CreateFulfillmentOrder);
    return reply.code(created ? 201 : 200).send(order);
  });

  app.get('/v1/fulfillment-orders', { schema: { querystring: PageQuery } }, async (request) => {
    const query = request.query as { limit: number; cursor?: string; status?: FulfillmentStatus; externalOrderId?: string };
    return orders.list(query);
  });

  app.get('/v1/fulfillment-orders/:id', { schema: { params: IdParams } }, async (request) =>
    orders.get((request.params as { id: string }).id),
  );

  app.post(
    '/v1/fulfillment-orders/:id/events',
    { schema: { params: IdParams, body: FulfillmentEventSchema } },
    async (request, reply) => {
      const input = request.body as FulfillmentEventInput;
      const { order, shipment } = orders.recordEvent((request.params as { id: string }).id, input);
      webhooks.publish(WebhookTopic[input.type], { fulfillmentOrder: order, ...(shipment ? { shipment } : {}) });
      return reply.code(201).send(order);
    },
  );

  app.post(
    '/v1/fulfillment-orders/:id/cancel',
    {
      schema: { params: IdParams, body: CancelFulfillmentOrderSchema },
      // The body is optional: a cancel without a reason may be sent with none at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const { order, changed } = orders.cancel((request.params as { id: string }).id, request.body as CancelFulfillmentOrder);
      if (changed) webhooks.publish(WebhookTopic.cancelled, { fulfillmentOrder: order });
      return order;
    },
  );

  app.post('/v1/return-receipts', { schema: { body: CreateReturnReceiptSchema } }, async (request, reply) => {
    const { receipt, created } = returns.expect(request.body as CreateReturnReceipt);
    return reply.code(created ? 201 : 200).send(receipt);
  });

  app.get('/v1/return-receipts', { schema: { querystring: PageQuery } }, async (request) =>
    returns.list(request.query as { limit: number; cursor?: string }),
  );

  app.get('/v1/return-receipts/:id', { schema: { params: IdParams } }, async (request) =>
    returns.get((request.params as { id: string }).id),
  );

  app.post(
    '/v1/return-receipts/:id/receive',
    { schema: { params: IdParams, body: ReceiveReturnSchema } },
    async (request) => {
      const receipt = returns.receive((request.params as { id: string }).id, request.body as ReceiveReturn);
      webhooks.publish(WebhookTopic.returnReceived, { returnReceipt: receipt });
      return receipt;
    },
  );

  app.post('/v1/stock-adjustments', { schema: { body: CreateStockAdjustmentSchema } }, async (request, reply) => {
    const adjustment = stock.adjust(request.body as CreateStockAdjustment);
    webhooks.publish(WebhookTopic.stockAdjusted, { adjustment, stock: stock.level(adjustment.sku) });
    return reply.code(201).send(adjustment);
  });

  app.get('/v1/stock', { schema: { querystring: Type.Object({ sku: Type.Optional(Type.String()) }) } }, async (request) => {
    const sku = (request.query as { sku?: string }).sku;
    return { data: stock.list(sku ? sku.split(',') : undefined) };
  });

  app.post('/v1/webhooks', { schema: { body: CreateWebhookSchema } }, async (request, reply) =>
    reply.code(201).send(webhooks.create(request.body as { url: string; topics: WebhookTopic[] })),
  );

  app.get('/v1/webhooks', async () => ({ data: webhooks.list() }));

  app.delete('/v1/webhooks/:id', { schema: { params: IdParams } }, async (request, reply) => {
    webhooks.remove((request.params as { id: string }).id);
    return reply.code(204).send();
  });
}
