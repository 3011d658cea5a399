import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../canonical/order.ts';
import { consoleGet, consolePost, loginAs } from '../../console/testing.ts';
import type { RetailWorld } from '../testing/world.ts';
import { orderCaptureInvariants, orderCaptureReport } from './index.ts';
import { ordersOnHoldPanel } from './panels.ts';
import {
  captureStateOf,
  channelOrder,
  instanceOf,
  placedEvent,
  salesforceOrdersOf,
  salesforceRecords,
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

/** Item external ids and quantities of a NetSuite sales order's lines. */
function netsuiteLines(salesOrder: { fields: Record<string, unknown> }): { item: string; quantity: number; rate: number }[] {
  const items = (salesOrder.fields.item as { items: { item: { id: string }; quantity: number; rate: number }[] }).items;
  return items.map((line) => ({ item: world!.sandboxes.netsuite.records.store.get('inventoryItem', line.item.id)!.externalId!, quantity: Number(line.quantity), rate: Number(line.rate) }));
}

function customerExternalIdOf(salesOrder: { fields: Record<string, unknown> }): string | undefined {
  const entity = salesOrder.fields.entity as { id: string };
  return world!.sandboxes.netsuite.records.store.get('customer', entity.id)?.externalId;
}

describe('order capture end to end: the happy path of every channel', () => {
  it('books a storefront, a store and a B2B order once each, projects them into Salesforce and releases the shipped ones to the WMS', async () => {
    world = await startCaptureWorld();
    await world.quiet();
    const placed = world.sandboxes.shopify.placeOrder({ email: 'jane.doe@example.com', lineItems: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2 }] });
    if (!placed.ok) throw new Error('the Shopify sandbox refused the order');
    const web = `SHOP-${placed.value.number}`;
    const store = channelOrder({ orderNumber: 'POS-1001', locationCode: 'STORE-001', customer: { name: 'Sam Rivera', email: 'sam.rivera@example.com' }, lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50' }] });
    const b2b = channelOrder({
      orderNumber: 'B2B-2001',
      channel: 'b2b-portal',
      method: 'ship',
      paymentStatus: 'pending',
      customer: { email: 'ap@harbour-outfitters.example' },
      lines: [{ sku: 'RAIN-JACKET-M-NVY', quantity: 10, unitPrice: '149.00' }],
    });
    await world.publish([placedEvent(store), placedEvent(b2b)]);

    for (const orderNumber of [web, 'POS-1001', 'B2B-2001']) await untilCompleted(world, orderNumber);
    await world.quiet();

    // NetSuite: one sales order each, on the resolved customer, at the fulfilment location.
    const [webSo] = salesOrdersOf(world, web);
    expect(salesOrdersOf(world, web)).toHaveLength(1);
    expect(customerExternalIdOf(webSo!)).toBe('CUST-0001');
    expect(netsuiteLines(webSo!)).toEqual([{ item: 'ITEM-TRAIL-TEE-M-BLK', quantity: 2, rate: 24 }]);
    expect(webSo!.fields.otherRefNum).toBe(String(placed.value.id));
    const [storeSo] = salesOrdersOf(world, 'POS-1001');
    expect(customerExternalIdOf(storeSo!)).toBe('CUST-0002');
    expect(world.sandboxes.netsuite.records.store.get('location', (storeSo!.fields.location as { id: string }).id)?.externalId).toBe('STORE-001');
    const [b2bSo] = salesOrdersOf(world, 'B2B-2001');
    expect(customerExternalIdOf(b2bSo!)).toBe('CUST-B2B-0001');
    expect(netsuiteLines(b2bSo!)).toEqual([{ item: 'ITEM-RAIN-JACKET-M-NVY', quantity: 10, rate: 149 }]);

    // Salesforce: an Order with its lines on the customer's Account, for agents.
    for (const [orderNumber, account, type] of [[web, 'CUST-0001', 'Web'], ['POS-1001', 'CUST-0002', 'Store'], ['B2B-2001', 'CUST-B2B-0001', 'B2B']] as const) {
      const [sfOrder] = salesforceOrdersOf(world, orderNumber);
      expect(sfOrder, orderNumber).toMatchObject({ Type: type, Status: 'Draft' });
      const accountRecord = salesforceRecords(world, 'Account').find((record) => record.External_Id__c === account);
      expect(sfOrder!.AccountId).toBe(accountRecord!.Id);
      expect(salesforceRecords(world, 'OrderItem').filter((item) => String(item.External_Id__c).startsWith(`${orderNumber}#`))).toHaveLength(1);
    }

    // WMS: the two orders fulfilled at the DC, shipped to the customer's address on file; the till sale is not.
    const [webRelease] = await wmsOrdersOf(world, web);
    expect(webRelease).toMatchObject({ warehouseId: 'DC-EAST', lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2 }], shipTo: { name: 'Jane Doe', address1: '12 Acacia Avenue', city: 'Chicago' } });
    expect(await wmsOrdersOf(world, 'B2B-2001')).toHaveLength(1);
    expect(await wmsOrdersOf(world, 'POS-1001')).toEqual([]);

    // The hub: read models, report and invariants.
    const orderRecord = await world.deps.records.get<Order>('order', 'B2B-2001');
    expect(orderRecord?.data).toMatchObject({ status: 'booked', erpOrderId: b2bSo!.id, customer: { customerId: 'CUST-B2B-0001' } });
    expect(await captureStateOf(world, web)).toMatchObject({ status: 'booked' });
    expect(await orderCaptureReport(world.deps)).toEqual({ 'orders.captured': 3, 'orders.booked': 3, 'orders.exceptions': 0, 'orders.rejected': 0, 'orders.cancelled': 0 });
    const invariants = await orderCaptureInvariants({ sandboxes: world.sandboxes, records: world.deps.records, storage: world.adapters.storage, settings: world.deps.settings });
    expect(invariants['orders.noneBookedTwice']!.ok).toBe(true);
    expect(invariants['orders.bookedOrOpenException']).toMatchObject({ ok: true, details: { captured: 3, booked: 3 } });
  }, 60_000);
});

describe('order capture end to end: holds an operator fixes, overrides or discards from the console', () => {
  it('books a fixed unknown SKU and an accepted price, rejects a discarded credit hold, and creates a new customer before its order', async () => {
    world = await startCaptureWorld();
    await world.quiet();
    const typo = channelOrder({ orderNumber: 'POS-3001', locationCode: 'STORE-001', lines: [{ sku: 'TRAIL-RUNNER-42-BLUE', quantity: 1, unitPrice: '119.99' }] });
    const overLimit = channelOrder({
      orderNumber: 'B2B-3002',
      channel: 'b2b-portal',
      method: 'ship',
      paymentStatus: 'pending',
      customer: { email: 'ap@harbour-outfitters.example' },
      lines: [{ sku: 'RAIN-JACKET-M-NVY', quantity: 200, unitPrice: '149.00' }],
    });
    const newcomer = channelOrder({ orderNumber: 'POS-3003', locationCode: 'STORE-001', customer: { name: 'Noor Haddad', email: 'noor.haddad@example.com' }, lines: [{ sku: 'MERINO-SOCK-M-GRY', quantity: 3, unitPrice: '14.50' }] });
    await world.publish([placedEvent(typo), placedEvent(overLimit), placedEvent(newcomer)]);
    const discounted = world.sandboxes.shopify.placeOrder({ email: 'priya.shah@example.com', lineItems: [{ sku: 'TRAIL-RUNNER-42-BLU', quantity: 1, price: '99.00' }] });
    if (!discounted.ok) throw new Error('the Shopify sandbox refused the order');
    const web = `SHOP-${discounted.value.number}`;

    const unknownSku = await untilOpenException(world, 'POS-3001', 'UNKNOWN_SKU');
    const priceMismatch = await untilOpenException(world, web, 'PRICE_MISMATCH');
    const creditHold = await untilOpenException(world, 'B2B-3002', 'CREDIT_HOLD');
    expect(unknownSku.error.message).toContain('SKU TRAIL-RUNNER-42-BLUE is not in the item master');
    expect(priceMismatch.error.message).toContain('sold at 99.00, ERP price 119.99 (lowest accepted 118.80)');
    expect(creditHold.context).toMatchObject({ entity: 'order', orderNumber: 'B2B-3002', customerId: 'CUST-B2B-0001', amount: '29800.00', store: 'DC-EAST', reason: 'CREDIT_HOLD' });
    expect(salesOrdersOf(world, 'POS-3001')).toEqual([]);
    const panel = await ordersOnHoldPanel().evaluate({ storage: world.adapters.storage, bus: world.adapters.bus, now: Date.now() });
    expect(panel).toMatchObject({ value: 3, status: 'warning' });
    expect(panel.summary).toMatch(/3 orders on hold: .*1 UNKNOWN_SKU/);

    const operator = await loginAs(world.retail.server, 'operator');
    const detail = (await consoleGet(world.retail.server, operator, `/api/console/exceptions/${unknownSku.id}`)).json<{ editable: { payload: Order; entity: string } }>();
    expect(detail.editable.entity).toBe('order');
    const fixed: Order = { ...detail.editable.payload, lines: detail.editable.payload.lines.map((line) => ({ ...line, sku: 'TRAIL-RUNNER-42-BLU' })) };
    expect((await consolePost(world.retail.server, operator, `/api/console/exceptions/${unknownSku.id}/fix`, { payload: fixed, reason: 'SKU typo at the till' })).statusCode).toBe(200);
    expect((await consolePost(world.retail.server, operator, `/api/console/exceptions/${priceMismatch.id}/resolve`, { reason: 'store manager approved the discount' })).statusCode).toBe(200);
    expect((await consolePost(world.retail.server, operator, `/api/console/exceptions/${creditHold.id}/discard`, { reason: 'customer over its credit limit' })).statusCode).toBe(200);

    for (const orderNumber of ['POS-3001', web, 'B2B-3002', 'POS-3003']) await untilCompleted(world, orderNumber);
    await world.quiet();

    // Fixed: booked with the corrected SKU. Overridden: booked at the price sold. Discarded: nowhere, and announced.
    expect(netsuiteLines(salesOrdersOf(world, 'POS-3001')[0]!)).toEqual([{ item: 'ITEM-TRAIL-RUNNER-42-BLU', quantity: 1, rate: 119.99 }]);
    expect(netsuiteLines(salesOrdersOf(world, web)[0]!)).toEqual([{ item: 'ITEM-TRAIL-RUNNER-42-BLU', quantity: 1, rate: 99 }]);
    expect(await wmsOrdersOf(world, web)).toHaveLength(1);
    expect(salesOrdersOf(world, 'B2B-3002')).toEqual([]);
    expect(salesforceOrdersOf(world, 'B2B-3002')).toEqual([]);
    expect(await wmsOrdersOf(world, 'B2B-3002')).toEqual([]);
    const rejected = await world.adapters.bus.find({ type: 'retail.order.rejected.v1', subject: 'B2B-3002' });
    expect(rejected.map((entry) => (entry.event.data as Order).statusReason?.code)).toEqual(['CREDIT_HOLD']);
    expect((await world.deps.records.get<Order>('order', 'B2B-3002'))?.data.status).toBe('rejected');

    // The new customer: announced for the customer sync, created in NetSuite and Salesforce, its order on it.
    const created = await world.adapters.bus.find({ type: 'retail.customer.created.v1' });
    const newCustomerId = created.find((entry) => entry.event.source.includes('order-capture'))?.event.subject ?? '';
    expect(newCustomerId).toMatch(/^cus_[0-9a-f]{16}$/);
    expect(world.sandboxes.netsuite.records.store.getByExternalId('customer', newCustomerId)?.fields).toMatchObject({ email: 'noor.haddad@example.com' });
    expect(customerExternalIdOf(salesOrdersOf(world, 'POS-3003')[0]!)).toBe(newCustomerId);
    const account = salesforceRecords(world, 'Account').find((record) => record.External_Id__c === newCustomerId);
    expect(salesforceOrdersOf(world, 'POS-3003')[0]!.AccountId).toBe(account!.Id);

    // Every exception is closed; the audit names the operator's decisions.
    expect(await world.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect(await orderCaptureReport(world.deps)).toMatchObject({ 'orders.captured': 4, 'orders.booked': 3, 'orders.rejected': 1, 'orders.exceptions': 0 });
    const invariants = await orderCaptureInvariants({ sandboxes: world.sandboxes, records: world.deps.records, storage: world.adapters.storage, settings: world.deps.settings });
    expect(invariants['orders.bookedOrOpenException']).toMatchObject({ ok: true, details: { captured: 4, booked: 3, rejected: 1 } });
    expect((await instanceOf(world, 'B2B-3002'))?.status).toBe('completed');
  }, 60_000);
});
