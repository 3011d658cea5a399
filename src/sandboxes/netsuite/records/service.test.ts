import { describe, expect, it } from 'vitest';
import { NetSuiteApiError } from '../errors.ts';
import { customerFinancials } from './balances.ts';
import { refId, sublistLines } from './fields.ts';
import { quantityOnHand } from './rules/stock.ts';
import { RecordService } from './service.ts';
import { RecordStore } from './store.ts';

function account() {
  const records = new RecordService(new RecordStore(() => Date.UTC(2026, 10, 23, 9, 0, 0)));
  const warehouse = records.create('location', { name: 'Warehouse' });
  const item = records.create('inventoryItem', {
    itemId: 'SKU-1',
    basePrice: 10,
    locations: { items: [{ location: { id: warehouse.id }, quantityOnHand: 5 }] },
  });
  const customer = records.create('customer', { companyName: 'Acme', creditLimit: 100 });
  const order = records.create('salesOrder', {
    entity: { id: customer.id },
    location: { id: warehouse.id },
    item: { items: [{ item: { id: item.id }, quantity: 3 }] },
  });
  return { records, warehouse, item, customer, order };
}

function failure(action: () => unknown): NetSuiteApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof NetSuiteApiError) return error;
    throw error;
  }
  throw new Error('expected a NetSuite error');
}

describe('sales orders', () => {
  it('prices lines from the item, totals them and starts Pending Fulfillment', () => {
    const { order } = account();
    expect(order.fields.total).toBe(30);
    expect(order.fields.status).toEqual({ id: 'B', refName: 'Pending Fulfillment' });
    expect(order.fields.tranId).toBe('SO1');
  });

  it('rejects an unknown customer and an unknown item with INVALID_CONTENT at the field path', () => {
    const { records, customer } = account();
    const noCustomer = failure(() => records.create('salesOrder', { entity: { id: '999' }, item: { items: [{ item: { id: '1' }, quantity: 1 }] } }));
    expect(noCustomer.toBody()['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'entity' });
    const noItem = failure(() => records.create('salesOrder', { entity: { id: customer.id }, item: { items: [{ item: { id: '999' }, quantity: 1 }] } }));
    expect(noItem.toBody()['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'item.items[0].item' });
  });
});

describe('item fulfilment', () => {
  it('decrements on-hand stock at the location and marks the order line fulfilled', () => {
    const { records, order, item, warehouse } = account();
    records.create('itemFulfillment', { createdFrom: { id: order.id }, item: { items: [{ orderLine: 1, quantity: 2 }] } });
    expect(quantityOnHand(records.store.get('inventoryItem', item.id)!, warehouse.id)).toBe(3);
    const line = sublistLines(records.store.get('salesOrder', order.id)!.fields, 'item')[0];
    expect(line?.quantityFulfilled).toBe(2);
    expect(records.store.get('salesOrder', order.id)?.fields.status).toMatchObject({ id: 'E' });
  });

  it('cannot ship more than remains on the order, and leaves stock untouched when refused', () => {
    const { records, order, item, warehouse } = account();
    records.create('itemFulfillment', { createdFrom: { id: order.id }, item: { items: [{ orderLine: 1, quantity: 2 }] } });
    const error = failure(() => records.create('itemFulfillment', { createdFrom: { id: order.id }, item: { items: [{ orderLine: 1, quantity: 2 }] } }));
    expect(error.errorCode).toBe('USER_ERROR');
    expect(error.details[0]?.['o:errorPath']).toBe('item.items[0].quantity');
    expect(quantityOnHand(records.store.get('inventoryItem', item.id)!, warehouse.id)).toBe(3);
  });

  it('refuses to ship more than is on hand', () => {
    const { records, customer, item, warehouse } = account();
    const big = records.create('salesOrder', { entity: { id: customer.id }, location: { id: warehouse.id }, item: { items: [{ item: { id: item.id }, quantity: 9 }] } });
    expect(failure(() => records.create('itemFulfillment', { createdFrom: { id: big.id } })).message).toMatch(/Insufficient inventory/);
  });

  it('gives the stock back when a fulfilment is deleted', () => {
    const { records, order, item, warehouse } = account();
    const shipment = records.create('itemFulfillment', { createdFrom: { id: order.id } });
    expect(quantityOnHand(records.store.get('inventoryItem', item.id)!, warehouse.id)).toBe(2);
    records.delete(shipment);
    expect(quantityOnHand(records.store.get('inventoryItem', item.id)!, warehouse.id)).toBe(5);
  });
});

describe('invoices and credit', () => {
  it('bills the shipped quantity and counts it in the customer balance', () => {
    const { records, order, customer } = account();
    records.create('itemFulfillment', { createdFrom: { id: order.id }, item: { items: [{ orderLine: 1, quantity: 2 }] } });
    const invoice = records.create('invoice', { createdFrom: { id: order.id } });
    expect(invoice.fields.total).toBe(20);
    expect(customerFinancials(records.store, customer.id)).toEqual({ balance: 20, unbilledOrders: 10, onCreditHold: false });
  });

  it('puts a customer over its credit limit on hold (creditHoldOverride AUTO)', () => {
    const { records, customer, item } = account();
    records.create('salesOrder', { entity: { id: customer.id }, item: { items: [{ item: { id: item.id }, quantity: 10 }] } });
    expect(customerFinancials(records.store, customer.id).onCreditHold).toBe(true);
  });
});

describe('returns, credit memos and refunds', () => {
  function shippedAndReturned() {
    const base = account();
    base.records.create('itemFulfillment', { createdFrom: { id: base.order.id } });
    const rma = base.records.create('returnAuthorization', { createdFrom: { id: base.order.id }, item: { items: [{ item: { id: base.item.id }, quantity: 2, rate: 10 }] } });
    return { ...base, rma };
  }

  it('refuses a credit memo against a return authorization pending approval', () => {
    const { records, rma } = shippedAndReturned();
    const error = failure(() => records.create('creditMemo', { createdFrom: { id: rma.id } }));
    expect(error.status).toBe(400);
    expect(error.toBody()).toMatchObject({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
      title: 'Bad Request',
      status: 400,
      'o:errorDetails': [{ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'createdFrom' }],
    });
    expect(error.message).toMatch(/Pending Approval/);
  });

  it('refuses a credit memo before the returned items are received, accepts it after', () => {
    const { records, rma, item, warehouse } = shippedAndReturned();
    records.update(rma, { orderStatus: 'B' });
    expect(failure(() => records.create('creditMemo', { createdFrom: { id: rma.id } })).message).toMatch(/no received items/);
    records.create('itemReceipt', { createdFrom: { id: rma.id }, item: { items: [{ orderLine: 1, quantity: 2, location: { id: warehouse.id } }] } });
    expect(quantityOnHand(records.store.get('inventoryItem', item.id)!, warehouse.id)).toBe(4);
    const memo = records.create('creditMemo', { createdFrom: { id: rma.id } });
    expect(memo.fields).toMatchObject({ total: 20, amountRemaining: 20 });
    expect(records.store.get('returnAuthorization', rma.id)?.fields.status).toMatchObject({ id: 'G', refName: 'Refunded' });
  });

  it('refunds at most the unapplied amount of the credit memo', () => {
    const { records, rma, warehouse, customer } = shippedAndReturned();
    records.update(rma, { orderStatus: 'B' });
    records.create('itemReceipt', { createdFrom: { id: rma.id }, location: { id: warehouse.id } });
    const memo = records.create('creditMemo', { createdFrom: { id: rma.id } });
    const tooMuch = failure(() => records.create('customerRefund', { customer: { id: customer.id }, apply: { items: [{ doc: { id: memo.id }, amount: 25 }] } }));
    expect(tooMuch.message).toMatch(/exceeds the unapplied amount 20.00/);
    const refund = records.create('customerRefund', { createdFrom: { id: memo.id }, total: 15 });
    expect(refId(refund.fields.customer)).toBe(customer.id);
    expect(records.store.get('creditMemo', memo.id)?.fields.amountRemaining).toBe(5);
    expect(failure(() => records.create('customerRefund', { createdFrom: { id: memo.id }, total: 6 })).errorCode).toBe('USER_ERROR');
  });
});

describe('upsert by external id', () => {
  it('creates once and then updates the same record', () => {
    const { records } = account();
    const first = records.upsert('customer', 'SF-001', { companyName: 'Globex' });
    const second = records.upsert('customer', 'SF-001', { companyName: 'Globex Corp' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.record.id).toBe(first.record.id);
    expect(records.store.list('customer').filter((c) => c.externalId === 'SF-001')).toHaveLength(1);
    expect(records.store.getByExternalId('customer', 'SF-001')?.fields.companyName).toBe('Globex Corp');
  });
});
