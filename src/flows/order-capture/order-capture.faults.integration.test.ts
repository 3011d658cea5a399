import { afterEach, describe, expect, it } from 'vitest';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import { cancelOrder } from '../../sandboxes/shopify/store/orders.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { RetailWorld } from '../testing/world.ts';
import { orderCaptureInvariants } from './index.ts';
import {
  captureStateOf,
  channelOrder,
  placedEvent,
  salesforceOrdersOf,
  salesOrdersOf,
  startCaptureWorld,
  untilCompleted,
  untilOpenException,
  wmsOrdersOf,
} from './e2e-support.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Every system holds exactly one copy of each order: one sales order, one Salesforce Order, one WMS release. */
async function expectBookedOnce(current: RetailWorld, orderNumbers: readonly string[], released = true): Promise<void> {
  for (const orderNumber of orderNumbers) {
    expect(salesOrdersOf(current, orderNumber), `${orderNumber} in NetSuite`).toHaveLength(1);
    expect(salesforceOrdersOf(current, orderNumber), `${orderNumber} in Salesforce`).toHaveLength(1);
    expect(await wmsOrdersOf(current, orderNumber), `${orderNumber} in the WMS`).toHaveLength(released ? 1 : 0);
    expect(await captureStateOf(current, orderNumber)).toMatchObject({ status: 'booked' });
  }
}

async function invariantsOf(current: RetailWorld) {
  return orderCaptureInvariants({ sandboxes: current.sandboxes, records: current.deps.records, storage: current.adapters.storage, settings: current.deps.settings });
}

describe('order capture end to end: duplicate and out-of-order inbound events', () => {
  it('books each webhook-duplicated order once, and stops cleanly for orders cancelled before booking, whichever comes first', async () => {
    world = await startCaptureWorld();
    await world.quiet();
    // Every Shopify webhook sent twice, deliveries shuffled in groups of four.
    world.sandboxes.shopify.faults.set({ webhooks: { duplicateRate: 1, reorderWindow: 4 } });
    const webOrders: string[] = [];
    for (const sku of ['TRAIL-TEE-M-BLK', 'CANVAS-CAP-NVY', 'FLEECE-HOOD-L-GRY']) {
      const placed = world.sandboxes.shopify.placeOrder({ email: 'sam.rivera@example.com', lineItems: [{ sku, quantity: 1 }] });
      if (!placed.ok) throw new Error('the Shopify sandbox refused the order');
      webOrders.push(`SHOP-${placed.value.number}`);
    }
    // Held for its price, then cancelled in Shopify: the held capture is woken and stops.
    const heldThenCancelled = world.sandboxes.shopify.placeOrder({ email: 'sam.rivera@example.com', lineItems: [{ sku: 'RAIN-JACKET-M-NVY', quantity: 1, price: '10.00' }] });
    if (!heldThenCancelled.ok) throw new Error('the Shopify sandbox refused the order');
    const held = `SHOP-${heldThenCancelled.value.number}`;
    const hold = await untilOpenException(world, held, 'PRICE_MISMATCH');
    const cancelled = cancelOrder(world.sandboxes.shopify.store, heldThenCancelled.value.id);
    expect(cancelled.ok).toBe(true);
    // A POS cancellation that overtakes its order: the order arrives after it and is never booked.
    const overtaken = channelOrder({ orderNumber: 'POS-4001', locationCode: 'STORE-001', lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50' }] });
    const cancellation = createRetailEvent({
      type: 'retail.order.cancelled.v1',
      data: { ...overtaken, status: 'cancelled', statusReason: { code: 'CUSTOMER', message: 'changed their mind' } },
      source: '/pos/store-001',
      id: 'pos-cancel-POS-4001',
    });
    await world.publish([cancellation]);
    await world.publish([placedEvent(overtaken), placedEvent(overtaken, 'pos-POS-4001-resent')]);

    for (const orderNumber of [...webOrders, held, 'POS-4001']) await untilCompleted(world, orderNumber);
    await world.quiet();

    await expectBookedOnce(world, webOrders);
    // Each placed webhook is one event in the log, however often it was delivered.
    for (const orderNumber of webOrders) expect(await world.adapters.bus.find({ type: 'retail.order.placed.v1', subject: orderNumber })).toHaveLength(1);
    for (const orderNumber of [held, 'POS-4001']) {
      expect(salesOrdersOf(world, orderNumber)).toEqual([]);
      expect(salesforceOrdersOf(world, orderNumber)).toEqual([]);
      expect(await wmsOrdersOf(world, orderNumber)).toEqual([]);
      expect(await captureStateOf(world, orderNumber)).toMatchObject({ status: 'cancelled' });
      expect(await world.adapters.bus.find({ type: 'retail.order.rejected.v1', subject: orderNumber })).toEqual([]);
    }
    expect(await world.adapters.storage.deadLetters.get(hold.id)).toMatchObject({ status: 'discarded' });
    expect(await world.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    const invariants = await invariantsOf(world);
    expect(invariants['orders.noneBookedTwice']!.ok).toBe(true);
    expect(invariants['orders.bookedOrOpenException']).toMatchObject({ ok: true, details: { captured: 5, booked: 3, cancelled: 2 } });
  }, 60_000);
});

describe('order capture end to end: a 429 storm', () => {
  it('books, projects and releases every order exactly once through a storm of 429s from NetSuite, Salesforce and the WMS', async () => {
    world = await startCaptureWorld();
    await world.quiet();
    const throttled = new Map<string, number>();
    world.retail.hub.delivery.events.on('throttled', ({ target }: { target: string }) => throttled.set(target, (throttled.get(target) ?? 0) + 1));
    const storm = { errorRates: { 429: 1 } };
    world.sandboxes.netsuite.faults.set(storm);
    world.sandboxes.salesforce.faults.set(storm);
    world.sandboxes.wms.faults.set(storm);
    const orderNumbers = ['B2B-5001', 'B2B-5002', 'B2B-5003', 'B2B-5004'];
    await world.publish(
      orderNumbers.map((orderNumber, index) =>
        placedEvent(channelOrder({ orderNumber, channel: 'b2b-portal', method: 'ship', paymentStatus: 'pending', customer: { email: 'ap@harbour-outfitters.example' }, lines: [{ sku: 'MERINO-SOCK-M-GRY', quantity: 10 + index, unitPrice: '14.50' }] })),
      ),
    );
    // Every request answered 429 until each target has been throttled; the WMS only sees the
    // orders once they are booked, so its storm lasts until then.
    await eventually(() => (throttled.get('erp') ?? 0) > 0 && (throttled.get('crm') ?? 0) > 0, 'NetSuite and Salesforce throttled');
    expect(salesOrdersOf(world, 'B2B-5001')).toEqual([]);
    world.sandboxes.netsuite.faults.set({});
    world.sandboxes.salesforce.faults.set({});
    await eventually(() => (throttled.get('wms') ?? 0) > 0, 'the WMS throttled', 30_000);
    world.sandboxes.wms.faults.set({});
    for (const orderNumber of orderNumbers) await untilCompleted(world, orderNumber);
    await world.quiet();

    await expectBookedOnce(world, orderNumbers);
    expect(await world.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect((await invariantsOf(world))['orders.noneBookedTwice']!.ok).toBe(true);
  }, 60_000);
});
