import { afterEach, describe, expect, it } from 'vitest';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { createOperatorDecisions } from '../../console/exceptions/actions.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { DeadLetter } from '../../ports/storage.ts';
import { createReferenceData } from '../reference/projection.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld, type RetailWorldOptions } from '../testing/world.ts';
import { createReturns } from './index.ts';
import { returnsInvariants } from './invariants.ts';
import type { ReturnRecord } from './record.ts';
import { netsuiteDocuments, openReturnCase, paymentRefunds, placeDeliveredOrder, receiveAtWarehouse, salesforceRecord, returnsTestSettings } from './testing.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(options: Partial<RetailWorldOptions> = {}): Promise<RetailWorld> {
  world = await startRetailWorld({ modules: (deps) => [createReferenceData(deps), createReturns(deps)], ...options, settings: returnsTestSettings(options.settings as { returns?: Record<string, unknown> } | undefined) });
  await world.quiet();
  return world;
}

async function returnRecord(w: RetailWorld, rmaNumber: string): Promise<ReturnRecord | undefined> {
  return (await w.deps.records.get<ReturnRecord>(RecordEntity.return, rmaNumber))?.data;
}

async function atStage(w: RetailWorld, rmaNumber: string, stage: string, timeoutMs = 20_000): Promise<ReturnRecord> {
  return eventually(async () => {
    const found = await returnRecord(w, rmaNumber);
    return found?.stage === stage ? found : undefined;
  }, `${rmaNumber} at stage ${stage}`, timeoutMs);
}

/** An order delivered and a return for one of its lines authorized and expected at the warehouse. */
async function authorizedReturn(w: RetailWorld, id: string): Promise<string> {
  await placeDeliveredOrder(w, { orderNumber: `WEB-${id}`, lines: [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }] });
  await openReturnCase(w, { caseNumber: `CASE-${id}`, orderNumber: `WEB-${id}`, description: 'Return 1 unit. reason: damaged' });
  const rma = `RMA-CASE-${id}`;
  await atStage(w, rma, 'awaiting-receipt');
  return rma;
}

async function exactlyOnce(w: RetailWorld, rma: string): Promise<void> {
  const documents = netsuiteDocuments(w, rma);
  expect(documents.memos).toHaveLength(1);
  expect(documents.customerRefunds).toHaveLength(1);
  expect(await paymentRefunds(w, rma)).toMatchObject([{ amount: 6_800, status: 'succeeded' }]);
  const invariants = await returnsInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings });
  expect(invariants['returns.oneMemoOneRefund']?.ok).toBe(true);
}

const paymentsDownFor = (w: RetailWorld, ms: number) => w.sandboxes.payments.faults.set({ downtime: [{ from: Date.now(), to: Date.now() + ms }] });

describe('returns: the refund fails after the credit memo', () => {
  it('keeps the memo, raises REFUND_FAILED, and an operator retry refunds exactly once', async () => {
    const w = await start();
    const rma = await authorizedReturn(w, 'F1');
    paymentsDownFor(w, 10 * 60_000);
    await receiveAtWarehouse(w, rma, [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1, condition: 'damaged' }]);

    const exception = await eventually(async () => (await w.adapters.storage.deadLetters.list({ kind: 'flow', status: 'open' })).find((entry) => entry.error.code === 'REFUND_FAILED'), 'REFUND_FAILED raised', 25_000);
    expect(exception).toMatchObject({ key: rma, context: { awaitsOperator: true, amount: '68.00', currency: 'USD', orderNumber: 'WEB-F1', caseNumber: 'CASE-F1' } });
    // The memo stands; nothing was refunded; the delivery of the refund is dead; the failure is announced.
    expect(netsuiteDocuments(w, rma).memos).toHaveLength(1);
    expect(await paymentRefunds(w, rma)).toHaveLength(0);
    expect(await returnRecord(w, rma)).toMatchObject({ stage: 'refunding', return: { status: 'credited' } });
    const deadRefund = (await w.adapters.storage.deadLetters.list({ kind: 'delivery', target: 'payments', status: 'open' }))[0];
    expect(deadRefund).toMatchObject({ key: rma });
    const failed = await w.adapters.bus.find({ type: 'retail.refund.failed.v1', subject: 'rfd_RMA-CASE-F1', limit: 5 });
    expect(failed).toHaveLength(1);
    expect(validateRetailEvent(failed[0]!.event)).toMatchObject({ ok: true, value: { data: { status: 'failed', amount: '68.00', rmaNumber: rma } } });

    w.sandboxes.payments.faults.set({});
    const decisions = createOperatorDecisions({ storage: w.adapters.storage, bus: w.adapters.bus, clock: Date.now, onUndelivered: () => undefined });
    expect(await decisions.act(exception.id, 'retry', 'operator', 'the payment system is back')).toMatchObject({ outcome: 'done' });

    await atStage(w, rma, 'done');
    await w.quiet();
    await exactlyOnce(w, rma);
    expect(await returnRecord(w, rma)).toMatchObject({ return: { status: 'refunded' }, refund: { route: 'payments' } });
    expect(salesforceRecord(w, 'Case', 'CASE-F1')).toMatchObject({ Status: 'Closed', Description: expect.stringContaining('refunded to the original payment: 68.00 USD') });
    // The dead refund item's own dead letter was superseded by the operator's decision; nothing is left open.
    expect(await w.adapters.storage.deadLetters.get(deadRefund!.id)).toMatchObject({ status: 'resolved' });
    expect(await w.adapters.storage.deadLetters.get(exception.id)).toMatchObject({ status: 'retried' });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });

  it('in compensate mode keeps the memo as credit on the account and asks finance to reverse it', async () => {
    const w = await start({ settings: { returns: { onRefundFailure: 'compensate' } } });
    const rma = await authorizedReturn(w, 'F2');
    paymentsDownFor(w, 10 * 60_000);
    await receiveAtWarehouse(w, rma, [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1, condition: 'sellable' }]);
    const record = await atStage(w, rma, 'done', 25_000);
    w.sandboxes.payments.faults.set({});
    await w.quiet();
    expect(record).toMatchObject({ return: { status: 'credited' }, refund: { route: 'account', amount: '68.00' }, outcome: { code: 'CREDITED_ON_ACCOUNT' } });
    const documents = netsuiteDocuments(w, rma);
    expect(documents.memos).toHaveLength(1);
    expect(documents.memos[0]!.fields).toMatchObject({ amountRemaining: 68 });
    expect(documents.customerRefunds).toHaveLength(0);
    expect(await paymentRefunds(w, rma)).toHaveLength(0);
    const open = await w.adapters.storage.deadLetters.list({ kind: 'flow', status: 'open' });
    expect(open.map((entry: DeadLetter) => entry.error.code)).toEqual(['CREDIT_MEMO_REVERSAL_REQUIRED']);
    expect(salesforceRecord(w, 'Case', 'CASE-F2')).toMatchObject({ Status: 'Closed', Description: expect.stringContaining('credit kept on the customer account: 68.00 USD') });
  });
});

describe('returns: a target down for a while, and a restart', () => {
  it('waits while the payment system is down for a while and refunds once it is back, without an exception', async () => {
    const w = await start({ delivery: { retry: { maxAttempts: 200, initialDelayMs: 20, maxDelayMs: 300 }, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 200 } } });
    const rma = await authorizedReturn(w, 'D1');
    paymentsDownFor(w, 2_500);
    await receiveAtWarehouse(w, rma, [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1, condition: 'opened' }]);
    await atStage(w, rma, 'done', 25_000);
    await w.quiet();
    await exactlyOnce(w, rma);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });

  it('resumes after a restart between the credit memo and the refund, and refunds exactly once', async () => {
    const w = await start({ delivery: { retry: { maxAttempts: 1_000, initialDelayMs: 20, maxDelayMs: 300 }, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 200 } } });
    const rma = await authorizedReturn(w, 'C1');
    paymentsDownFor(w, 10 * 60_000);
    await receiveAtWarehouse(w, rma, [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1, condition: 'sellable' }]);
    await atStage(w, rma, 'refunding');
    // The refund is queued and failing against the down payment system when the hub stops.
    await eventually(async () => (await w.adapters.storage.delivery.find({ key: rma })).find((item) => item.target === 'payments' && item.attempts > 0), 'a refund attempt made');
    expect(netsuiteDocuments(w, rma).memos).toHaveLength(1);
    await w.restartHub();
    w.sandboxes.payments.faults.set({});
    await atStage(w, rma, 'done', 25_000);
    await w.quiet();
    await exactlyOnce(w, rma);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });
});

describe('returns: goods that fail inspection', () => {
  it('credits nothing when the items arrive in a condition not taken back: rejected, RMA closed, case told', async () => {
    const w = await start({ settings: { returns: { allowedConditions: ['sellable', 'opened'] } } });
    const rma = await authorizedReturn(w, 'Q1');
    await receiveAtWarehouse(w, rma, [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1, condition: 'damaged' }]);
    const record = await atStage(w, rma, 'done');
    await w.quiet();
    expect(record).toMatchObject({ return: { status: 'rejected', lines: [{ condition: 'damaged' }] }, outcome: { code: 'CONDITION_NOT_ALLOWED', message: expect.stringContaining('the items arrived damaged') } });
    const documents = netsuiteDocuments(w, rma);
    expect(documents.rma?.fields.status).toMatchObject({ id: 'C' });
    // Closed with the lines it was authorized with.
    expect(documents.rma?.fields.item).toMatchObject({ items: [{ quantity: 1 }] });
    expect(documents.receipts).toHaveLength(0);
    expect(documents.memos).toHaveLength(0);
    expect(await paymentRefunds(w, rma)).toHaveLength(0);
    expect(salesforceRecord(w, 'Case', 'CASE-Q1')).toMatchObject({ Status: 'Closed', Description: expect.stringContaining('return refused: the items arrived damaged') });
    expect(salesforceRecord(w, 'Return__c', rma)).toMatchObject({ Status__c: 'Rejected', Received_Condition__c: 'damaged' });
  });
});
