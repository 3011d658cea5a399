import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src/canonical/order.ts';
import { consolePost, loginAs, testUsers } from '../../../src/console/testing.ts';
import { orderCaptureInvariants } from '../../../src/flows/order-capture/index.ts';
import {
  captureStateOf,
  channelOrder,
  placedEvent,
  salesforceRecords,
  salesOrdersOf,
  untilCompleted,
  untilOpenException,
  wmsOrdersOf,
} from '../../../src/flows/order-capture/e2e-support.ts';
import { retailModules } from '../../../src/flows/index.ts';
import { startRetailWorld, type RetailWorld } from '../../../src/flows/testing/world.ts';
import { ActionKind, ActionOutcome, TrafficExecutor, type OrderAction } from '../../../src/sandboxes/traffic/index.ts';

/**
 * Issue 5, flow 2 for B2B orders keyed by sales reps in Salesforce: the traffic generator's
 * `b2b-order` (an activated Order with its order products, over Salesforce's REST API) is read by
 * the Salesforce connector's Order poller and captured like any channel's order, with the
 * business account's credit checked; the hub's own projections into Salesforce are not read back.
 */
let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const b2bOrder = (orderRef: string, lines: OrderAction['lines']): OrderAction => ({ kind: ActionKind.b2bOrder, atMs: 0, sequence: 0, orderRef, customerNumber: 'CUST-B2B-0001', locationCode: 'DC-EAST', lines });

/** NetSuite's lines of a sales order: item external id, quantity, rate. */
function netsuiteLines(salesOrder: { fields: Record<string, unknown> }): { item: string; quantity: number; rate: number }[] {
  const items = (salesOrder.fields.item as { items: { item: { id: string }; quantity: number; rate: number }[] }).items;
  return items.map((line) => ({ item: world!.sandboxes.netsuite.records.store.get('inventoryItem', line.item.id)!.externalId!, quantity: Number(line.quantity), rate: Number(line.rate) }));
}

const customerOf = (salesOrder: { fields: Record<string, unknown> }) => world!.sandboxes.netsuite.records.store.get('customer', (salesOrder.fields.entity as { id: string }).id)?.externalId;

/** The retail.order.placed.v1 events the Salesforce connector emitted, by subject. */
async function placedFromSalesforce(): Promise<string[]> {
  const logged = await world!.adapters.bus.find({ type: 'retail.order.placed.v1', limit: 1_000 });
  return logged.filter((entry) => entry.event.source.startsWith('crossdock://connectors/salesforce/')).map((entry) => String(entry.event.subject));
}

describe('B2B orders keyed in Salesforce, end to end', () => {
  it('books a rep-keyed order once, holds one over the credit limit until an operator releases it, and never reads the projections back', async () => {
    world = await startRetailWorld({ modules: retailModules, consoleUsers: await testUsers() });
    await world.quiet();
    const traffic = new TrafficExecutor({ directory: world.sandboxes.directory });

    // Two reps' orders for Harbour Outfitters (credit limit 25,000.00), and a B2B portal order posted to the hub.
    const within = await traffic.perform(b2bOrder('B2B-700001', [{ sku: 'RAIN-JACKET-M-NVY', quantity: 10, unitPrice: '149.00' }, { sku: 'MERINO-SOCK-M-GRY', quantity: 6, unitPrice: '14.50' }]));
    const over = await traffic.perform(b2bOrder('B2B-700002', [{ sku: 'RAIN-JACKET-M-NVY', quantity: 200, unitPrice: '149.00' }]));
    expect([within.outcome, over.outcome]).toEqual([ActionOutcome.ok, ActionOutcome.ok]);
    await world.publish([
      placedEvent(channelOrder({ orderNumber: 'B2B-PORTAL-1', channel: 'b2b-portal', method: 'ship', paymentStatus: 'pending', customer: { email: 'ap@harbour-outfitters.example' }, lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 12, unitPrice: '19.50' }] })),
    ]);

    await untilCompleted(world, 'B2B-700001');
    await untilCompleted(world, 'B2B-PORTAL-1');
    const creditHold = await untilOpenException(world, 'B2B-700002', 'CREDIT_HOLD');
    expect(creditHold.context).toMatchObject({ orderNumber: 'B2B-700002', channel: 'b2b-portal', customerId: 'CUST-B2B-0001', amount: '29800.00', reason: 'CREDIT_HOLD' });
    await world.quiet();
    expect(salesOrdersOf(world, 'B2B-700002')).toEqual([]);
    expect(await wmsOrdersOf(world, 'B2B-700002')).toEqual([]);

    // Credit control releases it from the console.
    const operator = await loginAs(world.retail.server, 'operator');
    expect((await consolePost(world.retail.server, operator, `/api/console/exceptions/${creditHold.id}/resolve`, { reason: 'credit control approved the order' })).statusCode).toBe(200);
    await untilCompleted(world, 'B2B-700002');
    await world.quiet();

    // A restored watermark: the poller looks at every order again; the captured ones now carry their
    // source (the projection stamped it), so nothing is emitted or booked twice.
    const watermarks = world.adapters.storage.watermarks;
    const name = 'crm.salesforce.Order';
    expect(await watermarks.advance({ name, value: '1970-01-01T00:00:00.000Z|', expected: await watermarks.get(name), now: Date.now() })).toBe(true);
    await world.quiet();

    // The hub: the two rep orders emitted once each, the projections never.
    expect((await placedFromSalesforce()).sort()).toEqual(['B2B-700001', 'B2B-700002']);
    for (const orderNumber of ['B2B-700001', 'B2B-700002', 'B2B-PORTAL-1']) expect(await captureStateOf(world, orderNumber), orderNumber).toMatchObject({ status: 'booked', channel: 'b2b-portal' });
    const invariants = await orderCaptureInvariants({ sandboxes: world.sandboxes, records: world.deps.records, storage: world.adapters.storage, settings: world.deps.settings });
    expect(invariants['orders.noneBookedTwice']!.ok).toBe(true);
    expect(invariants['orders.bookedOrOpenException']!.ok).toBe(true);

    // NetSuite: one sales order each, on the business customer, with the rep's lines, the Salesforce Order id as the channel's reference.
    const salesforceOrders = salesforceRecords(world, 'Order');
    const repOrder = (reference: string) => salesforceOrders.filter((order) => order.External_Id__c === reference);
    expect(salesOrdersOf(world, 'B2B-700001')).toHaveLength(1);
    expect(salesOrdersOf(world, 'B2B-700002')).toHaveLength(1);
    const [first] = salesOrdersOf(world, 'B2B-700001');
    expect(customerOf(first!)).toBe('CUST-B2B-0001');
    expect(netsuiteLines(first!)).toEqual([{ item: 'ITEM-RAIN-JACKET-M-NVY', quantity: 10, rate: 149 }, { item: 'ITEM-MERINO-SOCK-M-GRY', quantity: 6, rate: 14.5 }]);
    expect(first!.fields.otherRefNum).toBe(repOrder('B2B-700001')[0]!.Id);
    expect(netsuiteLines(salesOrdersOf(world, 'B2B-700002')[0]!)).toEqual([{ item: 'ITEM-RAIN-JACKET-M-NVY', quantity: 200, rate: 149 }]);
    expect((await world.deps.records.get<Order>('order', 'B2B-700001'))?.data).toMatchObject({ status: 'booked', erpOrderId: first!.id, totals: { grandTotal: '1577.00' } });

    // Salesforce: each rep order is still the one record the rep keyed, activated, with its own order products (not a copy);
    // the portal order is the hub's projection (Draft), stamped with its source.
    for (const [reference, items] of [['B2B-700001', 2], ['B2B-700002', 1]] as const) {
      expect(repOrder(reference), reference).toHaveLength(1);
      expect(repOrder(reference)[0], reference).toMatchObject({ Status: 'Activated', Type: 'B2B', PoNumber: `PO-${reference}`, Source_System__c: 'salesforce' });
      expect(salesforceRecords(world, 'OrderItem').filter((item) => item.OrderId === repOrder(reference)[0]!.Id), reference).toHaveLength(items);
    }
    expect(repOrder('B2B-PORTAL-1')).toEqual([expect.objectContaining({ Status: 'Draft', Type: 'B2B', Source_System__c: 'pos' })]);

    // WMS: each order released once, from the DC.
    for (const orderNumber of ['B2B-700001', 'B2B-700002']) expect(await wmsOrdersOf(world, orderNumber), orderNumber).toEqual([expect.objectContaining({ warehouseId: 'DC-EAST' })]);
  }, 60_000);
});
