import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sublistLines } from '../netsuite/records/fields.ts';
import { startAllSandboxes } from '../run-all.ts';
import type { RunningSandboxes } from '../run-all.ts';
import { ActionKind } from './actions.ts';
import type { CustomerSignupAction, TrafficAction } from './actions.ts';
import { playTraffic, TrafficExecutor } from './executor.ts';

interface FulfilmentOrderState {
  externalOrderId: string;
  status: string;
  shipments: { lines: { sku: string; quantity: number }[] }[];
  events: { type: string }[];
}

/** The exceptions of a retail day (store stock-out, a shopper's second account, a backorder), each against the sandboxes. */
describe('the exceptions of a retail day against the sandboxes', () => {
  let sandboxes: RunningSandboxes;

  beforeAll(async () => {
    sandboxes = await startAllSandboxes({ latency: 'fast', seed: 7, webhookTimeScale: 0.001 });
  });

  afterAll(async () => {
    await sandboxes?.closeAll();
  });

  /** NetSuite's quantities of a SKU at a location, as the item's `locations` sublist holds them. */
  const erpStock = (sku: string, locationCode: string) => {
    const { store } = sandboxes.netsuite.records;
    const item = store.getByExternalId('inventoryItem', `ITEM-${sku}`);
    const location = store.getByExternalId('location', locationCode);
    const line = sublistLines(item?.fields ?? {}, 'locations').find((candidate) => (candidate.location as { id?: string } | undefined)?.id === location?.id);
    return { onHand: line?.quantityOnHand, committed: line?.quantityCommitted, available: line?.quantityAvailable };
  };

  it('books a store stock-out in the ERP: the free units go, those held for an open pickup stay, and the transfer brings stock back', async () => {
    const { records } = sandboxes.netsuite;
    const id = (type: 'customer' | 'location' | 'inventoryItem', externalId: string) => records.store.getByExternalId(type, externalId)?.id ?? '';
    // A pickup order booked earlier holds 2 caps at the store.
    records.create('salesOrder', {
      entity: { id: id('customer', 'CUST-0001') },
      location: { id: id('location', 'STORE-001') },
      item: { items: [{ item: { id: id('inventoryItem', 'ITEM-CANVAS-CAP-NVY') }, quantity: 2 }] },
    });
    expect(erpStock('CANVAS-CAP-NVY', 'STORE-001')).toEqual({ onHand: 300, committed: 2, available: 298 });
    const executor = new TrafficExecutor({ directory: sandboxes.directory });
    const stockOut: TrafficAction = { kind: ActionKind.storeStockOut, atMs: 0, sequence: 0, sku: 'CANVAS-CAP-NVY', locationCode: 'STORE-001' };

    expect(await executor.perform(stockOut)).toEqual({ outcome: 'ok', system: 'netsuite' });
    expect(erpStock('CANVAS-CAP-NVY', 'STORE-001')).toEqual({ onHand: 2, committed: 2, available: 0 });
    const adjustment = records.store.list('inventoryAdjustment').find((record) => record.fields.memo === 'Store count STORE-001: CANVAS-CAP-NVY sold out');
    expect(sublistLines(adjustment?.fields ?? {}, 'inventory').map((line) => line.adjustQtyBy)).toEqual([-298]);
    // The SKU at the DC and other SKUs at the store are untouched.
    expect(erpStock('CANVAS-CAP-NVY', 'DC-EAST').available).toBe(300);
    expect(erpStock('TRAIL-TEE-M-BLK', 'STORE-001').available).toBe(300);

    // A second count finds nothing left to book off.
    expect(await executor.perform({ ...stockOut, sequence: 1 })).toEqual({ outcome: 'skipped', detail: 'CANVAS-CAP-NVY is sold out at STORE-001 already' });
    // The DC's replenishment transfer the planner schedules after a stock-out.
    const transfer: TrafficAction = { kind: ActionKind.stockMovement, atMs: 0, sequence: 2, sku: 'CANVAS-CAP-NVY', quantity: 24, movement: 'transfer', fromLocationCode: 'DC-EAST', toLocationCode: 'STORE-001' };
    expect(await executor.perform(transfer)).toEqual({ outcome: 'ok', system: 'netsuite' });
    expect(erpStock('CANVAS-CAP-NVY', 'STORE-001')).toEqual({ onHand: 26, committed: 2, available: 24 });
  });

  it("opens a returning shopper's second storefront account, then customer service give her first profile its number in Salesforce", async () => {
    const executor = new TrafficExecutor({ directory: sandboxes.directory, runTag: 'signup' });
    const account: CustomerSignupAction = {
      kind: ActionKind.customerSignup, atMs: 0, sequence: 0, step: 'account', signupRef: 'SIGNUP-000001', customerNumber: 'CUST-0002', email: 'sam.rivera.1@mail.example', phone: '+17735550001',
    };
    // Both steps due at once: the player still runs the call after the signup.
    const summary = await playTraffic({ actions: [account, { ...account, sequence: 1, step: 'mobile-number' }], executor });
    expect(summary.byKind[ActionKind.customerSignup], JSON.stringify(summary.recentProblems)).toEqual({ ok: 2, rejected: 0, failed: 0, skipped: 0 });

    const customers = [...sandboxes.shopify.store.customers.values()];
    const second = customers.find((customer) => customer.email === 'sam.rivera.1-signup@mail.example');
    expect(second).toMatchObject({ firstName: 'Sam', lastName: 'Rivera', phone: '+17735550001', tags: ['crossdock-traffic'] });
    // Her first storefront account is untouched: two accounts, one person.
    const first = customers.find((customer) => customer.email === 'sam.rivera@example.com');
    expect(first?.id).not.toBe(second?.id);
    expect(first?.phone).not.toBe('+17735550001');
    // Salesforce now has her new number on the account every system has known her by.
    const { org } = sandboxes.salesforce;
    const accountObject = org.dml.object('Account');
    const [salesforceId] = org.store.idsByExternalId(accountObject, 'External_Id__c', 'CUST-0002');
    expect(org.store.get(accountObject, salesforceId ?? '')).toMatchObject({ PersonEmail: 'sam.rivera@example.com', PersonMobilePhone: '+17735550001' });

    // A call about an account that was never opened changes nothing.
    const orphan: CustomerSignupAction = { ...account, sequence: 2, step: 'mobile-number', signupRef: 'SIGNUP-999999', customerNumber: 'CUST-0003', phone: '+17735550999' };
    expect(await executor.perform(orphan)).toEqual({ outcome: 'skipped', detail: 'the account of SIGNUP-999999 was not opened' });
    const [priya] = org.store.idsByExternalId(accountObject, 'External_Id__c', 'CUST-0003');
    expect(org.store.get(accountObject, priya ?? '')).toMatchObject({ PersonMobilePhone: '+12125550103' });
  });

  it('ships part of a released order, leaving the rest on backorder for the next milestone; a single unit is not split', async () => {
    // The executor's clock, moved on by hand past the interval at which it reads the WMS again.
    let now = 0;
    const executor = new TrafficExecutor({ directory: sandboxes.directory, releaseOrdersToWarehouse: true, runTag: 'backorder', clock: () => now });
    const order = (orderRef: string, lines: { sku: string; quantity: number; unitPrice: string }[]): TrafficAction => ({
      kind: ActionKind.storefrontOrder, atMs: 0, sequence: 0, orderRef, customerNumber: 'CUST-0003', locationCode: 'DC-EAST', lines,
    });
    const backorder: TrafficAction = { kind: ActionKind.backorderShipment, atMs: 0, sequence: 1, carrier: 'UPS', trackingNumber: '1Z0000000000000042' };
    const fulfilmentOrder = async (externalOrderId: string) => {
      const state = (await (await fetch(`${sandboxes.wms.url}/__sandbox/state`)).json()) as { fulfillmentOrders: FulfilmentOrderState[] };
      return state.fulfillmentOrders.find((candidate) => candidate.externalOrderId === externalOrderId);
    };

    expect(await executor.perform(order('WEB-BO-1', [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50' }, { sku: 'TRAIL-TEE-M-BLK', quantity: 2, unitPrice: '24.00' }]))).toMatchObject({ outcome: 'ok' });
    expect(await executor.perform(backorder)).toEqual({ outcome: 'ok', system: 'wms' });
    const partial = await fulfilmentOrder('WEB-BO-1-backorder');
    expect(partial?.status).toBe('partially_shipped');
    expect(partial?.events.map((event) => event.type)).toEqual(['picked', 'packed', 'shipped']);
    expect(partial?.shipments.map((shipment) => shipment.lines)).toEqual([[{ sku: 'CANVAS-CAP-NVY', quantity: 1 }]]);

    // The next milestone ships what was left behind.
    const milestone: TrafficAction = { kind: ActionKind.shipmentMilestone, atMs: 0, sequence: 2, carrier: 'UPS', trackingNumber: '1Z0000000000000043' };
    expect(await executor.perform(milestone)).toEqual({ outcome: 'ok', system: 'wms' });
    const rest = await fulfilmentOrder('WEB-BO-1-backorder');
    expect(rest?.status).toBe('shipped');
    expect(rest?.shipments.map((shipment) => shipment.lines)).toEqual([[{ sku: 'CANVAS-CAP-NVY', quantity: 1 }], [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2 }]]);

    expect(await executor.perform(order('WEB-BO-2', [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50' }]))).toMatchObject({ outcome: 'ok' });
    expect(await executor.perform({ ...backorder, sequence: 3 })).toEqual({ outcome: 'skipped', detail: 'no released order with more than one unit left to ship' });
    expect((await fulfilmentOrder('WEB-BO-2-backorder'))?.status).toBe('received');

    // An order the hub released meanwhile, unknown to the run: found by reading the WMS again.
    const released = await fetch(`${sandboxes.wms.url}/v1/fulfillment-orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandboxes.directory.wms.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        externalOrderId: 'SHOP-HUB-1', shippingMethod: 'ground', lines: [{ sku: 'TRAIL-RUNNER-42-BLU', quantity: 2 }],
        shipTo: { name: 'Priya Shah', address1: '77 Hudson Street', city: 'New York', region: 'NY', postalCode: '10013', country: 'US' },
      }),
    });
    expect(released.status).toBe(201);
    now += 60_000;
    expect(await executor.perform({ ...backorder, sequence: 4 })).toEqual({ outcome: 'ok', system: 'wms' });
    const hubReleased = await fulfilmentOrder('SHOP-HUB-1');
    expect(hubReleased?.status).toBe('partially_shipped');
    expect(hubReleased?.shipments.map((shipment) => shipment.lines)).toEqual([[{ sku: 'TRAIL-RUNNER-42-BLU', quantity: 1 }]]);
  });
});
