import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleCustomer, sampleRefund, sampleReturn, sampleShipment } from '../../canonical/fixtures.ts';
import type { Return } from '../../canonical/return.ts';
import type { ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { recordingContext } from '../conformance/harness.ts';
import { bookOrderItem, deliverCommand, deliveredId, sandboxOrder, startNetSuiteFixture, type NetSuiteFixture } from './testing.ts';

let fixture: NetSuiteFixture;
beforeEach(async () => {
  fixture = await startNetSuiteFixture();
});
afterEach(async () => {
  await fixture.close();
});

const store = () => fixture.netsuite.records.store;
const send = (operation: string, key: string, payload: unknown): Promise<ItemOutcome> => deliverCommand(fixture, operation, key, payload);
const idOf = deliveredId;
const refusal = (outcome: ItemOutcome): PermanentError => {
  expect(outcome.ok).toBe(false);
  const { error } = outcome as { error: unknown };
  expect(error).toBeInstanceOf(PermanentError);
  return error as PermanentError;
};

describe('NetSuite connector: writes', () => {
  it('upserts by external id: the same order and customer twice are one record each, with the same internal id', async () => {
    const order = sandboxOrder();
    const first = idOf(await send('bookOrder', order.orderNumber, order));
    const again = idOf(await send('bookOrder', order.orderNumber, { ...order, lines: order.lines.slice(0, 1) }));
    expect(again).toBe(first);
    const booked = store().list('salesOrder').filter((record) => record.externalId === order.orderNumber);
    expect(booked).toHaveLength(1);
    // ?replace=item: the replayed (here: changed) lines replace the old ones instead of being added.
    expect((booked[0]!.fields.item as { items: unknown[] }).items).toHaveLength(1);

    // Not yet in NetSuite: no internal id (the fixture's would name a record the sandbox lacks).
    const customer = sampleCustomer({ hubId: 'cus_TEST_0001', externalIds: {} });
    const created = idOf(await send('upsertCustomer', customer.hubId, customer));
    expect(idOf(await send('upsertCustomer', customer.hubId, { ...customer, name: { ...customer.name, family: 'Smith' } }))).toBe(created);
    expect(store().getByExternalId('customer', 'cus_TEST_0001')?.fields).toMatchObject({ isPerson: true, firstName: 'Jane', lastName: 'Smith', email: 'jane.doe@example.com' });
  });

  it('writes a customer created natively in NetSuite by its internal id: one record, now with the hub external id', async () => {
    const native = store().list('customer').length;
    const created = fixture.netsuite.records.create('customer', { isPerson: true, firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: '+13125550100' });
    expect(created.externalId).toBeUndefined();
    // As the customer poller or backfill reads it: hub id and NetSuite id from the internal id.
    const hubId = `cus_netsuite_${created.id}`;
    const read = sampleCustomer({ hubId, externalIds: { netsuite: created.id }, name: { given: 'Grace', family: 'Hopper', full: 'Grace Hopper' }, emails: [{ address: 'grace@example.com', use: 'other', primary: true }], phones: [{ number: '+13125550199', type: 'mobile', primary: true }] });

    expect(idOf(await send('upsertCustomer', hubId, read))).toBe(created.id);
    const customers = () => store().list('customer');
    expect(customers()).toHaveLength(native + 1);
    const record = store().get('customer', created.id);
    expect(record?.externalId).toBe(hubId);
    expect(record?.fields).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', phone: '+13125550199' });

    // Later writes find the same record by either key.
    expect(idOf(await send('upsertCustomer', hubId, { ...read, name: { ...read.name, family: 'Murray Hopper' } }))).toBe(created.id);
    expect(store().get('customer', created.id)?.fields.lastName).toBe('Murray Hopper');
    expect(idOf(await send('upsertCustomer', hubId, { ...read, externalIds: {} }))).toBe(created.id);
    expect(customers()).toHaveLength(native + 1);
    expect(store().getByExternalId('customer', hubId)?.id).toBe(created.id);
    expect(store().get('customer', created.id)?.fields).toMatchObject({ lastName: 'Hopper' });
  });

  it('refuses to recreate a customer deleted in NetSuite, and to take an external id another customer holds', async () => {
    const created = fixture.netsuite.records.create('customer', { companyName: 'Gone Ltd' });
    fixture.netsuite.records.delete(created);
    const before = store().list('customer').length;
    const gone = sampleCustomer({ hubId: `cus_netsuite_${created.id}`, externalIds: { netsuite: created.id } });
    const deleted = refusal(await send('upsertCustomer', gone.hubId, gone));
    expect(deleted).toMatchObject({ code: 'NONEXISTENT_ID', field: 'externalIds.netsuite', system: 'netsuite' });
    expect(deleted.message).toMatch(/deleted or merged in NetSuite/);
    expect(store().list('customer')).toHaveLength(before);

    // The hub id already names another NetSuite customer (a duplicate made before this fix): NetSuite's refusal, not a merge.
    const native = fixture.netsuite.records.create('customer', { companyName: 'Native Ltd' });
    fixture.netsuite.records.create('customer', { companyName: 'Native Ltd (hub copy)' }, 'cus_DUPLICATE');
    const taken = refusal(await send('upsertCustomer', 'cus_DUPLICATE', sampleCustomer({ hubId: 'cus_DUPLICATE', externalIds: { netsuite: native.id } })));
    expect(taken).toMatchObject({ code: 'USER_ERROR', field: 'externalId' });
    expect(store().get('customer', native.id)?.externalId).toBeUndefined();
  });

  it('runs an order through fulfilment, invoice, return, credit memo and refund, each once however often it is delivered', async () => {
    const order = sandboxOrder();
    const soId = idOf(await send('bookOrder', order.orderNumber, order));

    const shipment = sampleShipment({ shipmentNumber: `SHP-${order.orderNumber}`, orderNumber: order.orderNumber, fromLocationCode: 'WH-EAST', lines: [{ orderLineNumber: 1, sku: 'TSHIRT-BLK-M', quantity: 2 }] });
    const fulfilmentId = idOf(await send('recordFulfillment', shipment.shipmentNumber, shipment));
    expect(idOf(await send('recordFulfillment', shipment.shipmentNumber, shipment))).toBe(fulfilmentId);
    expect(store().list('itemFulfillment')).toHaveLength(1);
    expect(store().get('salesOrder', soId)?.fields.status).toMatchObject({ id: 'E', refName: 'Pending Billing/Partially Fulfilled' });

    const invoiceNumber = `INV-${order.orderNumber}`;
    const invoice = { invoiceNumber, orderNumber: order.orderNumber, customerId: 'CUST-WEB-001', issuedAt: '2026-11-23T09:00:00Z', dueDate: '2026-12-23', currency: 'USD', lines: [{ lineNumber: 1, sku: 'TSHIRT-BLK-M', description: 'T-shirt', quantity: 2, unitPrice: '19.90', taxAmount: '0.00', lineTotal: '39.80' }], totals: { subtotal: '39.80', taxTotal: '0.00', grandTotal: '39.80' }, status: 'open', amountPaid: '0.00' };
    const invoiceId = idOf(await send('createInvoice', invoiceNumber, invoice));
    expect(idOf(await send('createInvoice', invoiceNumber, invoice))).toBe(invoiceId);
    expect(store().get('invoice', invoiceId)?.fields.total).toBe(39.8);

    const requested: Return = sampleReturn({ rmaNumber: `RMA-${order.orderNumber}`, orderNumber: order.orderNumber, status: 'requested', returnLocationCode: 'WH-EAST', lines: [{ orderLineNumber: 1, sku: 'TSHIRT-BLK-M', quantity: 1, reason: 'size-or-fit' }] });
    const rmaId = idOf(await send('authorizeReturn', requested.rmaNumber, requested));

    // The ERP refuses a credit memo against a return nobody approved: a value, with NetSuite's code and words.
    const premature = refusal(await send('issueCreditMemo', requested.rmaNumber, requested));
    expect(premature.code).toBe('USER_ERROR');
    expect(premature.field).toBe('createdFrom');
    expect(premature.message).toMatch(/Pending Approval; a credit memo requires an approved return authorization/);
    expect(store().list('creditMemo')).toHaveLength(0);

    const authorized = { ...requested, status: 'authorized' as const };
    expect(idOf(await send('authorizeReturn', authorized.rmaNumber, authorized))).toBe(rmaId);
    const receiptId = idOf(await send('receiveReturn', authorized.rmaNumber, authorized));
    expect(idOf(await send('receiveReturn', authorized.rmaNumber, authorized))).toBe(receiptId);
    const memoId = idOf(await send('issueCreditMemo', authorized.rmaNumber, authorized));
    expect(idOf(await send('issueCreditMemo', authorized.rmaNumber, authorized))).toBe(memoId);
    expect(store().get('creditMemo', memoId)?.fields).toMatchObject({ total: 19.9, amountRemaining: 19.9 });

    const tooMuch = sampleRefund({ hubId: 'rfd_TOO_MUCH', rmaNumber: authorized.rmaNumber, amount: '25.00' });
    const overRefund = refusal(await send('issueCustomerRefund', tooMuch.hubId, tooMuch));
    expect(overRefund).toMatchObject({ code: 'USER_ERROR', field: 'apply.items[0].amount' });

    const refund = sampleRefund({ hubId: 'rfd_OK', rmaNumber: authorized.rmaNumber, amount: '19.90' });
    const refundId = idOf(await send('issueCustomerRefund', refund.hubId, refund));
    expect(idOf(await send('issueCustomerRefund', refund.hubId, refund))).toBe(refundId);
    expect(store().list('customerRefund')).toHaveLength(1);
    expect(store().get('creditMemo', memoId)?.fields.amountRemaining).toBe(0);
  });

  it('credits a return at the price paid (unitPrice) and closes a cancelled return authorization', async () => {
    const order = sandboxOrder();
    idOf(await send('bookOrder', order.orderNumber, order));
    const line = { orderLineNumber: 1, sku: 'TSHIRT-BLK-M', quantity: 1, reason: 'size-or-fit' as const };
    const paid: Return = sampleReturn({ rmaNumber: `RMA-P-${order.orderNumber}`, orderNumber: order.orderNumber, status: 'authorized', returnLocationCode: 'WH-EAST', lines: [{ ...line, unitPrice: '17.25' }] });
    const rmaId = idOf(await send('authorizeReturn', paid.rmaNumber, paid));
    expect(store().get('returnAuthorization', rmaId)?.fields.item).toMatchObject({ items: [{ rate: 17.25, amount: 17.25 }] });
    idOf(await send('receiveReturn', paid.rmaNumber, paid));
    const memoId = idOf(await send('issueCreditMemo', paid.rmaNumber, paid));
    expect(store().get('creditMemo', memoId)?.fields).toMatchObject({ total: 17.25 });

    const expired: Return = sampleReturn({ rmaNumber: `RMA-X-${order.orderNumber}`, orderNumber: order.orderNumber, status: 'authorized', returnLocationCode: 'WH-EAST', lines: [line] });
    const expiredId = idOf(await send('authorizeReturn', expired.rmaNumber, expired));
    expect(idOf(await send('authorizeReturn', expired.rmaNumber, { ...expired, status: 'cancelled', statusReason: 'nothing received within 14 days' }))).toBe(expiredId);
    expect(store().get('returnAuthorization', expiredId)?.fields.status).toMatchObject({ id: 'C', refName: 'Cancelled' });
  });

  it('names the missing reference of a refund without a return, and an operation it does not know', async () => {
    const refund = sampleRefund({ hubId: 'rfd_NO_RMA' });
    delete refund.rmaNumber;
    expect(refusal(await send('issueCustomerRefund', refund.hubId, refund))).toMatchObject({ code: 'MISSING_FIELD', field: 'rmaNumber' });
    expect(refusal(await send('shipToMoon', 'x', {}))).toMatchObject({ code: 'UNKNOWN_OPERATION' });
    const [outcome] = await fixture.connector.deliver([bookOrderItem(sandboxOrder({ customer: {} }))], recordingContext());
    // A guest order without a configured guest customer: NetSuite's own refusal names the field.
    expect(refusal(outcome!)).toMatchObject({ code: 'USER_ERROR', field: 'entity' });
  });
});
