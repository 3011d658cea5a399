import jsforce from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { sampleCustomer, sampleOrder, sampleProduct } from '../../canonical/fixtures.ts';
import type { Order } from '../../canonical/order.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import type { DeltaPoller } from '../connector.ts';
import { pollerJob } from '../inbound/poller-job.ts';
import { toRfc3339 } from './inbound.ts';
import { createSalesforceConnector, type SalesforceConnector } from './index.ts';
import { connectedSandbox, customerItem, keyB2bOrder, pricebookEntryIdOf, recordByExternalId, records } from './test-support.ts';

let sandbox: SalesforceSandbox;
let connector: SalesforceConnector;
let adapters: EmbeddedAdapters;
const warnings: unknown[] = [];

const CATALOGUE = [
  { sku: 'RAIN-JACKET-M-NVY', name: 'Packable Rain Jacket - Navy / M', price: 149 },
  { sku: 'MERINO-SOCK-M-GRY', name: 'Merino Running Sock - Grey / M', price: 14.55 },
];

beforeEach(async () => {
  warnings.length = 0;
  ({ sandbox, connector } = await connectedSandbox(
    {},
    { polling: { orders: true, currency: 'USD', everyMs: 60_000 }, logger: { warn: (fields: unknown) => warnings.push(fields), info: () => undefined } },
  ));
  adapters = await openSqlite({ path: ':memory:' });
  // The business customer's Account (External_Id__c = its customer number) and the catalogue with standard prices.
  const business = sampleCustomer({ hubId: 'CUST-B2B-0042', partyType: 'business', companyName: 'Harbour Outfitters Ltd', name: { full: 'Harbour Outfitters Ltd' } });
  expect((await connector.deliver([customerItem(business)], recordingContext()))[0]!.ok).toBe(true);
  const products = CATALOGUE.map((item) => deliveryItem({ target: 'crm', kind: 'state', key: item.sku, operation: 'upsertProduct', payload: sampleProduct({ sku: item.sku, name: item.name }), idempotencyKey: `p:${item.sku}` }));
  const outcomes = await connector.deliver(products, recordingContext());
  const admin = new jsforce.Connection({ instanceUrl: sandbox.url, accessToken: sandbox.createSession(), version: '62.0' });
  for (const [index, outcome] of outcomes.entries()) {
    await admin.sobject('PricebookEntry').create({ Pricebook2Id: sandbox.org.standardPricebookId, Product2Id: (outcome as { externalId: string }).externalId, UnitPrice: CATALOGUE[index]!.price, IsActive: true });
  }
});

afterEach(async () => {
  await sandbox.close();
  await adapters.close();
});

const accountId = () => String(recordByExternalId(sandbox, 'Account', 'CUST-B2B-0042')!.Id);
const line = (sku: string, quantity: number, unitPrice?: number) => ({ pricebookEntryId: pricebookEntryIdOf(sandbox, sku), quantity, unitPrice: unitPrice ?? CATALOGUE.find((item) => item.sku === sku)!.price });
const orderPoller = (): DeltaPoller => connector.pollers!.find((poller) => poller.name === 'crm.salesforce.Order')!;
const job = () => pollerJob(orderPoller(), { bus: adapters.bus, watermarks: adapters.storage.watermarks });
const run = async () => job().run({ dueAt: 0, signal: new AbortController().signal });
const placedEvents = async () => (await adapters.bus.find({ type: 'retail.order.placed.v1', limit: 5_000 })).map((entry) => entry.event);

describe('Salesforce connector: the Order poller (B2B orders keyed by sales reps)', () => {
  it('emits an activated order once, with its lines, customer and totals, and nothing while it is a Draft', async () => {
    const draftId = await keyB2bOrder(sandbox, { accountId: accountId(), reference: 'B2B-000001', activate: false, lines: [line('RAIN-JACKET-M-NVY', 10), line('MERINO-SOCK-M-GRY', 3)] });
    await run();
    expect(await placedEvents()).toEqual([]);

    // The rep submits it: activation stamps the order.
    const admin = new jsforce.Connection({ instanceUrl: sandbox.url, accessToken: sandbox.createSession(), version: '62.0' });
    await admin.sobject('Order').update({ Id: draftId, Status: 'Activated' });
    await run();
    await run();
    const events = await placedEvents();
    expect(events).toHaveLength(1);
    const [event] = events;
    const stored = records(sandbox, 'Order').find((order) => order.Id === draftId)!;
    expect(event).toMatchObject({ type: 'retail.order.placed.v1', subject: 'B2B-000001', id: `salesforce:Order:${draftId}@${String(toRfc3339(stored.SystemModstamp))}` });
    const order = event!.data as Order;
    expect(order).toMatchObject({
      orderNumber: 'B2B-000001',
      channel: 'b2b-portal',
      channelOrderId: draftId,
      externalIds: { salesforce: draftId },
      sourceSystem: 'salesforce',
      customer: { customerId: 'CUST-B2B-0042', name: 'Harbour Outfitters Ltd' },
      currency: 'USD',
      pricesIncludeTax: false,
      paymentStatus: 'pending',
      status: 'placed',
      fulfilment: { method: 'ship' },
      totals: { subtotal: '1533.65', discountTotal: '0.00', shippingTotal: '0.00', taxTotal: '0.00', grandTotal: '1533.65' },
    });
    expect(order.lines).toEqual([
      { lineNumber: 1, sku: 'RAIN-JACKET-M-NVY', name: 'Packable Rain Jacket - Navy / M', quantity: 10, unitPrice: '149.00', discounts: [], tax: { amount: '0.00' }, lineTotal: '1490.00' },
      { lineNumber: 2, sku: 'MERINO-SOCK-M-GRY', name: 'Merino Running Sock - Grey / M', quantity: 3, unitPrice: '14.55', discounts: [], tax: { amount: '0.00' }, lineTotal: '43.65' },
    ]);
    // The org's own roll-up agrees with the canonical total.
    expect(stored.TotalAmount).toBeCloseTo(1533.65, 6);
  });

  it("numbers an order without the rep's reference SF-<OrderNumber> and takes its shipping address when complete", async () => {
    const id = await keyB2bOrder(sandbox, {
      accountId: accountId(),
      lines: [line('MERINO-SOCK-M-GRY', 12)],
      fields: { ShippingStreet: '4 Quay Street\nUnit 7', ShippingCity: 'Seattle', ShippingState: 'WA', ShippingPostalCode: '98101', ShippingCountry: 'US', BillingCity: 'Seattle', BillingCountry: 'United States' },
    });
    await run();
    const [event] = await placedEvents();
    const orderNumber = String(records(sandbox, 'Order').find((order) => order.Id === id)!.OrderNumber);
    expect(event!.subject).toBe(`SF-${orderNumber}`);
    const order = event!.data as Order;
    expect(order.fulfilment.shippingAddress).toEqual({ company: 'Harbour Outfitters Ltd', line1: '4 Quay Street', line2: 'Unit 7', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' });
    // "United States" is not an ISO code, and there is no street: no billing address rather than a wrong one.
    expect(order).not.toHaveProperty('billingAddress');
  });

  it('does not emit orders the hub projected, nor the projection of a captured order back onto its own record', async () => {
    // A storefront order projected by the hub: Draft, stamped with its source. Even activated by the org's process, it is not a new order.
    const projected = sampleOrder({ orderNumber: 'WEB-900001', customer: { customerId: 'CUST-B2B-0042' }, lines: [{ ...sampleOrder().lines[1]!, lineNumber: 1 }], totals: { subtotal: '29.00', discountTotal: '0.00', shippingTotal: '0.00', taxTotal: '0.00', grandTotal: '29.00' } });
    const [outcome] = await connector.deliver([projectItem(projected)], recordingContext());
    expect(outcome).toMatchObject({ ok: true });
    const projectedRecord = recordByExternalId(sandbox, 'Order', 'WEB-900001')!;
    expect(projectedRecord).toMatchObject({ Status: 'Draft', Source_System__c: 'shopify' });
    const admin = new jsforce.Connection({ instanceUrl: sandbox.url, accessToken: sandbox.createSession(), version: '62.0' });
    await admin.sobject('Order').update({ Id: String(projectedRecord.Id), Status: 'Activated' });

    // A rep's order: emitted once, then captured by the hub and projected back.
    const repOrderId = await keyB2bOrder(sandbox, { accountId: accountId(), reference: 'B2B-000002', lines: [line('RAIN-JACKET-M-NVY', 6)] });
    await run();
    const events = await placedEvents();
    expect(events.map((event) => event.subject)).toEqual(['B2B-000002']);
    const captured: Order = { ...(events[0]!.data as Order), statusReason: { code: 'CREDIT_REVIEWED', message: 'released by credit control' } };
    const [back] = await connector.deliver([projectItem(captured)], recordingContext());
    expect(back).toEqual({ ok: true, externalId: repOrderId });

    // Salesforce: still one Order for it, still activated with the rep's one order product; the hub's view in Description.
    const repOrders = records(sandbox, 'Order').filter((order) => order.External_Id__c === 'B2B-000002');
    expect(repOrders).toHaveLength(1);
    expect(repOrders[0]).toMatchObject({ Id: repOrderId, Status: 'Activated', Type: 'B2B', PoNumber: 'PO-B2B-000002', Source_System__c: 'salesforce', Description: 'CREDIT_REVIEWED: released by credit control', TotalAmount: 894 });
    expect(records(sandbox, 'OrderItem').filter((item) => item.OrderId === repOrderId)).toHaveLength(1);

    // Both writes moved SystemModstamp; neither is read as a new order.
    await run();
    expect((await placedEvents()).map((event) => event.subject)).toEqual(['B2B-000002']);
  });

  it('reads hundreds of orders across pages once, and a page read again yields the same event ids', async () => {
    sandbox.updateSettings({ queryBatchSize: 200 });
    const admin = new jsforce.Connection({ instanceUrl: sandbox.url, accessToken: sandbox.createSession(), version: '62.0' });
    // 230 orders of two products each (460 order products: the 150-order lists of products span pages).
    const references = Array.from({ length: 230 }, (_, index) => `B2B-${String(100_000 + index)}`);
    const orderIds: string[] = [];
    for (let from = 0; from < references.length; from += 200) {
      const created = await admin.sobject('Order').create(
        references.slice(from, from + 200).map((reference) => ({ AccountId: accountId(), EffectiveDate: '2026-11-23', Status: 'Draft', Pricebook2Id: sandbox.org.standardPricebookId, External_Id__c: reference })),
        { allOrNone: true },
      );
      orderIds.push(...created.map((result) => String(result.id)));
    }
    const items = orderIds.flatMap((orderId, index) => [
      { OrderId: orderId, PricebookEntryId: pricebookEntryIdOf(sandbox, 'RAIN-JACKET-M-NVY'), Quantity: 1 + (index % 5), UnitPrice: 149 },
      { OrderId: orderId, PricebookEntryId: pricebookEntryIdOf(sandbox, 'MERINO-SOCK-M-GRY'), Quantity: 2, UnitPrice: 14.55 },
    ]);
    for (let from = 0; from < items.length; from += 200) await admin.sobject('OrderItem').create(items.slice(from, from + 200), { allOrNone: true });
    for (let from = 0; from < orderIds.length; from += 200) await admin.sobject('Order').update(orderIds.slice(from, from + 200).map((Id) => ({ Id, Status: 'Activated' })), { allOrNone: true });

    const poller = orderPoller();
    const signal = new AbortController().signal;
    const first = await poller.poll({ watermark: poller.initialWatermark(), signal });
    expect(first.events).toHaveLength(200);
    expect(first.more).toBe(true);
    // The same page again (a crash before the watermark was stored): the same events, ids included.
    const again = await poller.poll({ watermark: poller.initialWatermark(), signal });
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
    expect(again.events.map((event) => event.data)).toEqual(first.events.map((event) => event.data));

    await adapters.bus.publish(first.events);
    await run();
    await adapters.bus.publish(again.events);
    const events = await placedEvents();
    expect(events).toHaveLength(230);
    expect(new Set(events.map((event) => event.subject))).toEqual(new Set(references));
    for (const event of events) {
      const order = event.data as Order;
      const index = references.indexOf(order.orderNumber);
      expect(order.lines.map((orderLine) => [orderLine.sku, orderLine.quantity])).toEqual([['RAIN-JACKET-M-NVY', 1 + (index % 5)], ['MERINO-SOCK-M-GRY', 2]]);
    }
    // Rewound to the start (a restored watermark): every order is read again under the same ids, the log keeps one of each.
    await adapters.storage.watermarks.advance({ name: poller.name, value: poller.initialWatermark(), expected: await adapters.storage.watermarks.get(poller.name), now: Date.now() });
    const head = await adapters.bus.head();
    await run();
    expect(await adapters.bus.head()).toBe(head);
  });

  it('skips, with a warning, an order a canonical Order cannot hold (a product without SKU), and emits the others', async () => {
    const admin = new jsforce.Connection({ instanceUrl: sandbox.url, accessToken: sandbox.createSession(), version: '62.0' });
    const bare = await admin.sobject('Product2').create({ Name: 'Sample kit', IsActive: true });
    const entry = await admin.sobject('PricebookEntry').create({ Pricebook2Id: sandbox.org.standardPricebookId, Product2Id: String(bare.id), UnitPrice: 5, IsActive: true });
    const broken = await keyB2bOrder(sandbox, { accountId: accountId(), reference: 'B2B-000003', lines: [{ pricebookEntryId: String(entry.id), quantity: 1, unitPrice: 5 }] });
    await keyB2bOrder(sandbox, { accountId: accountId(), reference: 'B2B-000004', lines: [line('MERINO-SOCK-M-GRY', 4)] });
    await run();
    expect((await placedEvents()).map((event) => event.subject)).toEqual(['B2B-000004']);
    expect(warnings).toEqual([expect.objectContaining({ system: 'salesforce', object: 'Order', recordId: broken })]);
  });

  it('refuses to poll orders without the org currency', () => {
    expect(() =>
      createSalesforceConnector({ loginUrl: sandbox.url, credentials: { flow: 'client-credentials', clientId: 'x', clientSecret: 'y' }, polling: { orders: true } }),
    ).toThrow(/polling\.currency/);
  });
});

function projectItem(order: Order) {
  return deliveryItem({ target: 'crm', kind: 'command', key: order.orderNumber, operation: 'projectOrder', payload: order, idempotencyKey: `project:${order.orderNumber}` });
}
