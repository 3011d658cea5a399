import type { Order } from '../../canonical/order.ts';
import type { Shipment } from '../../canonical/shipment.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { OrderFulfilment } from './records.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld, type RetailWorldOptions } from '../testing/world.ts';
import { createShipments } from './index.ts';

/** Test support for the shipment-milestones flow's end-to-end tests (not part of the flow). */

/** The world with this module only. */
export function startShipmentsWorld(options: Partial<RetailWorldOptions> = {}): Promise<RetailWorld> {
  return startRetailWorld({ modules: (deps) => [createShipments(deps)], ...options });
}

export interface WmsFulfilmentOrder {
  id: string;
  externalOrderId: string;
  status: string;
  lines: { sku: string; quantity: number; quantityShipped: number }[];
  shipments: { id: string; carrier: string; trackingNumber: string; lines: { sku: string; quantity: number }[] }[];
  events: { type: string; occurredAt: string; shipmentId?: string; reason?: string }[];
}

/** Calls the WMS sandbox's own API (the warehouse's side), waiting out its 10 requests/s limit. */
export async function warehouse(world: RetailWorld, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const { url, apiKey } = world.sandboxes.directory.wms;
  for (;;) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers.get('retry-after') ?? 1)));
      continue;
    }
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }
}

/** Records a milestone in the WMS (`POST /v1/fulfillment-orders/:id/events`); fails the test on a refusal. */
export async function milestone(world: RetailWorld, fulfilmentOrderId: string, event: Record<string, unknown>): Promise<WmsFulfilmentOrder> {
  const answer = await warehouse(world, 'POST', `/v1/fulfillment-orders/${fulfilmentOrderId}/events`, event);
  if (answer.status !== 201) throw new Error(`the WMS refused ${JSON.stringify(event)}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as unknown as WmsFulfilmentOrder;
}

/** The parcel a `shipped` milestone created. */
export async function ship(world: RetailWorld, fulfilmentOrderId: string, event: { carrier: string; trackingNumber: string; lines?: { sku: string; quantity: number }[] }): Promise<string> {
  const order = await milestone(world, fulfilmentOrderId, { type: 'shipped', ...event });
  return order.shipments[order.shipments.length - 1]!.id;
}

export interface ReleasedOrder {
  order: Order;
  orderNumber: string;
  shopifyOrderId: number;
  fulfilmentOrderId: string;
}

/**
 * A web order as it stands when the warehouse starts on it: placed in the Shopify sandbox (its
 * webhook gives the hub the order and its channel), booked in NetSuite and released to the WMS
 * through the hub's own delivery queues and the real connectors, as order capture would.
 */
export async function placeBookAndRelease(world: RetailWorld, lines: { sku: string; quantity: number }[]): Promise<ReleasedOrder> {
  const placed = world.sandboxes.shopify.placeOrder({ email: 'jane.doe@example.com', lineItems: lines });
  if (!placed.ok) throw new Error(`the Shopify sandbox refused the order: ${JSON.stringify(placed.userErrors)}`);
  const orderNumber = `SHOP-${placed.value.number}`;
  const order = await eventually(
    async () => (await world.adapters.bus.find({ subject: orderNumber, type: 'retail.order.placed.v1', limit: 1 }))[0]?.event.data as Order | undefined,
    `the order.placed event of ${orderNumber}`,
    15_000,
  );
  // A seeded NetSuite customer (Jane Doe) and a shipping address: what capture would have resolved.
  const released: Order = {
    ...order,
    customer: { ...order.customer, customerId: 'CUST-0001' },
    fulfilment: {
      method: 'ship',
      locationCode: 'DC-EAST',
      carrierService: 'ground',
      shippingAddress: { recipient: 'Jane Doe', line1: '12 Acacia Avenue', city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US' },
    },
  };
  await world.retail.hub.delivery.enqueue([
    { target: 'erp', kind: 'command', key: orderNumber, operation: 'bookOrder', payload: released, idempotencyKey: `test/book/${orderNumber}` },
    { target: 'wms', kind: 'command', key: orderNumber, operation: 'releaseFulfillmentOrder', payload: released, idempotencyKey: `test/release/${orderNumber}` },
  ]);
  const fulfilmentOrderId = await eventually(
    async () => {
      const found = await warehouse(world, 'GET', `/v1/fulfillment-orders?externalOrderId=${orderNumber}`);
      return (found.body.data as { id: string }[] | undefined)?.[0]?.id;
    },
    `the WMS fulfilment order of ${orderNumber}`,
    15_000,
  );
  await eventually(() => world.sandboxes.netsuite.records.store.getByExternalId('salesOrder', orderNumber), `the NetSuite sales order ${orderNumber}`, 15_000);
  return { order: released, orderNumber, shopifyOrderId: placed.value.id, fulfilmentOrderId };
}

// ── what each system holds ───────────────────────────────────────────────────────────────

/** NetSuite item fulfilments recorded for a shipment number (its external id). */
export function itemFulfilments(world: RetailWorld, shipmentNumber: string) {
  return world.sandboxes.netsuite.records.store.list('itemFulfillment').filter((record) => record.externalId === shipmentNumber);
}

/** Shopify fulfilments of an order, with their tracking numbers. */
export function storefrontFulfilments(world: RetailWorld, shopifyOrderId: number) {
  return [...world.sandboxes.shopify.store.fulfillments.values()].filter((fulfillment) => fulfillment.orderId === shopifyOrderId);
}

/** The Salesforce Shipment__c with this shipment number, if any. */
export function agentShipment(world: RetailWorld, shipmentNumber: string): Record<string, unknown> | undefined {
  const records = world.sandboxes.salesforce.org.snapshot().records.Shipment__c ?? [];
  return records.find((record) => record.External_Id__c === shipmentNumber) as Record<string, unknown> | undefined;
}

export async function orderFulfilment(world: RetailWorld, orderNumber: string): Promise<OrderFulfilment | undefined> {
  return (await world.deps.records.get<OrderFulfilment>(RecordEntity.orderFulfilment, orderNumber))?.data;
}

export async function storedShipment(world: RetailWorld, shipmentNumber: string): Promise<Shipment | undefined> {
  return (await world.deps.records.get<Shipment>(RecordEntity.shipment, shipmentNumber))?.data;
}

/** Statuses announced for an order with `retail.order.status-changed.v1`, in log order. */
export async function announcedStatuses(world: RetailWorld, orderNumber: string): Promise<string[]> {
  const events = await world.adapters.bus.find({ subject: orderNumber, type: 'retail.order.status-changed.v1', limit: 100 });
  return events.map((entry) => (entry.event.data as Order).status);
}

/** Open flow exceptions of the shipment-milestones flow, by code. */
export async function openExceptions(world: RetailWorld): Promise<{ code: string | undefined; key: string; id: number; context: Record<string, unknown> }[]> {
  const open = await world.adapters.storage.deadLetters.list({ status: 'open', limit: 500 });
  return open.map((entry) => ({ code: entry.error.code, key: entry.key, id: entry.id, context: entry.context, target: entry.target, kind: entry.kind }));
}
