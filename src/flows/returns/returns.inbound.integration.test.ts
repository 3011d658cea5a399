import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { createReferenceData } from '../reference/projection.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld, type RetailWorldOptions } from '../testing/world.ts';
import { createReturns } from './index.ts';
import { returnsInvariants } from './invariants.ts';
import { nearExpiryPanel } from './panels.ts';
import type { ReturnRecord } from './record.ts';
import { netsuiteDocuments, openReturnCase, paymentRefunds, placeDeliveredOrder, receiveAtWarehouse, salesforceRecord, wmsReceipt, returnsTestSettings } from './testing.ts';

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

async function atStage(w: RetailWorld, rmaNumber: string, stage: string, timeoutMs = 20_000): Promise<ReturnRecord> {
  return eventually(async () => {
    const found = (await w.deps.records.get<ReturnRecord>(RecordEntity.return, rmaNumber))?.data;
    return found?.stage === stage ? found : undefined;
  }, `${rmaNumber} at stage ${stage}`, timeoutMs);
}

async function openFlowExceptions(w: RetailWorld): Promise<string[]> {
  return (await w.adapters.storage.deadLetters.list({ kind: 'flow', status: 'open' })).map((entry) => `${entry.error.code}@${entry.key}`);
}

async function again(w: RetailWorld, type: string, subject: string): Promise<void> {
  const [first] = await w.adapters.bus.find({ type, subject, limit: 1 });
  if (!first) throw new Error(`no ${type} for ${subject} in the log`);
  const copy: CloudEvent = { ...first.event, id: `${first.event.id}-again` };
  await w.publish([copy]);
}

describe('returns: duplicate and repeated inbound events', () => {
  it('makes one RMA, one memo and one refund of a case seen twice, a request seen twice and a receipt webhook sent twice; a second parcel is flagged, not credited', async () => {
    const w = await start({ sandboxes: { faults: { wms: { webhooks: { duplicateRate: 1 } } } } });
    await placeDeliveredOrder(w, { orderNumber: 'WEB-U1', lines: [{ sku: 'RAIN-JACKET-M-NVY', quantity: 2 }] });
    await openReturnCase(w, { caseNumber: 'CASE-U1', orderNumber: 'WEB-U1', description: 'Return 2 units. reason: defective' });
    const rma = 'RMA-CASE-U1';
    await atStage(w, rma, 'awaiting-receipt');
    // The case polled again after a change, and the request redelivered under another id.
    await again(w, 'retail.case.updated.v1', 'CASE-U1');
    await again(w, 'retail.return.requested.v1', rma);
    await w.quiet();
    expect(await w.adapters.bus.find({ type: 'retail.return.requested.v1', subject: rma, limit: 10 })).toHaveLength(2);

    await receiveAtWarehouse(w, rma, [{ sku: 'RAIN-JACKET-M-NVY', quantity: 1, condition: 'defective' }]);
    await atStage(w, rma, 'done');
    await w.quiet();
    // The WMS sent the receipt webhook twice: one event in the log.
    expect(await w.adapters.bus.find({ type: 'retail.return.received.v1', subject: rma, limit: 10 })).toHaveLength(1);
    const documents = netsuiteDocuments(w, rma);
    expect(documents.rma).toBeDefined();
    expect(w.sandboxes.netsuite.records.store.list('returnAuthorization')).toHaveLength(1);
    expect(documents.memos).toHaveLength(1);
    expect(documents.memos[0]!.fields).toMatchObject({ total: 149 });
    expect(await paymentRefunds(w, rma)).toMatchObject([{ amount: 14_900 }]);
    expect(await wmsReceipt(w, rma)).toMatchObject({ status: 'partially_received' });

    // The second parcel of the same RMA comes later: not credited, raised for an operator.
    await receiveAtWarehouse(w, rma, [{ sku: 'RAIN-JACKET-M-NVY', quantity: 1, condition: 'sellable' }]);
    await w.quiet();
    expect(await openFlowExceptions(w)).toEqual([`FURTHER_RECEIPT_NOT_CREDITED@${rma}`]);
    expect(netsuiteDocuments(w, rma).memos).toHaveLength(1);
    expect(await paymentRefunds(w, rma)).toHaveLength(1);
    expect((await returnsInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings }))['returns.oneMemoOneRefund']?.ok).toBe(true);
  });
});

describe('returns: throttling', () => {
  it('rides out a 429 storm at the ERP, the CRM and the payment system', async () => {
    const w = await start();
    await placeDeliveredOrder(w, { orderNumber: 'WEB-T1', lines: [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }] });
    const storm = ['netsuite', 'salesforce', 'payments'] as const;
    for (const system of storm) w.sandboxes[system].faults.set({ errorRates: { 429: 0.3 } });
    await openReturnCase(w, { caseNumber: 'CASE-T1', orderNumber: 'WEB-T1', description: 'Return 1 unit. reason: damaged' });
    const rma = 'RMA-CASE-T1';
    await atStage(w, rma, 'awaiting-receipt', 30_000);
    await receiveAtWarehouse(w, rma, [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1, condition: 'sellable' }]);
    await atStage(w, rma, 'done', 30_000);
    for (const system of storm) w.sandboxes[system].faults.set({});
    await w.quiet();
    expect(netsuiteDocuments(w, rma).memos).toHaveLength(1);
    expect(netsuiteDocuments(w, rma).customerRefunds).toHaveLength(1);
    expect(await paymentRefunds(w, rma)).toMatchObject([{ amount: 6_800 }]);
    expect(salesforceRecord(w, 'Return__c', rma)).toMatchObject({ Status__c: 'Refunded' });
    expect(salesforceRecord(w, 'Case', 'CASE-T1')).toMatchObject({ Status: 'Closed' });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });
});

describe('returns: an RMA nobody sends back', () => {
  it('expires after rmaExpiryDays: closed in the ERP, the case told, announced; a parcel after that is flagged', async () => {
    const w = await start({ settings: { returns: { rmaExpiryDays: 2 / 86_400 } } });
    await placeDeliveredOrder(w, { orderNumber: 'WEB-E1', lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1 }] });
    await openReturnCase(w, { caseNumber: 'CASE-E1', orderNumber: 'WEB-E1', description: 'Return 1 unit. reason: changed-mind' });
    const rma = 'RMA-CASE-E1';
    const waiting = await atStage(w, rma, 'awaiting-receipt');
    const panel = await nearExpiryPanel(w.deps.settings.returns).evaluate({ storage: w.adapters.storage, bus: w.adapters.bus, now: Date.now() });
    expect(panel).toMatchObject({ status: 'warning', value: 1, items: [{ businessKey: rma }] });
    expect(waiting.expiresAt! - waiting.stageSince).toBeLessThanOrEqual(2_100);

    const expired = await atStage(w, rma, 'done');
    await w.quiet();
    expect(expired).toMatchObject({ return: { status: 'cancelled' }, outcome: { code: 'RMA_EXPIRED' } });
    expect(netsuiteDocuments(w, rma).rma?.fields.status).toMatchObject({ id: 'C', refName: 'Cancelled' });
    expect(salesforceRecord(w, 'Case', 'CASE-E1')).toMatchObject({ Status: 'Closed', Description: expect.stringContaining('RMA expired: nothing was received within') });
    expect(salesforceRecord(w, 'Return__c', rma)).toMatchObject({ Status__c: 'Rejected' });
    const expiredEvents = await w.adapters.bus.find({ type: 'retail.return.expired.v1', subject: rma, limit: 5 });
    expect(expiredEvents.map((entry) => entry.event.data)).toMatchObject([{ status: 'cancelled' }]);
    expect(validateRetailEvent(expiredEvents[0]!.event)).toMatchObject({ ok: true });
    expect((await nearExpiryPanel(w.deps.settings.returns).evaluate({ storage: w.adapters.storage, bus: w.adapters.bus, now: Date.now() })).value).toBe(0);

    await receiveAtWarehouse(w, rma, [{ sku: 'CANVAS-CAP-NVY', quantity: 1, condition: 'sellable' }]);
    await w.quiet();
    expect(await openFlowExceptions(w)).toEqual([`RECEIPT_AFTER_EXPIRY@${rma}`]);
    expect(netsuiteDocuments(w, rma).memos).toHaveLength(0);
    expect(await paymentRefunds(w, rma)).toHaveLength(0);
  });
});
