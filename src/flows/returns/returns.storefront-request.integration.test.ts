import { afterEach, describe, expect, it } from 'vitest';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { createReferenceData } from '../reference/projection.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { createReturns } from './index.ts';
import type { ReturnRecord } from './record.ts';
import {
  bookStorefrontOrder,
  deliverStorefrontOrder,
  firstReturnRequestWebhookId,
  fulfilInStorefront,
  netsuiteDocuments,
  paymentRefunds,
  placeDeliveredStorefrontOrder,
  placeStorefrontOrder,
  receiveAtWarehouse,
  requestReturnInStorefront,
  resendReturnRequestWebhook,
  returnsTestSettings,
  shopifyRefunds,
  shopifyReturn,
  storefrontOrderPlaced,
  wmsReceipt,
} from './testing.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function start(): Promise<RetailWorld> {
  world = await startRetailWorld({ settings: returnsTestSettings(), modules: (deps) => [createReferenceData(deps), createReturns(deps)] });
  await world.quiet();
  return world;
}

async function settled(w: RetailWorld, rmaNumber: string, stage: string): Promise<ReturnRecord> {
  const record = await eventually(async () => {
    const found = (await w.deps.records.get<ReturnRecord>(RecordEntity.return, rmaNumber))?.data;
    return found?.stage === stage ? found : undefined;
  }, `${rmaNumber} at stage ${stage}`, 30_000);
  await w.quiet();
  return record;
}

describe('returns: a customer asks in the storefront (Shopify returnRequest)', () => {
  it('approves it in Shopify once the ERP holds the RMA, expects the goods, credits and refunds in the storefront once, then closes it; duplicate webhooks make no second RMA', async () => {
    const w = await start();
    const { order, shopifyOrderId } = await placeDeliveredStorefrontOrder(w, [{ sku: 'CANVAS-CAP-NVY', quantity: 2 }]);
    const fulfilment = await fulfilInStorefront(w, shopifyOrderId);
    const { returnId, rmaNumber: rma } = await requestReturnInStorefront(w, {
      shopifyOrderId,
      lines: [{ fulfillmentLineItemId: fulfilment['CANVAS-CAP-NVY']!, quantity: 1, returnReason: 'DEFECTIVE', customerNote: 'The strap came off' }],
    });
    await settled(w, rma, 'awaiting-receipt');

    expect(shopifyReturn(w, returnId)?.status).toBe('OPEN');
    const authorized = netsuiteDocuments(w, rma);
    expect(authorized.rma?.fields.status).toMatchObject({ id: 'B', refName: 'Pending Receipt' });
    expect(authorized.rma?.fields.item).toMatchObject({ items: [{ quantity: 1, rate: 19.5 }] });
    expect(await wmsReceipt(w, rma)).toMatchObject({ status: 'expected', lines: [{ sku: 'CANVAS-CAP-NVY', quantityExpected: 1 }] });
    const [requested] = await w.adapters.bus.find({ type: 'retail.return.requested.v1', subject: rma, limit: 5 });
    expect(validateRetailEvent(requested!.event)).toMatchObject({ ok: true });
    expect(requested!.event.data).toMatchObject({ orderNumber: order.orderNumber, externalIds: { shopify: returnId }, lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1, reason: 'defective', customerComment: 'The strap came off' }] });

    // Shopify redelivers the request (same webhook id), and sends it once more under a new id, after the approval.
    expect(await resendReturnRequestWebhook(w, returnId, { webhookId: firstReturnRequestWebhookId(w)! })).toBeLessThan(300);
    expect(await resendReturnRequestWebhook(w, returnId)).toBeLessThan(300);
    await w.quiet();

    await receiveAtWarehouse(w, rma, [{ sku: 'CANVAS-CAP-NVY', quantity: 1, condition: 'damaged' }]);
    const record = await settled(w, rma, 'done');
    expect(record).toMatchObject({
      origin: 'storefront-request',
      return: { status: 'refunded', returnLocationCode: 'DC-EAST', lines: [{ sku: 'CANVAS-CAP-NVY', quantity: 1, unitPrice: '19.50', reason: 'defective' }] },
      refund: { route: 'commerce', amount: '19.50' },
    });
    const done = netsuiteDocuments(w, rma);
    expect(done.rma?.fields.status).toMatchObject({ refName: 'Refunded' });
    expect(done.receipts).toHaveLength(1);
    expect(done.memos).toHaveLength(1);
    expect(done.memos[0]!.fields).toMatchObject({ total: 19.5, amountRemaining: 0 });
    expect(done.customerRefunds).toHaveLength(1);
    expect(w.sandboxes.netsuite.records.store.list('returnAuthorization').filter((found) => found.externalId === rma)).toHaveLength(1);
    expect(await wmsReceipt(w, rma)).toMatchObject({ status: 'received', lines: [{ sku: 'CANVAS-CAP-NVY', quantityReceived: 1 }] });
    // Refunded once, in the storefront that took the money; the return closed there.
    expect(await shopifyRefunds(w)).toMatchObject([{ note: `Crossdock return ${rma}`, amountCents: 1_950 }]);
    expect(await paymentRefunds(w)).toHaveLength(0);
    expect(shopifyReturn(w, returnId)?.status).toBe('CLOSED');
    expect(await w.deps.records.match(RecordEntity.return, [`order:${order.orderNumber}`])).toHaveLength(1);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });

  it('declines requests the policy refuses, with Shopify\'s reason and a note naming the problem, and writes nothing to the ERP or the WMS', async () => {
    const w = await start();
    // Delivered 40 days ago (Apparel is taken back for 30).
    const late = placeStorefrontOrder(w, [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1 }]);
    // Shipped in Shopify but never delivered.
    const undelivered = placeStorefrontOrder(w, [{ sku: 'CANVAS-CAP-NVY', quantity: 1 }]);
    await w.quiet();
    const lateOrder = await storefrontOrderPlaced(w, late.orderNumber);
    const undeliveredOrder = await storefrontOrderPlaced(w, undelivered.orderNumber);
    await bookStorefrontOrder(w, lateOrder);
    await bookStorefrontOrder(w, undeliveredOrder);
    await deliverStorefrontOrder(w, lateOrder, new Date(Date.now() - 40 * 86_400_000).toISOString());
    await w.quiet();

    const cases = [
      { placed: late, sku: 'TRAIL-TEE-M-BLK', code: 'OUTSIDE_RETURN_WINDOW', declineReason: 'RETURN_PERIOD_ENDED', words: /^Return refused: TRAIL-TEE-M-BLK was delivered on .*; Apparel is taken back for 30 days/ },
      { placed: undelivered, sku: 'CANVAS-CAP-NVY', code: 'NOT_DELIVERED', declineReason: 'OTHER', words: /^Return refused: CANVAS-CAP-NVY \(line 1\) of order SHOP-\d+ has not been delivered/ },
    ];
    const requests = [];
    for (const refusal of cases) {
      const fulfilment = await fulfilInStorefront(w, refusal.placed.shopifyOrderId);
      requests.push(await requestReturnInStorefront(w, { shopifyOrderId: refusal.placed.shopifyOrderId, lines: [{ fulfillmentLineItemId: fulfilment[refusal.sku]!, quantity: 1, returnReason: 'UNWANTED' }] }));
    }
    for (const [index, refusal] of cases.entries()) {
      const { returnId, rmaNumber: rma } = requests[index]!;
      const record = await settled(w, rma, 'done');
      expect(record).toMatchObject({ origin: 'storefront-request', return: { status: 'rejected' }, outcome: { code: refusal.code } });
      const declined = shopifyReturn(w, returnId);
      expect(declined).toMatchObject({ status: 'DECLINED', decline: { reason: refusal.declineReason } });
      expect(declined!.decline!.note).toMatch(refusal.words);
      expect(netsuiteDocuments(w, rma).rma).toBeUndefined();
      expect(await wmsReceipt(w, rma)).toBeUndefined();
      expect((await w.adapters.bus.find({ type: 'retail.return.rejected.v1', subject: rma, limit: 5 })).map((entry) => entry.event.data)).toMatchObject([{ status: 'rejected' }]);
    }
    expect(await shopifyRefunds(w)).toHaveLength(0);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  });
});
