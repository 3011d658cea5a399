import { afterEach, describe, expect, it } from 'vitest';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { Order } from '../../canonical/order.ts';
import { testUsers } from '../../console/testing.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { createReferenceData } from '../reference/projection.ts';
import { RecordEntity } from '../reference/records.ts';
import { createShipments } from '../shipments/index.ts';
import { ship, warehouse } from '../shipments/testing.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { createOrderCapture, orderCaptureInvariants } from './index.ts';
import { captureStateOf, salesforceOrdersOf, salesOrdersOf, untilCompleted, untilOpenException, wmsOrdersOf } from './e2e-support.ts';
import { createReadModelStandIn } from './testing.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Order capture with the shipments flow, so the hub knows which parcels have left the warehouse. */
async function startWorld(): Promise<RetailWorld> {
  world = await startRetailWorld({
    modules: (deps) => [createReferenceData(deps), createReadModelStandIn(deps), createOrderCapture(deps), createShipments(deps)],
    consoleUsers: await testUsers(),
  });
  await world.quiet();
  return world;
}

/** A web order placed in the Shopify sandbox and captured to the end (booked, released to the WMS). */
async function capturedWebOrder(w: RetailWorld, lines: { sku: string; quantity: number }[]) {
  const placed = w.sandboxes.shopify.placeOrder({ email: 'jane.doe@example.com', lineItems: lines });
  if (!placed.ok) throw new Error('the Shopify sandbox refused the order');
  const orderNumber = `SHOP-${placed.value.number}`;
  await untilCompleted(w, orderNumber);
  const [released] = await eventually(async () => {
    const found = await wmsOrdersOf(w, orderNumber);
    return found.length > 0 ? found : undefined;
  }, `${orderNumber} released to the WMS`);
  return { orderNumber, shopifyOrderId: placed.value.id, fulfilmentOrderId: released!.id };
}

async function wmsStatus(w: RetailWorld, fulfilmentOrderId: string): Promise<unknown> {
  return (await warehouse(w, 'GET', `/v1/fulfillment-orders/${fulfilmentOrderId}`)).body.status;
}

function salesOrderStatus(w: RetailWorld, orderNumber: string): string | undefined {
  return (salesOrdersOf(w, orderNumber)[0]?.fields.status as { id?: string } | undefined)?.id;
}

async function deliveriesOf(w: RetailWorld, orderNumber: string, operation: string) {
  return (await w.adapters.storage.delivery.find({ key: orderNumber, limit: 500 })).filter((item) => item.operation === operation);
}

/** The channel's cancellation as another source reports it (e.g. the orders poller after the webhook). */
async function cancellationEvent(w: RetailWorld, orderNumber: string, id: string) {
  const order = (await w.deps.records.get<Order>(RecordEntity.order, orderNumber))!.data;
  return createRetailEvent({ type: 'retail.order.cancelled.v1', data: { ...order, status: 'cancelled' }, source: '/test/orders-poller', id });
}

describe('order capture: orders cancelled in their channel after booking', () => {
  it('cancels a released web order in the warehouse, closes it in NetSuite and shows it cancelled in Salesforce, once, however often the cancellation comes', async () => {
    const w = await startWorld();
    const { orderNumber, shopifyOrderId, fulfilmentOrderId } = await capturedWebOrder(w, [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2 }]);
    expect(salesOrderStatus(w, orderNumber)).toBe('B');

    const cancelled = w.sandboxes.shopify.cancelOrder(shopifyOrderId, 'CUSTOMER');
    expect(cancelled.ok).toBe(true);
    await w.publish([await cancellationEvent(w, orderNumber, `poller-cancel-${orderNumber}`)]);
    await eventually(async () => ((await wmsStatus(w, fulfilmentOrderId)) === 'cancelled' && salesOrderStatus(w, orderNumber) === 'H') || undefined, `${orderNumber} cancelled in the WMS and closed in NetSuite`);
    await w.quiet();

    // NetSuite: the one sales order, every line closed (nothing left to fulfil or bill).
    const salesOrders = salesOrdersOf(w, orderNumber);
    expect(salesOrders).toHaveLength(1);
    const lines = (salesOrders[0]!.fields.item as { items: { isClosed?: boolean }[] }).items;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.isClosed === true)).toBe(true);
    // WMS: the fulfilment order cancelled with the reason; the warehouse cannot pick it any more.
    const fulfilment = (await warehouse(w, 'GET', `/v1/fulfillment-orders/${fulfilmentOrderId}`)).body as { events: { type: string; reason?: string }[] };
    expect(fulfilment.events.filter((event) => event.type === 'cancelled')).toHaveLength(1);
    expect((await warehouse(w, 'POST', `/v1/fulfillment-orders/${fulfilmentOrderId}/events`, { type: 'picked' })).status).toBe(422);
    // Salesforce: agents see why.
    const [agentOrder] = salesforceOrdersOf(w, orderNumber);
    expect(String(agentOrder!.Description)).toMatch(/^CANCELLED: .*after it was booked$/);
    expect(salesOrders[0]!.fields.memo).toMatch(/^Cancelled in its channel: /);
    // The hub: cancelled after booking, each target written once, nothing left open.
    expect(await captureStateOf(w, orderNumber)).toMatchObject({ status: 'cancelled', cancelledAfterBooking: true });
    expect((await w.deps.records.get<Order>(RecordEntity.order, orderNumber))!.data.status).toBe('cancelled');
    expect(await deliveriesOf(w, orderNumber, 'cancelOrder')).toHaveLength(1);
    expect(await deliveriesOf(w, orderNumber, 'cancelFulfillmentOrder')).toHaveLength(1);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    const invariants = await orderCaptureInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings });
    expect(invariants['orders.bookedOrOpenException']!.ok).toBe(true);
    expect(invariants['orders.cancellationsHonoured']).toMatchObject({ ok: true, details: { cancelledAfterBooking: 1 } });
  });

  it('raises CANCELLED_AFTER_SHIPMENT for an order whose parcel already left, and keeps it open in NetSuite', async () => {
    const w = await startWorld();
    const { orderNumber, fulfilmentOrderId } = await capturedWebOrder(w, [{ sku: 'CANVAS-CAP-NVY', quantity: 1 }]);
    for (const type of ['picked', 'packed']) await warehouse(w, 'POST', `/v1/fulfillment-orders/${fulfilmentOrderId}/events`, { type });
    const shipmentId = await ship(w, fulfilmentOrderId, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
    await eventually(async () => {
      const fulfilment = await w.deps.records.get<{ shipments: Record<string, { stage: string }> }>(RecordEntity.orderFulfilment, orderNumber);
      return Object.values(fulfilment?.data.shipments ?? {}).some((shipment) => shipment.stage === 'shipped') || undefined;
    }, `the hub sees ${orderNumber} shipped`);

    await w.publish([await cancellationEvent(w, orderNumber, `late-cancel-${orderNumber}`)]);
    const exception = await untilOpenException(w, orderNumber, 'CANCELLED_AFTER_SHIPMENT');
    // The same cancellation reported again (a redelivered webhook): still one case for an operator.
    await w.publish([await cancellationEvent(w, orderNumber, `late-cancel-again-${orderNumber}`)]);
    await w.quiet();

    expect(await w.adapters.storage.deadLetters.count({ key: orderNumber, errorCode: 'CANCELLED_AFTER_SHIPMENT', status: 'open' })).toBe(1);
    expect(exception.error.message).toContain(shipmentId);
    expect(exception.context).toMatchObject({ orderNumber });
    expect(salesOrderStatus(w, orderNumber)).not.toBe('H');
    expect(await wmsStatus(w, fulfilmentOrderId)).toBe('shipped');
    expect(await deliveriesOf(w, orderNumber, 'cancelOrder')).toEqual([]);
    expect(await captureStateOf(w, orderNumber)).toMatchObject({ status: 'booked' });
    const invariants = await orderCaptureInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings });
    expect(invariants['orders.cancellationsHonoured']).toMatchObject({ ok: true, details: { withOpenException: 1 } });
  });
});
