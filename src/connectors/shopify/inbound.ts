import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { RetailEventData, RetailEventType } from '../../canonical/events/catalogue.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { InboundRequest, WebhookReceiver } from '../connector.ts';
import { header } from '../inbound/signature.ts';
import { verifyShopifyWebhook } from './auth.ts';
import { SHOPIFY_SYSTEM } from './client.ts';
import type { ShopifyMappings } from './mappings.ts';
import type { ShopifyGraphQLClient } from './client.ts';
import { inventoryLevelRecord, refundBindings, shipmentBindings } from './inbound/enrich.ts';
import { returnBindings } from './inbound/returns.ts';
import type { ShopifyReferences } from './references.ts';

export type InboundMappings = Pick<ShopifyMappings, 'order' | 'customer' | 'inventoryLevel' | 'refund' | 'shipment' | 'return'>;

export interface ShopifyWebhookOptions {
  clientSecret: string | readonly string[];
  mappings: InboundMappings;
  client: ShopifyGraphQLClient;
  references: ShopifyReferences;
  /** CloudEvents `source` of the events, e.g. `crossdock://connectors/shopify/acme.myshopify.com`. */
  source: string;
}

/** The topics mapped to canonical events; other topics are acknowledged and produce nothing. */
export const SHOPIFY_WEBHOOK_TOPICS = [
  'orders/create',
  'orders/cancelled',
  'customers/create',
  'customers/update',
  'inventory_levels/update',
  'refunds/create',
  'fulfillments/create',
  'returns/request',
] as const;

/**
 * Shopify webhooks (https://shopify.dev/docs/apps/build/webhooks): verified with the HMAC of
 * the raw body, deduplicated on `X-Shopify-Webhook-Id` (the same for every retry and duplicate
 * of one delivery, so the event ids derived from it make a repeat a duplicate in the log),
 * mapped to canonical events. Shopify does not promise order: each event carries the
 * resource's `updated_at` as `sourceTimestamp` and `X-Shopify-Triggered-At` as its `time`, so
 * flows keep the newest state and drop an older one that arrives late.
 */
export function shopifyWebhookReceiver(options: ShopifyWebhookOptions): WebhookReceiver {
  const deliveryId = (request: InboundRequest): string => {
    const id = header(request.headers, 'X-Shopify-Webhook-Id');
    if (!id) throw new PermanentError('Shopify webhook without X-Shopify-Webhook-Id', { system: SHOPIFY_SYSTEM, code: 'MISSING_WEBHOOK_ID' });
    return id;
  };
  return {
    verify: (request) => verifyShopifyWebhook(request, options.clientSecret),
    deliveryId,
    async toEvents(request) {
      const id = deliveryId(request);
      const topic = header(request.headers, 'X-Shopify-Topic') ?? '';
      const triggeredAt = header(request.headers, 'X-Shopify-Triggered-At');
      const payload = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
      const event = <T extends RetailEventType>(type: T, data: unknown): CloudEvent =>
        createRetailEvent({
          type,
          data: data as RetailEventData<T>,
          source: options.source,
          id: `shopify:${id}`,
          correlationId: `shopify-webhook-${id}`,
          ...(triggeredAt && !Number.isNaN(Date.parse(triggeredAt)) && { time: new Date(triggeredAt).toISOString() }),
        });
      switch (topic) {
        case 'orders/create':
          return [event('retail.order.placed.v1', await options.mappings.order.apply(payload, { status: 'placed' }))];
        case 'orders/cancelled':
          return [event('retail.order.cancelled.v1', await options.mappings.order.apply(payload, { status: 'cancelled' }))];
        case 'customers/create':
          return [event('retail.customer.created.v1', await options.mappings.customer.apply(payload))];
        case 'customers/update':
          return [event('retail.customer.updated.v1', await options.mappings.customer.apply(payload))];
        case 'inventory_levels/update':
          return [event('retail.inventory.level-changed.v1', await options.mappings.inventoryLevel.apply(await inventoryLevelRecord(payload, options)))];
        case 'refunds/create':
          return [event('retail.refund.issued.v1', await options.mappings.refund.apply(payload, await refundBindings(payload, options)))];
        case 'fulfillments/create':
          return [event('retail.shipment.milestone-reached.v1', await options.mappings.shipment.apply(payload, await shipmentBindings(payload, options)))];
        case 'returns/request': {
          // A customer's request, for the hub to decide (returns/approve, /decline and /close are the hub's own doing: acknowledged).
          const receivedAt = triggeredAt && !Number.isNaN(Date.parse(triggeredAt)) ? new Date(triggeredAt).toISOString() : new Date().toISOString();
          return [event('retail.return.requested.v1', await options.mappings.return.apply(payload, { ...(await returnBindings(payload, options)), receivedAt }))];
        }
        default:
          return [];
      }
    },
  };
}
