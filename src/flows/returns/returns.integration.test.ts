import { afterEach, describe, expect, it } from 'vitest';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import type { Return } from '../../canonical/return.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { RetailFlowModule } from '../module.ts';
import { createReferenceData } from '../reference/projection.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { createReturns } from './index.ts';
import { returnsInvariants } from './invariants.ts';
import type { ReturnRecord } from './record.ts';
import {
  netsuiteDocuments,
  openReturnCase,
  paymentRefunds,
  placeDeliveredOrder,
  placeDeliveredStorefrontOrder,
  receiveAtWarehouse,
  refundInStorefront,
  returnsTestSettings,
  salesforceRecord,
  shopifyRefunds,
  wmsReceipt,
} from './testing.ts';

let world: RetailWorld | undefined;
let returns: RetailFlowModule | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(settings: { returns?: Record<string, unknown> } = {}): Promise<RetailWorld> {
  world = await startRetailWorld({
    settings: returnsTestSettings(settings),
    modules: (deps) => {
      returns = createReturns(deps);
      return [createReferenceData(deps), returns];
    },
  });
  await world.quiet();
  return world;
}

async function returnRecord(w: RetailWorld, rmaNumber: string): Promise<ReturnRecord | undefined> {
  return (await w.deps.records.get<ReturnRecord>(RecordEntity.return, rmaNumber))?.data;
}

async function settled(w: RetailWorld, rmaNumber: string, stage: string): Promise<ReturnRecord> {
  const record = await eventually(async () => {
    const found = await returnRecord(w, rmaNumber);
    return found?.stage === stage ? found : undefined;
  }, `${rmaNumber} at stage ${stage}`, 20_000);
  await w.quiet();
  return record;
}

async function events(w: RetailWorld, type: string, subject: string): Promise<Return[]> {
  return (await w.adapters.bus.find({ type, subject, limit: 10 })).map((entry) => entry.event.data as Return);
}

describe('returns: a service case, end to end', () => {
  it('authorizes, receives, credits and refunds once, with the case and the CRM return updated at each milestone', async () => {
    const w = await start();
    const { paymentIntent } = await placeDeliveredOrder(w, { orderNumber: 'WEB-R1001', lines: [{ sku: 'TRAIL-RUNNER-42-BLU', quantity: 1 }, { sku: 'TRAIL-TEE-M-BLK', quantity: 2 }] });
    await openReturnCase(w, { caseNumber: 'CASE-R1001', orderNumber: 'WEB-R1001', description: 'Customer wants to return 2 unit(s) of sku: TRAIL-TEE-M-BLK; reason: does-not-fit.' });
    const rma = 'RMA-CASE-R1001';
    await settled(w, rma, 'awaiting-receipt');

    // Authorized: approved in NetSuite at the price paid, expected in the WMS, the case working on it.
    const authorized = netsuiteDocuments(w, rma);
    expect(authorized.rma?.fields.status).toMatchObject({ id: 'B', refName: 'Pending Receipt' });
    expect(authorized.rma?.fields.item).toMatchObject({ items: [{ quantity: 2, rate: 24 }] });
    expect(authorized.memos).toHaveLength(0);
    expect(await wmsReceipt(w, rma)).toMatchObject({ status: 'expected', lines: [{ sku: 'TRAIL-TEE-M-BLK', quantityExpected: 2 }] });
    expect(salesforceRecord(w, 'Case', 'CASE-R1001')).toMatchObject({ Status: 'Working', Description: expect.stringContaining('RMA-CASE-R1001 authorized: send the items to DC-EAST') });
    expect(salesforceRecord(w, 'Return__c', rma)).toMatchObject({ Status__c: 'Authorized', Reason__c: 'No Longer Needed' });
    expect(await events(w, 'retail.return.authorized.v1', rma)).toMatchObject([{ status: 'authorized', caseNumber: 'CASE-R1001', lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2, unitPrice: '24.00', reason: 'size-or-fit' }] }]);

    await receiveAtWarehouse(w, rma, [{ sku: 'TRAIL-TEE-M-BLK', quantity: 2, condition: 'opened' }]);
    const record = await settled(w, rma, 'done');

    const done = netsuiteDocuments(w, rma);
    expect(done.receipts).toHaveLength(1);
    expect(done.memos).toHaveLength(1);
    expect(done.memos[0]!.fields).toMatchObject({ total: 48, amountRemaining: 0 });
    expect(done.customerRefunds).toHaveLength(1);
    expect(done.rma?.fields.status).toMatchObject({ refName: 'Refunded' });
    const refunds = await paymentRefunds(w, rma);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: 4_800, status: 'succeeded', payment_intent: paymentIntent, metadata: { crossdock_refund_id: 'rfd_RMA-CASE-R1001' } });
    expect(salesforceRecord(w, 'Case', 'CASE-R1001')).toMatchObject({
      Status: 'Closed',
      Description: expect.stringMatching(/^Customer wants to return[\s\S]*authorized[\s\S]*items received[\s\S]*credit memo issued for 48.00 USD[\s\S]*refunded to the original payment: 48.00 USD$/),
    });
    expect(salesforceRecord(w, 'Return__c', rma)).toMatchObject({ Status__c: 'Refunded', Received_Condition__c: 'opened' });
    expect(record).toMatchObject({ return: { status: 'refunded', creditMemoId: done.memos[0]!.id, refundIds: ['rfd_RMA-CASE-R1001'] }, refund: { route: 'payments', amount: '48.00', processorRefundId: refunds[0]!.id } });
    expect(await events(w, 'retail.return.credited.v1', rma)).toHaveLength(1);
    expect((await w.adapters.bus.find({ type: 'retail.refund.issued.v1', subject: 'rfd_RMA-CASE-R1001', limit: 5 })).map((entry) => entry.event.data)).toMatchObject([
      { status: 'issued', amount: '48.00', processor: { name: 'stripe', reference: refunds[0]!.id } },
    ]);

    expect(await returns!.report!()).toEqual({ 'returns.requested': 1, 'returns.authorized': 1, 'returns.received': 1, 'returns.refunded': 1, 'returns.rejected': 0, 'returns.expired': 0 });
    expect(await returnsInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings })).toEqual({
      'returns.oneMemoOneRefund': { ok: true, details: { refundedReturns: 1, creditMemos: 1, paymentRefunds: 1, offending: 0 } },
    });
    // No exception was raised on the way; every event the flows emitted is a valid catalogue event.
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    for (const type of ['retail.return.requested.v1', 'retail.return.authorized.v1', 'retail.return.credited.v1', 'retail.refund.issued.v1']) {
      const [logged] = await w.adapters.bus.find({ type, limit: 1 });
      expect(validateRetailEvent(logged!.event), type).toMatchObject({ ok: true });
    }

    // Someone refunds the same return again straight in the payment system: the invariant says so.
    const { url, secretKey } = w.sandboxes.directory.payments;
    const stray = await fetch(`${url}/v1/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_intent: paymentIntent!, amount: '100', 'metadata[rma_number]': rma }).toString(),
    });
    expect(stray.status).toBe(200);
    expect(await returnsInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings })).toEqual({
      'returns.oneMemoOneRefund': { ok: false, details: { refundedReturns: 1, creditMemos: 1, paymentRefunds: 2, offending: 1, examples: [{ rmaNumber: rma, memos: 1, refunds: 2, expected: '1 memo, 1 refund' }] } },
    });
  });
});

describe('returns: a storefront return the storefront already refunded', () => {
  it('books RMA, receipt, credit memo and customer refund in the ERP and refunds nothing twice', async () => {
    const w = await start();
    const { order, shopifyOrderId, lineItemIds } = await placeDeliveredStorefrontOrder(w, [{ sku: 'CANVAS-CAP-NVY', quantity: 2 }]);
    await refundInStorefront(w, { shopifyOrderId, lineItemId: lineItemIds[0]!, quantity: 1, amount: '19.50', note: 'Return: damaged', key: `return-${order.orderNumber}` });
    await w.quiet();
    const rma = await eventually(async () => (await w.deps.records.match<ReturnRecord>(RecordEntity.return, [`order:${order.orderNumber}`]))[0]?.key, 'the storefront return recorded');
    const record = await settled(w, rma, 'done');

    expect(record).toMatchObject({ origin: 'storefront', return: { status: 'refunded', method: 'in-store', lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50', reason: 'damaged' }] }, refund: { route: 'storefront', amount: '19.50' } });
    const documents = netsuiteDocuments(w, rma);
    expect(documents.rma?.fields.status).toMatchObject({ refName: 'Refunded' });
    expect(documents.receipts).toHaveLength(1);
    expect(documents.memos).toHaveLength(1);
    expect(documents.memos[0]!.fields).toMatchObject({ total: 19.5, amountRemaining: 0 });
    expect(documents.customerRefunds).toHaveLength(1);
    // The money went back in the storefront: no refund through the payment system, no parcel expected at the DC.
    expect(await paymentRefunds(w)).toHaveLength(0);
    expect(await wmsReceipt(w, rma)).toBeUndefined();
    expect(salesforceRecord(w, 'Return__c', rma)).toMatchObject({ Status__c: 'Refunded' });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect((await returnsInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings }))['returns.oneMemoOneRefund']).toMatchObject({
      ok: true,
      details: { refundedReturns: 1, creditMemos: 1, paymentRefunds: 0 },
    });
  });
});

describe('returns: a service case for an order paid in the storefront', () => {
  it('refunds through the storefront that took the money, once, and does not take that refund for a new return', async () => {
    const w = await start();
    const { order } = await placeDeliveredStorefrontOrder(w, [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1 }]);
    await openReturnCase(w, { caseNumber: 'CASE-S1', orderNumber: order.orderNumber, description: 'Return 1 unit. reason: wrong-item' });
    const rma = 'RMA-CASE-S1';
    await settled(w, rma, 'awaiting-receipt');
    await receiveAtWarehouse(w, rma, [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1, condition: 'sellable' }]);
    const record = await settled(w, rma, 'done');

    expect(record).toMatchObject({ return: { status: 'refunded' }, refund: { route: 'commerce', amount: '24.00' } });
    const storefront = await shopifyRefunds(w);
    expect(storefront).toMatchObject([{ note: `Crossdock return ${rma}`, amountCents: 2_400 }]);
    expect(await paymentRefunds(w)).toHaveLength(0);
    const documents = netsuiteDocuments(w, rma);
    expect(documents.memos).toHaveLength(1);
    expect(documents.customerRefunds).toHaveLength(1);
    // The storefront's refunds/create webhook for the hub's own refund made no second return.
    expect(await w.adapters.bus.find({ type: 'retail.refund.issued.v1', limit: 10 })).toHaveLength(2);
    expect(await w.deps.records.match(RecordEntity.return, [`order:${order.orderNumber}`])).toHaveLength(1);
    expect(salesforceRecord(w, 'Case', 'CASE-S1')).toMatchObject({ Status: 'Closed', Description: expect.stringContaining('refunded to the original payment: 24.00 USD') });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });
});

describe('returns: ineligible requests', () => {
  it('refuses outside the window (per category), not delivered, already returned and a condition not taken back, with the reason on the case', async () => {
    const w = await start({ returns: { windowDays: { default: 30, byCategory: { Footwear: 60 } } } });
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await placeDeliveredOrder(w, { orderNumber: 'WEB-I1', lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1 }, { sku: 'TRAIL-RUNNER-42-BLU', quantity: 1 }], deliver: { occurredAt: fortyDaysAgo } });
    await placeDeliveredOrder(w, { orderNumber: 'WEB-I2', lines: [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }], deliver: false });
    await placeDeliveredOrder(w, { orderNumber: 'WEB-I3', lines: [{ sku: 'MERINO-SOCK-M-GRY', quantity: 2 }] });
    await openReturnCase(w, { caseNumber: 'CASE-I1A', orderNumber: 'WEB-I1', description: 'Return 1 unit, sku: TRAIL-TEE-M-BLK. reason: changed-mind' });
    await openReturnCase(w, { caseNumber: 'CASE-I1B', orderNumber: 'WEB-I1', description: 'Return 1 unit, sku: TRAIL-RUNNER-42-BLU. reason: changed-mind' });
    await openReturnCase(w, { caseNumber: 'CASE-I2', orderNumber: 'WEB-I2', description: 'Return 1 unit. reason: damaged' });
    await openReturnCase(w, { caseNumber: 'CASE-I3A', orderNumber: 'WEB-I3', description: 'Return 2 units. reason: wrong-item' });
    await settled(w, 'RMA-CASE-I3A', 'awaiting-receipt');
    await openReturnCase(w, { caseNumber: 'CASE-I3B', orderNumber: 'WEB-I3', description: 'Return 1 unit. reason: wrong-item' });
    await openReturnCase(w, { caseNumber: 'CASE-I4', orderNumber: 'WEB-I3', description: 'Return 1 unit, condition: missing-parts' });

    const refusals = {
      'CASE-I1A': { code: 'OUTSIDE_RETURN_WINDOW', words: /delivered on .*; Apparel is taken back for 30 days/ },
      'CASE-I2': { code: 'NOT_DELIVERED', words: /has not been delivered/ },
      'CASE-I3B': { code: 'ALREADY_RETURNED', words: /2 of the 2 delivered already returned \(RMA-CASE-I3A\)/ },
      'CASE-I4': { code: 'CONDITION_NOT_ALLOWED', words: /condition "missing-parts" is not taken back/ },
    };
    for (const [caseNumber, expected] of Object.entries(refusals)) {
      const rma = `RMA-${caseNumber}`;
      const record = await settled(w, rma, 'done');
      expect(record).toMatchObject({ return: { status: 'rejected' }, outcome: { code: expected.code } });
      expect(record.outcome!.message).toMatch(expected.words);
      expect(salesforceRecord(w, 'Case', caseNumber)).toMatchObject({ Status: 'Closed', Description: expect.stringMatching(/return refused: /) });
      expect(String(salesforceRecord(w, 'Case', caseNumber)!.Description)).toMatch(expected.words);
      expect(salesforceRecord(w, 'Return__c', rma)).toMatchObject({ Status__c: 'Rejected' });
      expect(netsuiteDocuments(w, rma).rma).toBeUndefined();
      expect(await events(w, 'retail.return.rejected.v1', rma)).toMatchObject([{ status: 'rejected', statusReason: expect.stringMatching(expected.words) }]);
      const [rejected] = await w.adapters.bus.find({ type: 'retail.return.rejected.v1', subject: rma, limit: 1 });
      expect(validateRetailEvent(rejected!.event)).toMatchObject({ ok: true });
    }
    // Footwear has 60 days: the other line of the same order is authorized.
    await settled(w, 'RMA-CASE-I1B', 'awaiting-receipt');
    expect(netsuiteDocuments(w, 'RMA-CASE-I1B').rma?.fields.status).toMatchObject({ id: 'B' });
    expect(await returns!.report!()).toMatchObject({ 'returns.requested': 6, 'returns.authorized': 2, 'returns.rejected': 4, 'returns.refunded': 0 });
  });
});
