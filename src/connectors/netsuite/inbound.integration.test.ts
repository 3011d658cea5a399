import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { recordingContext } from '../conformance/harness.ts';
import type { DeltaPoller } from '../connector.ts';
import { stampOf } from './delta-query.ts';
import type { InboundRejection } from './index.ts';
import { bookOrderItem, sandboxOrder, startNetSuiteFixture, type NetSuiteFixture } from './testing.ts';

let fixture: NetSuiteFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

/** A sandboxed account and connector sharing a clock the test moves. */
async function start(pollers: ('customer' | 'inventory' | 'salesOrder')[], options: { pageSize?: number; settleSeconds?: number } = {}) {
  let now = T0;
  const clock = { now: () => now, set: (ms: number) => (now = ms) };
  const rejected: InboundRejection[] = [];
  fixture = await startNetSuiteFixture({
    sandbox: { clock: clock.now },
    connector: {
      clock: clock.now,
      inbound: { pollers, since: stampOf(T0 - 60_000), currency: 'USD', settleSeconds: 0, onRejected: (rejection) => rejected.push(rejection), ...options },
    },
  });
  const poller = (name: string): DeltaPoller => fixture!.connector.pollers!.find((candidate) => candidate.name === name)!;
  return { clock, poller, rejected };
}

/** Polls until nothing more is waiting; `between` runs after each page (changes made mid-paging). */
async function drain(poller: DeltaPoller, watermark: string, between: (page: number) => void = () => undefined) {
  const events: CloudEvent[] = [];
  let pages = 0;
  for (;;) {
    const result = await poller.poll({ watermark, signal: new AbortController().signal });
    events.push(...result.events);
    watermark = result.watermark;
    between(++pages);
    if (!result.more) return { events, watermark, pages };
  }
}

describe('NetSuite connector: SuiteQL delta polling', () => {
  it('reads 2,500 changed customers over 1,000-row pages, ties in one second included, with records changing while it pages: none skipped, none twice', async () => {
    const { clock, poller } = await start(['customer']);
    const records = fixture!.netsuite.records;
    // 1,800 customers saved in one second (a bulk import), 700 in the next: page boundaries fall inside a tie.
    const ids: string[] = [];
    for (let i = 0; i < 2500; i++) {
      clock.set(i < 1800 ? T0 : T0 + 1000);
      ids.push(records.create('customer', { companyName: `Retailer ${i}`, email: `buyer${i}@example.com` }, `CUST-BULK-${i}`).id);
    }
    clock.set(T0 + 10_000);

    const customers = poller('netsuite.customer');
    const changedMidway: string[] = [];
    const { events, pages, watermark } = await drain(customers, customers.initialWatermark(), (page) => {
      if (page !== 1) return;
      // While paging: one customer already read and one not yet read are modified. With offset
      // paging the second change would shift the unread rows by one and skip one of them.
      clock.set(T0 + 5_000);
      for (const id of [ids[10]!, ids[1500]!]) {
        const record = records.store.get('customer', id)!;
        records.update(record, { phone: '+15555550100' });
        changedMidway.push(id);
      }
      clock.set(T0 + 10_000);
    });

    expect(pages).toBeGreaterThanOrEqual(3);
    const eventIds = events.map((event) => event.id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const seen = new Set(events.map((event) => (event.data as { externalIds: { netsuite: string } }).externalIds.netsuite));
    for (const id of ids) expect(seen.has(id)).toBe(true);
    // Each modified customer's latest version was emitted too (its new stamp is after the watermark).
    for (const id of changedMidway) expect(eventIds).toContain(`netsuite:customer:${id}:${stampOf(T0 + 5_000).replace(' ', 'T')}`);
    expect(events.every((event) => validateRetailEvent(event).ok)).toBe(true);

    // Nothing new: the same watermark again yields nothing and stays put.
    const again = await customers.poll({ watermark, signal: new AbortController().signal });
    expect(again).toEqual({ events: [], watermark, more: false });
  });

  it('leaves changes of the current second for the next poll, so a record saved later in that second is not skipped', async () => {
    const { clock, poller } = await start(['customer']);
    const records = fixture!.netsuite.records;
    clock.set(T0 + 2_000);
    const early = records.create('customer', { companyName: 'Early' }, 'C-EARLY');
    const customers = poller('netsuite.customer');
    const first = await customers.poll({ watermark: customers.initialWatermark(), signal: new AbortController().signal });
    // The seeded customers (saved at T0) are settled; Early (this very second) is not read yet.
    expect(first.events.map((event) => (event.data as { externalIds: { netsuite: string } }).externalIds.netsuite)).not.toContain(early.id);
    clock.set(T0 + 2_500);
    const late = records.create('customer', { companyName: 'Late, same second' }, 'C-LATE');
    clock.set(T0 + 3_000);
    const second = await customers.poll({ watermark: first.watermark, signal: new AbortController().signal });
    expect(second.events.map((event) => (event.data as { externalIds: { netsuite: string } }).externalIds.netsuite).sort()).toEqual([early.id, late.id].sort());
  });

  it('announces an approved sales order as booked with the ERP id, and stock changes as levels keyed sku@location', async () => {
    const { clock, poller, rejected } = await start(['salesOrder', 'inventory']);
    const order = sandboxOrder();
    clock.set(T0 + 1_000);
    const [outcome] = await fixture!.connector.deliver([bookOrderItem(order)], recordingContext());
    const erpId = (outcome as { externalId: string }).externalId;
    clock.set(T0 + 5_000);

    const orders = poller('netsuite.salesOrder');
    const { events } = await drain(orders, orders.initialWatermark());
    expect(rejected).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'retail.order.booked.v1', subject: order.orderNumber, id: `netsuite:salesOrder:${erpId}:booked` });
    expect(events[0]!.data).toMatchObject({ erpOrderId: erpId, status: 'booked', customer: { customerId: 'CUST-WEB-001' }, lines: [{ sku: 'TSHIRT-BLK-M', quantity: 2, unitPrice: '19.90' }, { sku: 'CAP-NAVY', quantity: 1 }] });
    expect(validateRetailEvent(events[0]).ok).toBe(true);

    const stock = poller('netsuite.inventorybalance');
    const levels = await drain(stock, stock.initialWatermark());
    // Booking committed the order's 2 shirts at WH-EAST (stamped then); the store's row is the seed's.
    const shirt = levels.events.find((event) => event.subject === 'TSHIRT-BLK-M@WH-EAST');
    expect(shirt).toMatchObject({ type: 'retail.inventory.level-changed.v1', data: { onHand: 250, available: 248, reserved: 2, sourceSequence: T0 / 1000 + 1 } });
    expect(levels.events.find((event) => event.subject === 'TSHIRT-BLK-M@STORE-001')).toMatchObject({ data: { onHand: 20, available: 20, sourceSequence: T0 / 1000 } });
    expect(levels.events).toHaveLength(10);
  });

  it('reads a stock row that keeps changing before it settles, early and dated before its stamp; the settled read still comes and wins', async () => {
    const { clock, poller } = await start(['inventory'], { settleSeconds: 5 });
    const records = fixture!.netsuite.records;
    const stock = poller('netsuite.inventorybalance');
    clock.set(T0 + 10_000);
    let { watermark } = await drain(stock, stock.initialWatermark());
    const idOf = (type: 'inventoryItem' | 'location', externalId: string) => ({ id: records.store.getByExternalId(type, externalId)!.id });
    const sell = (sku: string, location: string) =>
      records.create('inventoryAdjustment', { inventory: { items: [{ item: idOf('inventoryItem', `ITEM-${sku}`), location: idOf('location', `LOC-${location}`), adjustQtyBy: -1 }] } });
    const events: CloudEvent[] = [];

    // A sale: the store's shirts sell every second for 12 s; a cap sells once, at the start.
    for (let second = 0; second < 12; second++) {
      clock.set(T0 + 20_000 + second * 1_000);
      sell('TSHIRT-BLK-M', 'STORE-001');
      if (second === 0) sell('CAP-NAVY', 'STORE-001');
      const page = await drain(stock, watermark);
      events.push(...page.events);
      watermark = page.watermark;
    }
    const shirts = events.filter((event) => event.subject === 'TSHIRT-BLK-M@STORE-001');
    const early = shirts.filter((event) => event.id.endsWith(':early'));
    // Seen recent at 08:00:20, still recent 5 s later: read early from then on, once per stamp.
    expect(early.map((event) => (event.data as { onHand: number }).onHand)).toEqual([14, 13, 12, 11, 10, 9, 8]);
    expect(early[0]!.id).toMatch(/:2026-11-23T08:00:25:early$/);
    expect((early[0]!.data as { sourceTimestamp: string }).sourceTimestamp).toBe('2026-11-23T08:00:24.999Z');
    expect(shirts.filter((event) => !event.id.endsWith(':early'))).toEqual([]);
    // The cap changed once: it settled and was read as usual, never early.
    const caps = events.filter((event) => event.subject === 'CAP-NAVY@STORE-001');
    expect(caps).toHaveLength(1);
    expect(caps[0]!.id).toMatch(/:2026-11-23T08:00:20$/);

    // The sale calms down: the last change settles and is read with its own stamp, after the early reads.
    clock.set(T0 + 40_000);
    const settled = (await drain(stock, watermark)).events.filter((event) => event.subject === 'TSHIRT-BLK-M@STORE-001');
    expect(settled).toHaveLength(1);
    expect(settled[0]!.id).toMatch(/:2026-11-23T08:00:31$/);
    expect(settled[0]!.data).toMatchObject({ onHand: 8, sourceTimestamp: '2026-11-23T08:00:31Z' });
    expect(Date.parse((settled[0]!.data as { sourceTimestamp: string }).sourceTimestamp)).toBeGreaterThan(Date.parse((early.at(-1)!.data as { sourceTimestamp: string }).sourceTimestamp));
  });

  it('reports the stock a booked order commits, its fulfilment and its closing as new levels of that location only', async () => {
    const { clock, poller } = await start(['inventory']);
    const records = fixture!.netsuite.records;
    const stock = poller('netsuite.inventorybalance');
    clock.set(T0 + 5_000);
    const { watermark: caughtUp } = await drain(stock, stock.initialWatermark());
    const levels = (events: CloudEvent[]) => Object.fromEntries(events.map((event) => [event.subject, event.data as { onHand: number; available: number; reserved: number }]));

    clock.set(T0 + 10_000);
    const order = sandboxOrder();
    const [outcome] = await fixture!.connector.deliver([bookOrderItem(order)], recordingContext());
    expect(outcome).toMatchObject({ ok: true });
    clock.set(T0 + 20_000);
    const booked = await drain(stock, caughtUp);
    // Available drops at booking, long before anything ships; the untouched store rows stay quiet.
    expect(levels(booked.events)).toEqual({
      'TSHIRT-BLK-M@WH-EAST': expect.objectContaining({ onHand: 250, available: 248, reserved: 2 }),
      'CAP-NAVY@WH-EAST': expect.objectContaining({ onHand: 300, available: 299, reserved: 1 }),
    });
    expect(booked.events.every((event) => event.id.endsWith(':2026-11-23T08:00:10'))).toBe(true);

    clock.set(T0 + 30_000);
    const salesOrder = records.store.getByExternalId('salesOrder', order.orderNumber)!;
    records.create('itemFulfillment', { createdFrom: { id: salesOrder.id }, item: { items: [{ orderLine: 1, quantity: 2 }] } });
    clock.set(T0 + 40_000);
    const shipped = await drain(stock, booked.watermark);
    // Shipping takes the committed units off on hand: available does not move again.
    expect(levels(shipped.events)).toEqual({ 'TSHIRT-BLK-M@WH-EAST': expect.objectContaining({ onHand: 248, available: 248, reserved: 0 }) });

    clock.set(T0 + 50_000);
    records.update(records.store.get('salesOrder', salesOrder.id)!, { orderStatus: 'H' });
    clock.set(T0 + 60_000);
    const closed = await drain(stock, shipped.watermark);
    // Closing the order gives back the cap it still held.
    expect(levels(closed.events)).toEqual({ 'CAP-NAVY@WH-EAST': expect.objectContaining({ onHand: 300, available: 300, reserved: 0 }) });
  });

  it('resumes on a two-column key (item, location) when a page ends inside one second', async () => {
    const { clock, poller } = await start(['inventory'], { pageSize: 3 });
    clock.set(T0 + 5_000);
    const stock = poller('netsuite.inventorybalance');
    const { events, pages } = await drain(stock, stock.initialWatermark());
    // Five items at two locations, all stamped in the same second, read three at a time.
    expect(pages).toBe(4);
    expect(new Set(events.map((event) => event.subject)).size).toBe(10);
    expect(events).toHaveLength(10);
  });
});
