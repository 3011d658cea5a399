import { afterEach, describe, expect, it } from 'vitest';
import type { RetailWorld } from '../testing/world.ts';
import { shipmentCounts } from './index.ts';
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
  storedShipment,
  storefrontFulfilments,
} from './testing.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const invariants = (current: RetailWorld) =>
  checkShipmentInvariants({ sandboxes: current.sandboxes, records: current.deps.records, storage: current.adapters.storage, settings: current.deps.settings });

describe('shipment milestones end to end (WMS → NetSuite, Shopify, Salesforce)', () => {
  it('follows a web order through pick, pack, ship and deliver in every system', async () => {
    world = await startShipmentsWorld();
    const { orderNumber, shopifyOrderId, fulfilmentOrderId } = await placeBookAndRelease(world, [
      { sku: 'TRAIL-TEE-M-BLK', quantity: 2 },
      { sku: 'CANVAS-CAP-NVY', quantity: 1 },
    ]);

    await milestone(world, fulfilmentOrderId, { type: 'picked' });
    await world.quiet();
    expect(agentShipment(world, fulfilmentOrderId)).toMatchObject({ Name: fulfilmentOrderId, Status__c: 'Picked', Location_Code__c: 'DC-EAST' });
    expect(await orderFulfilment(world, orderNumber)).toMatchObject({ status: 'in-fulfilment', reference: { channel: 'web', channelOrderId: String(shopifyOrderId) } });

    await milestone(world, fulfilmentOrderId, { type: 'packed' });
    await world.quiet();
    expect(agentShipment(world, fulfilmentOrderId)?.Status__c).toBe('Packed');
    expect(itemFulfilments(world, fulfilmentOrderId)).toHaveLength(0);

    const parcel = await ship(world, fulfilmentOrderId, { carrier: 'UPS', trackingNumber: '1ZHAPPY0001' });
    await world.quiet();
    // NetSuite: one item fulfilment, from the sales order, with the tracking number.
    const [fulfilment, ...more] = itemFulfilments(world, parcel);
    expect(more).toHaveLength(0);
    const salesOrder = world.sandboxes.netsuite.records.store.getByExternalId('salesOrder', orderNumber)!;
    expect(fulfilment!.fields).toMatchObject({ createdFrom: { id: salesOrder.id }, package: { items: [{ packageTrackingNumber: '1ZHAPPY0001' }] } });
    // Shopify: the order fulfilled, carrier and tracking on the fulfilment.
    expect(storefrontFulfilments(world, shopifyOrderId)).toMatchObject([{ status: 'SUCCESS', trackingInfo: [{ company: 'ups', number: '1ZHAPPY0001' }] }]);
    expect(world.sandboxes.shopify.store.orders.get(shopifyOrderId)?.fulfillmentStatus).toBe('FULFILLED');
    // Salesforce: the parcel shipped with its tracking; the consignment prepared closed out as shipped.
    expect(agentShipment(world, parcel)).toMatchObject({ Status__c: 'Shipped', Carrier__c: 'ups', Tracking_Number__c: '1ZHAPPY0001' });
    expect(agentShipment(world, fulfilmentOrderId)?.Status__c).toBe('Shipped');
    expect((await orderFulfilment(world, orderNumber))?.status).toBe('shipped');

    await milestone(world, fulfilmentOrderId, { type: 'delivered' });
    await world.quiet();
    expect(agentShipment(world, parcel)).toMatchObject({ Status__c: 'Delivered', Delivered_At__c: expect.any(String) });
    expect(agentShipment(world, fulfilmentOrderId)?.Status__c).toBe('Delivered');
    expect(itemFulfilments(world, parcel)).toHaveLength(1);
    expect(storefrontFulfilments(world, shopifyOrderId)).toHaveLength(1);

    const view = await orderFulfilment(world, orderNumber);
    expect(view).toMatchObject({ status: 'delivered' });
    expect(view!.lines.map((line) => [line.sku, line.toShip, line.shipped, line.delivered])).toEqual([
      ['TRAIL-TEE-M-BLK', 2, 2, 2],
      ['CANVAS-CAP-NVY', 1, 1, 1],
    ]);
    expect((await storedShipment(world, parcel))?.milestones.map((entry) => entry.milestone)).toEqual(['handed-to-carrier', 'delivered']);
    expect(await announcedStatuses(world, orderNumber)).toEqual(['shipped', 'delivered']);
    expect(await openExceptions(world)).toEqual([]);
    expect(await shipmentCounts(world.deps.records)).toEqual({
      'shipments.milestones': 2 + 2,
      'shipments.shipped': 1,
      'shipments.delivered': 1,
      'shipments.partial': 0,
      'shipments.ordersHeld': 0,
    });
    expect(await invariants(world)).toEqual({ 'shipments.visibleEverywhere': { ok: true, details: expect.objectContaining({ parcels: 1 }) } });
  });

  it('ships a two-line order line by line: part, a backorder shown on the line held, then the rest', async () => {
    world = await startShipmentsWorld();
    const { orderNumber, shopifyOrderId, fulfilmentOrderId } = await placeBookAndRelease(world, [
      { sku: 'TRAIL-TEE-M-BLK', quantity: 2 },
      { sku: 'CANVAS-CAP-NVY', quantity: 1 },
    ]);
    await milestone(world, fulfilmentOrderId, { type: 'picked' });
    await milestone(world, fulfilmentOrderId, { type: 'packed' });
    const first = await ship(world, fulfilmentOrderId, { carrier: 'DHL', trackingNumber: 'DHL-PART-1', lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2 }] });
    await world.quiet();
    expect(itemFulfilments(world, first)).toHaveLength(1);
    expect(itemFulfilments(world, first)[0]!.fields).toMatchObject({ item: { items: [{ quantity: 2 }] } });
    expect(storefrontFulfilments(world, shopifyOrderId)).toMatchObject([{ trackingInfo: [{ number: 'DHL-PART-1' }], lineItems: [{ quantity: 2 }] }]);
    expect(world.sandboxes.shopify.store.orders.get(shopifyOrderId)?.fulfillmentStatus).toBe('PARTIALLY_FULFILLED');
    expect(agentShipment(world, first)?.Status__c).toBe('Shipped');
    expect(agentShipment(world, fulfilmentOrderId)?.Status__c).toBe('Packed');
    expect((await orderFulfilment(world, orderNumber))?.status).toBe('partially-shipped');

    // The warehouse cannot ship the cap: the line is shown as not shippable, the parcel on its way is not touched.
    await milestone(world, fulfilmentOrderId, { type: 'exception', reason: 'backorder: CANVAS-CAP-NVY out of stock' });
    await world.quiet();
    const held = await orderFulfilment(world, orderNumber);
    expect(held?.lines.map((line) => [line.sku, line.shipped, line.notShippable?.quantity ?? 0])).toEqual([
      ['TRAIL-TEE-M-BLK', 2, 0],
      ['CANVAS-CAP-NVY', 0, 1],
    ]);
    expect(held?.lines[1]!.notShippable?.reason).toBe('backorder: CANVAS-CAP-NVY out of stock');
    expect(agentShipment(world, fulfilmentOrderId)?.Status__c).toBe('Exception');
    expect(agentShipment(world, first)?.Status__c).toBe('Shipped');
    const [backorder, ...others] = await openExceptions(world);
    expect(others).toEqual([]);
    expect(backorder).toMatchObject({ code: 'LINES_NOT_SHIPPABLE', key: fulfilmentOrderId, context: { orderNumber, lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1 }] } });
    expect((await invariants(world))['shipments.visibleEverywhere']!.ok).toBe(true);

    await milestone(world, fulfilmentOrderId, { type: 'resolved' });
    const rest = await ship(world, fulfilmentOrderId, { carrier: 'DHL', trackingNumber: 'DHL-PART-2' });
    await world.quiet();
    expect(itemFulfilments(world, first)).toHaveLength(1);
    expect(itemFulfilments(world, rest)).toHaveLength(1);
    expect(world.sandboxes.netsuite.records.store.getByExternalId('salesOrder', orderNumber)?.fields.item).toMatchObject({
      items: [{ quantityFulfilled: 2 }, { quantityFulfilled: 1 }],
    });
    expect(storefrontFulfilments(world, shopifyOrderId).map((fulfilment) => fulfilment.trackingInfo[0]?.number).sort()).toEqual(['DHL-PART-1', 'DHL-PART-2']);
    expect(world.sandboxes.shopify.store.orders.get(shopifyOrderId)?.fulfillmentStatus).toBe('FULFILLED');
    expect(agentShipment(world, rest)?.Status__c).toBe('Shipped');
    expect(agentShipment(world, fulfilmentOrderId)?.Status__c).toBe('Shipped');
    const shipped = await orderFulfilment(world, orderNumber);
    expect(shipped).toMatchObject({ status: 'shipped' });
    expect(shipped!.hold).toBeUndefined();
    expect(shipped!.lines.every((line) => line.notShippable === undefined && line.shipped === line.toShip)).toBe(true);
    // The units moved: the flow closes its own backorder exception.
    expect((await world.adapters.storage.deadLetters.get(backorder!.id))?.status).toBe('resolved');
    expect(await openExceptions(world)).toEqual([]);

    // Everything has left: an exception now is the carrier's, on the parcels, and shown per parcel.
    await milestone(world, fulfilmentOrderId, { type: 'exception', reason: 'carrier: address not found' });
    await world.quiet();
    expect([agentShipment(world, first)?.Status__c, agentShipment(world, rest)?.Status__c]).toEqual(['Exception', 'Exception']);
    expect((await openExceptions(world)).filter((entry) => entry.code === 'SHIPMENT_EXCEPTION').map((entry) => entry.key).sort()).toEqual([first, rest].sort());
    expect((await orderFulfilment(world, orderNumber))?.hold).toBeUndefined();

    await milestone(world, fulfilmentOrderId, { type: 'resolved' });
    await milestone(world, fulfilmentOrderId, { type: 'delivered' });
    await world.quiet();
    expect([agentShipment(world, first)?.Status__c, agentShipment(world, rest)?.Status__c]).toEqual(['Delivered', 'Delivered']);
    expect(await openExceptions(world)).toEqual([]);
    expect(await announcedStatuses(world, orderNumber)).toEqual(['partially-shipped', 'shipped', 'delivered']);
    expect(await shipmentCounts(world.deps.records)).toMatchObject({ 'shipments.shipped': 2, 'shipments.delivered': 2, 'shipments.partial': 1, 'shipments.ordersHeld': 0 });
    expect((await invariants(world))['shipments.visibleEverywhere']).toMatchObject({ ok: true, details: { parcels: 2 } });
  });
});
