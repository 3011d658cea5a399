import jsforce from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleCustomer, sampleOrder, sampleProduct } from '../../canonical/fixtures.ts';
import type { Order } from '../../canonical/order.ts';
import { PermanentError } from '../../runtime/errors.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import type { SalesforceConnector } from './index.ts';
import { connectedSandbox, customerItem, recordByExternalId, records } from './test-support.ts';

let sandbox: SalesforceSandbox;
let connector: SalesforceConnector;

const orderItem = (order: Order) =>
  deliveryItem({ target: 'crm', kind: 'command', key: order.orderNumber, operation: 'projectOrder', payload: order, idempotencyKey: `project:${order.orderNumber}` });

/** The customer, the products (through the connector) and their standard prices (as an admin would). */
async function seedCatalogue(order: Order): Promise<void> {
  const customer = sampleCustomer({ hubId: order.customer.customerId! });
  expect((await connector.deliver([customerItem(customer)], recordingContext()))[0]!.ok).toBe(true);
  const products = order.lines.map((line) =>
    deliveryItem({ target: 'crm', kind: 'state', key: line.sku, operation: 'upsertProduct', payload: sampleProduct({ sku: line.sku, name: line.name }), idempotencyKey: `p:${line.sku}` }),
  );
  const outcomes = await connector.deliver(products, recordingContext());
  const admin = new jsforce.Connection({ instanceUrl: sandbox.url, accessToken: sandbox.createSession(), version: '62.0' });
  for (const [index, outcome] of outcomes.entries()) {
    const productId = (outcome as { externalId: string }).externalId;
    await admin.sobject('PricebookEntry').create({ Pricebook2Id: sandbox.org.standardPricebookId, Product2Id: productId, UnitPrice: Number(order.lines[index]!.unitPrice), IsActive: true });
  }
}

beforeEach(async () => {
  ({ sandbox, connector } = await connectedSandbox());
  await seedCatalogue(sampleOrder());
});

afterEach(async () => {
  await sandbox.close();
});

describe('Salesforce connector: projectOrder (Composite)', () => {
  it('creates the Order and its OrderItems in one call, and a replay changes nothing', async () => {
    const order = sampleOrder();
    // First order: find the standard price book and the SKUs' entries (one query each), then the Composite.
    const before = connector.client.calls.requests;
    const [first] = await connector.deliver([orderItem(order)], recordingContext());
    expect(first).toMatchObject({ ok: true, externalId: expect.stringMatching(/^801/) });
    expect(connector.client.calls.requests - before).toBe(3);
    const stored = recordByExternalId(sandbox, 'Order', order.orderNumber);
    expect(stored).toMatchObject({ Status: 'Draft', EffectiveDate: '2026-11-22', Type: 'Web', TotalAmount: 119.99 + 2 * 14.5 });
    expect(stored!.AccountId).toBe(recordByExternalId(sandbox, 'Account', order.customer.customerId!)!.Id);
    expect(records(sandbox, 'OrderItem').map((item) => item.External_Id__c).sort()).toEqual(['WEB-100234#1', 'WEB-100234#2']);

    const usedBefore = sandbox.org.apiUsage.used;
    const [again] = await connector.deliver([orderItem(order)], recordingContext());
    expect(again).toEqual(first);
    expect(sandbox.org.apiUsage.used - usedBefore).toBe(1);
    expect(records(sandbox, 'Order')).toHaveLength(1);
    expect(records(sandbox, 'OrderItem')).toHaveLength(2);
  });

  it('packs 5 orders per Composite and fails only the order whose customer is unknown', async () => {
    const orders = Array.from({ length: 7 }, (_, index) => sampleOrder({ orderNumber: `WEB-2000${index}` }));
    orders[3] = sampleOrder({ orderNumber: 'WEB-20003', customer: { customerId: 'cus_nobody' } });
    await connector.deliver([orderItem(orders[0]!)], recordingContext()); // warms the price book entry cache
    const before = connector.client.calls.requests;
    const outcomes = await connector.deliver(orders.slice(1).map(orderItem), recordingContext());
    expect(connector.client.calls.requests - before).toBe(2);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false, true, true, true]);
    const failure = (outcomes[2] as { error: PermanentError }).error;
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ code: 'NOT_FOUND', details: { object: 'Account', key: 'cus_nobody' } });
    expect(records(sandbox, 'Order')).toHaveLength(6);
  });

  it('refuses an order with a SKU that has no price book entry, naming the line', async () => {
    const order = sampleOrder({ orderNumber: 'WEB-30000' });
    order.lines[1] = { ...order.lines[1]!, sku: 'NOT-IN-PRICEBOOK' };
    const [outcome] = await connector.deliver([orderItem(order)], recordingContext());
    expect((outcome as { error: PermanentError }).error).toMatchObject({ code: 'PRICEBOOK_ENTRY_MISSING', field: 'lines[2].sku' });
    expect(records(sandbox, 'Order')).toHaveLength(0);
  });
});
