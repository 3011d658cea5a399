import { afterEach, describe, expect, it } from 'vitest';
import { createOperatorDecisions } from '../../console/exceptions/actions.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { createReferenceData } from '../reference/projection.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import type { OrderFacts } from './facts.ts';
import { createReturns } from './index.ts';
import { returnsInvariants } from './invariants.ts';
import { ReturnsRecord } from './names.ts';
import type { ReturnRecord } from './record.ts';
import {
  bookInNetSuite,
  bookStorefrontOrder,
  deliverStorefrontOrder,
  netsuiteDocuments,
  openReturnCase,
  paymentRefunds,
  placeDeliveredOrder,
  placeStorefrontOrder,
  refundInStorefront,
  returnsTestSettings,
  salesforceRecord,
  storefrontOrderPlaced,
} from './testing.ts';

/**
 * Returns racing their order: after a hub restart the storefront redelivers the webhooks the
 * stopped hub did not answer in any order, so a refund can come before its order, and an order
 * can be known before the ERP booked it (or never be booked, held by order capture). No RMA is
 * sent to the ERP before the order is booked there.
 */

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A few quick looks, for the tests that wait for a booking that never comes. */
const SHORT_LOOKS = { returns: { orderLookPausesSeconds: [0.1, 0.2, 0.3] } };

async function start(settings: { returns?: Record<string, unknown> } = {}): Promise<RetailWorld> {
  world = await startRetailWorld({ settings: returnsTestSettings(settings), modules: (deps) => [createReferenceData(deps), createReturns(deps)] });
  await world.quiet();
  return world;
}

async function returnRecord(w: RetailWorld, rmaNumber: string): Promise<ReturnRecord | undefined> {
  return (await w.deps.records.get<ReturnRecord>(RecordEntity.return, rmaNumber))?.data;
}

async function atStage(w: RetailWorld, rmaNumber: string, stage: string, timeoutMs = 25_000): Promise<ReturnRecord> {
  const record = await eventually(async () => {
    const found = await returnRecord(w, rmaNumber);
    return found?.stage === stage ? found : undefined;
  }, `${rmaNumber} at stage ${stage}`, timeoutMs);
  await w.quiet();
  return record;
}

/** Every flow exception ever raised (open or settled), as `CODE@key`. */
async function flowExceptions(w: RetailWorld): Promise<string[]> {
  return (await w.adapters.storage.deadLetters.list({ kind: 'flow', limit: 100 })).map((entry) => `${entry.error.code}@${entry.key}`);
}

async function raised(w: RetailWorld, code: string, rma: string) {
  return eventually(async () => (await w.adapters.storage.deadLetters.list({ kind: 'flow', status: 'open' })).find((entry) => entry.error.code === code && entry.key === rma), `${code} raised for ${rma}`, 20_000);
}

function decisions(w: RetailWorld) {
  return createOperatorDecisions({ storage: w.adapters.storage, bus: w.adapters.bus, clock: Date.now, onUndelivered: () => undefined });
}

describe('returns: a storefront refund that arrives before its order', () => {
  it('waits for the order and its ERP booking, then books the return once: no dead letter, no "not known" exception', async () => {
    const w = await start();
    // The order's webhook is held back (as a redelivery after a restart would be); the refund's is not.
    w.sandboxes.shopify.faults.set({ webhooks: { delayMs: 4_000 } });
    const placed = placeStorefrontOrder(w, [{ sku: 'CANVAS-CAP-NVY', quantity: 2 }]);
    w.sandboxes.shopify.faults.set({});
    await refundInStorefront(w, { shopifyOrderId: placed.shopifyOrderId, lineItemId: placed.lineItemIds[0]!, quantity: 1, amount: '19.50', note: 'Return: damaged', key: `return-${placed.orderNumber}` });
    const rma = await eventually(async () => (await w.deps.records.match<ReturnRecord>(RecordEntity.return, [`order:${placed.orderNumber}`]))[0]?.key, 'the storefront return recorded');
    // The race happened: the return is under way and the hub has not heard of its order.
    expect(await w.deps.records.get(ReturnsRecord.order, placed.orderNumber)).toBeUndefined();

    // The order comes in, is delivered, then booked in NetSuite (reported by the poller a few seconds later).
    const order = await storefrontOrderPlaced(w, placed.orderNumber);
    await deliverStorefrontOrder(w, order);
    expect(netsuiteDocuments(w, rma).rma).toBeUndefined();
    await bookStorefrontOrder(w, order);

    const record = await atStage(w, rma, 'done');
    // The request named no customer (the order was unknown at intake): the one of the order seen after the wait.
    expect(record).toMatchObject({ origin: 'storefront', return: { status: 'refunded', customerId: order.customer.customerId, lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50' }] }, refund: { route: 'storefront', amount: '19.50' } });
    expect(w.sandboxes.netsuite.records.store.list('returnAuthorization')).toHaveLength(1);
    const documents = netsuiteDocuments(w, rma);
    expect(documents.rma?.fields.status).toMatchObject({ refName: 'Refunded' });
    expect(documents.receipts).toHaveLength(1);
    expect(documents.memos).toHaveLength(1);
    expect(documents.customerRefunds).toHaveLength(1);
    expect(await paymentRefunds(w)).toHaveLength(0);
    // Judged on the facts after the wait: nothing outside policy, nothing refused by the ERP.
    expect(await flowExceptions(w)).toEqual([]);
    expect(await w.adapters.storage.deadLetters.list({ kind: 'delivery', limit: 100 })).toEqual([]);
    expect((await returnsInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings }))['returns.oneMemoOneRefund']).toMatchObject({
      ok: true,
      details: { refundedReturns: 1, creditMemos: 1, paymentRefunds: 0 },
    });
  });
});

describe('returns: an order the ERP never books', () => {
  it('raises ORDER_NOT_BOOKED after the looks, sends nothing to the ERP, and a discard cancels the return', async () => {
    const w = await start(SHORT_LOOKS);
    // Placed, paid and delivered, but held by order capture (e.g. a price mismatch): never booked.
    await placeDeliveredOrder(w, { orderNumber: 'WEB-H1', lines: [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }], book: false });
    await openReturnCase(w, { caseNumber: 'CASE-H1', orderNumber: 'WEB-H1', description: 'Return 1 unit. reason: damaged' });
    const rma = 'RMA-CASE-H1';

    const exception = await raised(w, 'ORDER_NOT_BOOKED', rma);
    expect(exception).toMatchObject({ context: { awaitsOperator: true, orderKnown: true, orderNumber: 'WEB-H1', caseNumber: 'CASE-H1' } });
    expect(exception.error.message).toMatch(/order WEB-H1 is not booked in the ERP .* no RMA is sent for RMA-CASE-H1/);
    await w.quiet();
    expect(await returnRecord(w, rma)).toMatchObject({ stage: 'authorizing', return: { status: 'requested' } });
    expect((await w.adapters.storage.delivery.find({ key: rma })).filter((item) => item.target === 'erp')).toEqual([]);
    expect(netsuiteDocuments(w, rma).rma).toBeUndefined();
    expect(await flowExceptions(w)).toEqual([`ORDER_NOT_BOOKED@${rma}`]);

    expect(await decisions(w).act(exception.id, 'discard', 'operator', 'the order was cancelled in order capture')).toMatchObject({ outcome: 'done' });
    const record = await atStage(w, rma, 'done');
    expect(record).toMatchObject({ return: { status: 'cancelled' }, outcome: { code: 'DISCARDED', message: expect.stringContaining('the order was cancelled in order capture') } });
    expect(salesforceRecord(w, 'Case', 'CASE-H1')).toMatchObject({ Status: 'Closed', Description: expect.stringContaining('given up by an operator at order-not-booked') });
    expect(w.sandboxes.netsuite.records.store.list('returnAuthorization')).toHaveLength(0);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });

  it('authorizes once an operator retries after the order was booked', async () => {
    const w = await start(SHORT_LOOKS);
    const { order } = await placeDeliveredOrder(w, { orderNumber: 'WEB-H2', lines: [{ sku: 'FLEECE-HOOD-L-GRY', quantity: 1 }], book: false });
    await openReturnCase(w, { caseNumber: 'CASE-H2', orderNumber: 'WEB-H2', description: 'Return 1 unit. reason: damaged' });
    const rma = 'RMA-CASE-H2';
    const exception = await raised(w, 'ORDER_NOT_BOOKED', rma);
    expect(netsuiteDocuments(w, rma).rma).toBeUndefined();

    // Order capture's hold is settled: the order is booked, and the poller reports it.
    await bookInNetSuite(w, order);
    await eventually(async () => (await w.deps.records.get<OrderFacts>(ReturnsRecord.order, 'WEB-H2'))?.data.booked, 'the booking of WEB-H2 reported', 20_000);
    expect(await decisions(w).act(exception.id, 'retry', 'operator', 'booked now')).toMatchObject({ outcome: 'done' });

    await atStage(w, rma, 'awaiting-receipt');
    expect(w.sandboxes.netsuite.records.store.list('returnAuthorization')).toHaveLength(1);
    expect(netsuiteDocuments(w, rma).rma?.fields.status).toMatchObject({ id: 'B' });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect(await flowExceptions(w)).toEqual([`ORDER_NOT_BOOKED@${rma}`]);
  });
});

describe('returns: a case naming an order the hub never hears of', () => {
  it('is refused on the case (ORDER_NOT_FOUND) after the looks, with no RMA anywhere', async () => {
    const w = await start(SHORT_LOOKS);
    await openReturnCase(w, { caseNumber: 'CASE-N1', orderNumber: 'WEB-NOPE', description: 'Return 1 unit. reason: damaged' });
    const record = await atStage(w, 'RMA-CASE-N1', 'done');
    expect(record).toMatchObject({ return: { status: 'rejected' }, outcome: { code: 'ORDER_NOT_FOUND', message: 'order WEB-NOPE is not known to the hub' } });
    expect(salesforceRecord(w, 'Case', 'CASE-N1')).toMatchObject({ Status: 'Closed', Description: expect.stringContaining('return refused: order WEB-NOPE is not known to the hub') });
    expect(w.sandboxes.netsuite.records.store.list('returnAuthorization')).toHaveLength(0);
    expect(await flowExceptions(w)).toEqual([]);
  });
});
