import { afterEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import type { RunningShopifySandbox } from '../../sandboxes/shopify/index.ts';
import { clientFor } from '../../sandboxes/shopify/test-support.ts';
import type { DeltaPoller } from '../connector.ts';
import { connectedSandbox } from './testing.ts';

let sandbox: RunningShopifySandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

// The sandbox does not serve taxesIncluded, sourceName, totalDiscountsSet, totalTaxSet or the
// lines' discountAllocations / taxLines yet: read the rest (the record defaults them to none).
const SANDBOX_ORDER_FIELDS = `id legacyResourceId name email note createdAt updatedAt processedAt cancelledAt cancelReason currencyCode
  displayFinancialStatus subtotalPriceSet { shopMoney { amount } } totalShippingPriceSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount } } customer { id firstName lastName }`;
const SANDBOX_LINE_FIELDS = 'id sku name quantity originalUnitPriceSet { shopMoney { amount } }';

async function drain(poller: DeltaPoller, watermark: string): Promise<{ events: CloudEvent[]; watermark: string; polls: number }> {
  const events: CloudEvent[] = [];
  let polls = 0;
  for (;;) {
    const result = await poller.poll({ watermark, signal: new AbortController().signal });
    polls++;
    events.push(...result.events);
    watermark = result.watermark;
    if (!result.more) return { events, watermark, polls };
  }
}

describe('Shopify orders poller', () => {
  it('reads every order changed since the watermark once, across pages and orders sharing an instant', async () => {
    const connected = await connectedSandbox(
      {},
      { pollOrders: { since: '2000-01-01T00:00:00Z', pageSize: 3, linesPerPage: 1, orderFields: SANDBOX_ORDER_FIELDS, lineItemFields: SANDBOX_LINE_FIELDS } },
    );
    sandbox = connected.sandbox;
    const poller = connected.connector.pollers![0]!;
    for (let index = 0; index < 7; index++) {
      const placed = sandbox.placeOrder({ email: `buyer${index}@example.com`, lineItems: [{ sku: 'TEE-BLK-M', quantity: 1 }, { sku: 'CAP-NVY', quantity: 2 }] });
      expect(placed.ok).toBe(true);
    }
    const first = await drain(poller, poller.initialWatermark());
    expect(first.polls).toBe(3);
    expect(first.events).toHaveLength(7);
    expect(new Set(first.events.map((event) => event.id)).size).toBe(7);
    for (const event of first.events) expect(validateRetailEvent(event).ok).toBe(true);
    // Lines beyond the first page of lines were read too.
    expect(first.events[0]).toMatchObject({ type: 'retail.order.placed.v1', data: { lines: [{ sku: 'TEE-BLK-M' }, { sku: 'CAP-NVY', quantity: 2 }], totals: { grandTotal: '63.00' } } });

    const again = await drain(poller, first.watermark);
    expect(again.events).toEqual([]);

    const orderId = first.events[2]!.data as { externalIds: { shopify: string } };
    const cancelled = await clientFor(sandbox).request('mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, refund: false, restock: true) { userErrors { message } } }', {
      variables: { id: orderId.externalIds.shopify },
    });
    expect(cancelled.data.orderCancel.userErrors).toEqual([]);
    const later = await drain(poller, again.watermark);
    expect(later.events.map((event) => event.type)).toEqual(['retail.order.placed.v1', 'retail.order.cancelled.v1']);
    // The placed event of an order seen again keeps its id: the event log drops it.
    expect(later.events[0]!.id).toBe(first.events[2]!.id);
  });
});
