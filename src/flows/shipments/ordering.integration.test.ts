import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Shipment } from '../../canonical/shipment.ts';
import type { RetailWorld } from '../testing/world.ts';
import { checkShipmentInvariants } from './invariants.ts';
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
} from './testing.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('shipment milestones delivered twice, late and out of order', () => {
  it('does every write once and never moves a shipment or its order back', async () => {
    // Every WMS webhook is delivered twice.
    world = await startShipmentsWorld({ sandboxes: { faults: { wms: { webhooks: { duplicateRate: 1 } } } } });
    const { orderNumber, shopifyOrderId, fulfilmentOrderId } = await placeBookAndRelease(world, [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }]);
    await milestone(world, fulfilmentOrderId, { type: 'picked' });
    await milestone(world, fulfilmentOrderId, { type: 'packed' });
    await world.quiet();

    // The "shipped" webhook is held back 1.5 s: "delivered" reaches the hub first.
    world.sandboxes.wms.faults.set({ webhooks: { duplicateRate: 1, delayMs: 1_500 } });
    const parcel = await ship(world, fulfilmentOrderId, { carrier: 'FedEx', trackingNumber: 'FX-LATE-1' });
    world.sandboxes.wms.faults.set({ webhooks: { duplicateRate: 1 } });
    await milestone(world, fulfilmentOrderId, { type: 'delivered' });
    await world.quiet();

    const arrived = await world.adapters.bus.find({ subject: parcel, type: 'retail.shipment.milestone-reached.v1' });
    expect(arrived.map((entry) => (entry.event.data as Shipment).milestones.at(-1)?.milestone)).toEqual(['delivered', 'handed-to-carrier']);
    expect(world.sandboxes.wms.webhooks.attempts.filter((attempt) => attempt.duplicate).length).toBeGreaterThanOrEqual(4);

    const finalState = async () => ({
      erp: itemFulfilments(world!, parcel).length,
      storefront: storefrontFulfilments(world!, shopifyOrderId).map((fulfilment) => fulfilment.trackingInfo[0]?.number),
      agents: [agentShipment(world!, parcel)?.Status__c, agentShipment(world!, fulfilmentOrderId)?.Status__c],
      order: (await orderFulfilment(world!, orderNumber))?.status,
      announced: await announcedStatuses(world!, orderNumber),
    });
    const expected = { erp: 1, storefront: ['FX-LATE-1'], agents: ['Delivered', 'Delivered'], order: 'delivered', announced: ['shipped', 'delivered'] };
    expect(await finalState()).toEqual(expected);

    // The WMS sends both milestones again as new events (new ids): nothing changes anywhere.
    const again: CloudEvent[] = arrived.map((entry) => ({ ...entry.event, id: `${entry.event.id}:sent-again` }));
    await world.publish(again);
    await world.quiet();
    expect(await finalState()).toEqual(expected);
    expect(await openExceptions(world)).toEqual([]);

    // A newer report that would take the delivered parcel back to "picked" is refused and shown.
    const delivered = arrived[0]!.event;
    const data = delivered.data as Shipment;
    const regressed: Shipment = { ...data, version: data.version + 10, sourceTimestamp: new Date(Date.now() + 60_000).toISOString(), milestones: [...data.milestones, { milestone: 'picked', occurredAt: new Date(Date.now() + 60_000).toISOString() }] };
    await world.publish([{ ...delivered, id: `${delivered.id}:regressed`, data: regressed }]);
    await world.quiet();
    expect(await finalState()).toEqual(expected);
    expect(await openExceptions(world)).toMatchObject([{ code: 'MILESTONE_OUT_OF_ORDER', key: parcel, context: { orderNumber } }]);
    const result = await checkShipmentInvariants({ sandboxes: world.sandboxes, records: world.deps.records, storage: world.adapters.storage, settings: world.deps.settings });
    expect(result['shipments.visibleEverywhere']!.ok).toBe(true);
  });
});
