import { afterEach, describe, expect, it } from 'vitest';
import { createOperatorDecisions } from '../../console/exceptions/actions.ts';
import type { HealthPanel } from '../../console/health/panels.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { RecordEntity } from '../reference/records.ts';
import type { RetailWorld } from '../testing/world.ts';
import { checkShipmentInvariants } from './invariants.ts';
import { ShipmentsEntity, updateRecord, type OrderFulfilment } from './records.ts';
import {
  agentShipment,
  announcedStatuses,
  itemFulfilments,
  milestone,
  openExceptions,
  orderFulfilment,
  placeBookAndRelease,
  ship,
  startShipmentsWorld,
  storefrontFulfilments,
  type ReleasedOrder,
} from './testing.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Delivery retries that outlast a few seconds of downtime (the world's default gives up sooner). */
const PATIENT_DELIVERY = { retry: { maxAttempts: 80, initialDelayMs: 20, maxDelayMs: 250 }, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 200 } };

const invariantsOf = (current: RetailWorld) =>
  checkShipmentInvariants({ sandboxes: current.sandboxes, records: current.deps.records, storage: current.adapters.storage, settings: current.deps.settings });

function panelOf(current: RetailWorld): HealthPanel {
  return current.retail.modules.flatMap((module) => module.healthPanels ?? []).find((panel) => panel.id === 'shipments-not-visible')!;
}

async function prepared(current: RetailWorld, sku: string): Promise<ReleasedOrder> {
  const released = await placeBookAndRelease(current, [{ sku, quantity: 1 }]);
  await milestone(current, released.fulfilmentOrderId, { type: 'picked' });
  await milestone(current, released.fulfilmentOrderId, { type: 'packed' });
  return released;
}

describe('shipment milestones while systems fail', () => {
  it('shows a parcel Salesforce has not got yet on the Health page, and writes it once Salesforce is back', async () => {
    world = await startShipmentsWorld({ delivery: PATIENT_DELIVERY });
    const { orderNumber, shopifyOrderId, fulfilmentOrderId } = await prepared(world, 'RAIN-JACKET-M-NVY');
    await world.quiet();

    const downUntil = Date.now() + 3_000;
    world.sandboxes.salesforce.faults.set({ downtime: [{ from: Date.now(), to: downUntil }] });
    const parcel = await ship(world, fulfilmentOrderId, { carrier: 'UPS', trackingNumber: '1ZDOWN0001' });
    // NetSuite and Shopify do not wait for Salesforce.
    await eventually(() => itemFulfilments(world!, parcel).length === 1 && storefrontFulfilments(world!, shopifyOrderId).length === 1, 'the ERP and storefront fulfilments', 10_000);
    expect(agentShipment(world, parcel)).toBeUndefined();
    const panelAt = (now: number) => panelOf(world!).evaluate({ storage: world!.adapters.storage, bus: world!.adapters.bus, now });
    // Within the 10 minutes allowed it is not late; past them it is, and the panel says where it is missing.
    expect(await panelAt(Date.now())).toMatchObject({ status: 'ok', value: 0 });
    const late = await eventually(async () => {
      const result = await panelAt(Date.now() + 11 * 60_000);
      // The storefront's confirmation is recorded a moment after Shopify has the fulfilment.
      return result.items?.[0]?.detail.endsWith('not yet in Salesforce') ? result : undefined;
    }, 'the panel naming Salesforce only');
    expect(late).toMatchObject({ status: 'warning', value: 1, items: [{ businessKey: parcel, detail: expect.stringMatching(/^order SHOP-\d+: shipped 11 min ago, not yet in Salesforce$/) }] });

    await eventually(() => agentShipment(world!, parcel), 'the parcel in Salesforce once it is back', 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(downUntil);
    await world.quiet();
    expect(agentShipment(world, parcel)).toMatchObject({ Status__c: 'Shipped', Tracking_Number__c: '1ZDOWN0001' });
    expect(agentShipment(world, fulfilmentOrderId)?.Status__c).toBe('Shipped');
    const attempts = (await world.adapters.storage.delivery.find({ key: parcel })).filter((item) => item.target === 'crm').map((item) => item.attempts);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
    expect(await panelAt(Date.now() + 11 * 60_000)).toMatchObject({ status: 'ok', value: 0 });
    expect(await world.deps.records.count(ShipmentsEntity.visibilityWatch)).toBe(0);
    expect(itemFulfilments(world, parcel)).toHaveLength(1);
    expect(storefrontFulfilments(world, shopifyOrderId)).toHaveLength(1);
    expect((await orderFulfilment(world, orderNumber))?.status).toBe('shipped');
    expect(await openExceptions(world)).toEqual([]);
  });

  it('gets every fulfilment into Shopify once through a storm of 429s', async () => {
    world = await startShipmentsWorld();
    const orders = [await prepared(world, 'TRAIL-TEE-M-BLK'), await prepared(world, 'CANVAS-CAP-NVY')];
    await world.quiet();
    let throttled = 0;
    world.retail.hub.delivery.events.on('throttled', (event: { target: string }) => {
      if (event.target === 'commerce') throttled += 1;
    });

    world.sandboxes.shopify.faults.set({ errorRates: { 429: 0.7 } });
    const parcels = [];
    for (const [index, order] of orders.entries()) parcels.push(await ship(world, order.fulfilmentOrderId, { carrier: 'USPS', trackingNumber: `USPS-STORM-${index}` }));
    await eventually(() => throttled >= 2, 'Shopify throttling the fulfilments', 20_000);
    world.sandboxes.shopify.faults.set({});
    await world.quiet({ timeoutMs: 40_000 });

    for (const [index, order] of orders.entries()) {
      expect(storefrontFulfilments(world, order.shopifyOrderId).map((fulfilment) => fulfilment.trackingInfo[0]?.number)).toEqual([`USPS-STORM-${index}`]);
      expect(itemFulfilments(world, parcels[index]!)).toHaveLength(1);
      expect(agentShipment(world, parcels[index]!)?.Status__c).toBe('Shipped');
    }
    expect(await openExceptions(world)).toEqual([]);
    expect((await invariantsOf(world))['shipments.visibleEverywhere']).toMatchObject({ ok: true, details: { parcels: 2 } });
  });

  it('resumes after a restart mid-way: Salesforce down, the hub stopped, an order waiting for an operator; every write once', async () => {
    world = await startShipmentsWorld({ delivery: PATIENT_DELIVERY });
    const known = await prepared(world, 'TRAIL-RUNNER-42-BLU');
    // A web order the hub never heard of (placed before it was installed): it forgets how it knew it.
    const unknown = await prepared(world, 'MERINO-SOCK-M-GRY');
    await world.quiet();
    await updateRecord<OrderFulfilment>(world.deps.records, { entity: RecordEntity.orderFulfilment, key: unknown.orderNumber, now: Date.now() }, (current) => {
      const { reference: _reference, order: _order, ...rest } = current!;
      return { ...rest, lines: [] };
    });

    world.sandboxes.salesforce.faults.set({ downtime: [{ from: Date.now(), to: Date.now() + 120_000 }] });
    const knownParcel = await ship(world, known.fulfilmentOrderId, { carrier: 'UPS', trackingNumber: '1ZRESTART01' });
    const unknownParcel = await ship(world, unknown.fulfilmentOrderId, { carrier: 'UPS', trackingNumber: '1ZRESTART02' });
    await eventually(
      async () =>
        itemFulfilments(world!, knownParcel).length === 1 &&
        itemFulfilments(world!, unknownParcel).length === 1 &&
        storefrontFulfilments(world!, known.shopifyOrderId).length === 1 &&
        (await openExceptions(world!)).some((entry) => entry.code === 'ORDER_CHANNEL_UNKNOWN'),
      'both parcels in NetSuite, the known one in Shopify, the other waiting for an operator',
      10_000,
    );
    expect(storefrontFulfilments(world, unknown.shopifyOrderId)).toHaveLength(0);

    // The hub stops with Salesforce writes queued and a flow waiting; the warehouse carries on meanwhile.
    await world.stopHub();
    await milestone(world, known.fulfilmentOrderId, { type: 'delivered' });
    await world.restartHub();

    const waiting = (await openExceptions(world)).find((entry) => entry.code === 'ORDER_CHANNEL_UNKNOWN')!;
    expect(waiting).toMatchObject({ key: unknownParcel, context: { orderNumber: unknown.orderNumber, awaitsOperator: true } });
    const decisions = createOperatorDecisions({ storage: world.adapters.storage, bus: world.adapters.bus, clock: Date.now, onUndelivered: () => undefined });
    const fixed = await decisions.fix(waiting.id, { channel: 'web', channelOrderId: String(unknown.shopifyOrderId) }, 'ops@example.com', 'web order placed before the hub was installed');
    expect(fixed.outcome).toBe('done');
    world.sandboxes.salesforce.faults.set({});
    await world.quiet({ timeoutMs: 40_000 });

    expect(itemFulfilments(world, knownParcel)).toHaveLength(1);
    expect(itemFulfilments(world, unknownParcel)).toHaveLength(1);
    expect(storefrontFulfilments(world, known.shopifyOrderId).map((fulfilment) => fulfilment.trackingInfo[0]?.number)).toEqual(['1ZRESTART01']);
    expect(storefrontFulfilments(world, unknown.shopifyOrderId).map((fulfilment) => fulfilment.trackingInfo[0]?.number)).toEqual(['1ZRESTART02']);
    expect(agentShipment(world, knownParcel)?.Status__c).toBe('Delivered');
    expect(agentShipment(world, unknownParcel)?.Status__c).toBe('Shipped');
    expect((await orderFulfilment(world, known.orderNumber))?.status).toBe('delivered');
    expect(await announcedStatuses(world, known.orderNumber)).toEqual(['shipped', 'delivered']);
    expect(await openExceptions(world)).toEqual([]);
    expect((await invariantsOf(world))['shipments.visibleEverywhere']).toMatchObject({ ok: true, details: { parcels: 2 } });
  });
});
