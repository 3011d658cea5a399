import { afterEach, describe, expect, it } from 'vitest';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { RetailWorld } from '../testing/world.ts';
import { orderCaptureInvariants } from './index.ts';
import { channelOrder, placedEvent, salesforceOrdersOf, salesOrdersOf, startCaptureWorld, untilCompleted, wmsOrdersOf } from './e2e-support.ts';
import { awaitingErpBookingPanel } from './panels.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('order capture end to end: the ERP down for a while, and a hub restart mid-flow', () => {
  it('raises "awaiting ERP booking" past the SLA, survives a restart, books every order once when NetSuite is back, closes those exceptions and closes an order cancelled meanwhile in NetSuite without releasing it', async () => {
    world = await startCaptureWorld({
      // A booking SLA of 1.2 s, so the timer fires while NetSuite is down.
      settings: { orders: { bookingSlaMinutes: 0.02 } },
      // Retried (not dead-lettered) for as long as the outage lasts.
      delivery: { retry: { maxAttempts: 100, initialDelayMs: 20, maxDelayMs: 300 }, circuit: { consecutiveFailures: 5, halfOpenAfterMs: 300 } },
    });
    await world.quiet();
    const outage = { from: Date.now(), to: Date.now() + 8_000 };
    world.sandboxes.netsuite.faults.set({ downtime: [outage] });

    const placed = world.sandboxes.shopify.placeOrder({ email: 'priya.shah@example.com', lineItems: [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }] });
    if (!placed.ok) throw new Error('the Shopify sandbox refused the order');
    const web = `SHOP-${placed.value.number}`;
    const store = channelOrder({ orderNumber: 'POS-6001', locationCode: 'STORE-001', lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2, unitPrice: '24.00' }] });
    const b2b = channelOrder({ orderNumber: 'B2B-6002', channel: 'b2b-portal', method: 'ship', paymentStatus: 'pending', customer: { email: 'ap@harbour-outfitters.example' }, lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 40, unitPrice: '19.50' }] });
    await world.publish([placedEvent(store), placedEvent(b2b)]);
    const orderNumbers = [web, 'POS-6001', 'B2B-6002'];

    // Past the SLA with NetSuite down: one open exception per order, and the panel counts them.
    const awaiting = await eventually(async () => {
      const open = await world!.adapters.storage.deadLetters.list({ status: 'open', kind: 'flow', errorCode: 'AWAITING_ERP_BOOKING' });
      return open.length === 3 ? open : undefined;
    }, 'three orders awaiting ERP booking');
    expect(awaiting.map((entry) => entry.key).sort()).toEqual([...orderNumbers].sort());
    expect(awaiting[0]!.context).toMatchObject({ entity: 'order', businessKey: expect.any(String), amount: expect.any(String) });
    const panel = awaitingErpBookingPanel(world.deps.settings);
    // (Each instance moves on to its late wait just after raising.)
    const pastSla = await eventually(async () => {
      const result = await panel.evaluate({ storage: world!.adapters.storage, bus: world!.adapters.bus, now: Date.now() });
      return result.value === 3 ? result : undefined;
    }, 'the panel counting three orders');
    expect(pastSla).toMatchObject({ status: 'warning', summary: '3 orders waiting for ERP booking longer than 1 s' });
    expect(Date.now()).toBeLessThan(outage.to);
    expect(world.sandboxes.netsuite.records.store.list('salesOrder')).toEqual([]);

    // Cancelled at the B2B portal after it was sent to the (unreachable) ERP: it will be booked
    // regardless, so it must not be released, and its lines are closed in NetSuite once booked.
    await world.publish([
      createRetailEvent({ type: 'retail.order.cancelled.v1', data: { ...b2b, status: 'cancelled', statusReason: { code: 'CUSTOMER', message: 'ordered twice' } }, source: '/b2b-portal', id: 'b2b-cancel-B2B-6002' }),
    ]);

    // The hub goes down and comes back while the ERP is still down: the instances resume from their journals.
    await world.restartHub();
    for (const orderNumber of orderNumbers) await untilCompleted(world, orderNumber, 40_000);
    await world.quiet();

    for (const orderNumber of orderNumbers) {
      expect(salesOrdersOf(world, orderNumber), `${orderNumber} in NetSuite`).toHaveLength(1);
      expect(salesforceOrdersOf(world, orderNumber), `${orderNumber} in Salesforce`).toHaveLength(1);
    }
    expect(await wmsOrdersOf(world, web)).toHaveLength(1);
    expect(await wmsOrdersOf(world, 'POS-6001')).toEqual([]);
    expect(await wmsOrdersOf(world, 'B2B-6002')).toEqual([]);
    const [cancelledLate] = salesOrdersOf(world, 'B2B-6002');
    expect(cancelledLate!.fields.status).toMatchObject({ id: 'H' });
    expect((cancelledLate!.fields.item as { items: { isClosed?: boolean }[] }).items.every((line) => line.isClosed === true)).toBe(true);
    expect(String(salesforceOrdersOf(world, 'B2B-6002')[0]!.Description)).toMatch(/^CANCELLED: /);
    expect(await world.adapters.storage.deadLetters.list({ status: 'open', key: 'B2B-6002' })).toEqual([]);
    // Each "awaiting ERP booking" closed by the flow itself once the booking arrived.
    for (const entry of awaiting) {
      expect(await world.adapters.storage.deadLetters.get(entry.id)).toMatchObject({ status: 'resolved' });
      const [audit] = await world.adapters.storage.audit.list({ subject: `dead-letter:${entry.id}` });
      expect(audit).toMatchObject({ actor: 'order-capture', reason: expect.stringContaining('booked in the ERP as') });
    }
    expect(await panel.evaluate({ storage: world.adapters.storage, bus: world.adapters.bus, now: Date.now() })).toMatchObject({ value: 0, status: 'ok' });
    const invariants = await orderCaptureInvariants({ sandboxes: world.sandboxes, records: world.deps.records, storage: world.adapters.storage, settings: world.deps.settings });
    expect(invariants['orders.noneBookedTwice']!.ok).toBe(true);
    expect(invariants['orders.bookedOrOpenException']).toMatchObject({ ok: true, details: { captured: 3, booked: 3 } });
    expect(invariants['orders.cancellationsHonoured']).toMatchObject({ ok: true, details: { cancelled: 1, cancelledAfterBooking: 1 } });
  }, 60_000);
});
