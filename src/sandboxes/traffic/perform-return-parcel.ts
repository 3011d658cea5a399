import type { ReturnParcelAction } from './actions.ts';
import type { ActionResult } from './counters.ts';
import { outcomeOf, skipped } from './execution.ts';
import type { ExecutionContext, ExpectedParcelLine } from './execution.ts';

/** How often the dock may page through the WMS's return receipts when it knows of none expected. */
const RETURN_DOCK_REFRESH_MS = 2_000;
/** The WMS's largest page. */
const PAGE_SIZE = 100;

interface ReturnReceiptPage {
  data?: { id: string; status: string; lines: { sku: string; quantityExpected: number }[] }[];
  nextCursor?: string | null;
}

/**
 * The last leg of a mail return: the parcel the hub announced (an expected return receipt) arrives
 * at the warehouse dock, which receives every expected line in the action's condition. The WMS
 * then sends `return_receipt.received`, and the hub credits and refunds the return.
 */
export async function receiveReturnParcel(context: ExecutionContext, action: ReturnParcelAction): Promise<ActionResult> {
  const parcel = await takeOldestExpectedParcel(context);
  if (!parcel) return skipped('no expected return receipt to receive');
  const lines = parcel.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, condition: action.condition }));
  // An already received receipt (422 already_received) is rejected; a failed one is found again on a later refresh.
  return outcomeOf('wms', await context.clients.wms('POST', `/v1/return-receipts/${encodeURIComponent(parcel.id)}/receive`, { lines }));
}

/**
 * Taken out of the run's memory before the receive is sent, so two parcel actions in flight at
 * once never receive the same receipt twice.
 */
async function takeOldestExpectedParcel(context: ExecutionContext): Promise<{ id: string; lines: ExpectedParcelLine[] } | undefined> {
  const dock = context.returnDock;
  if (dock.expected.size === 0 && context.clock() - dock.refreshedAt >= RETURN_DOCK_REFRESH_MS) {
    dock.refreshedAt = context.clock();
    await readExpectedReceipts(context);
  }
  const first = dock.expected.entries().next().value;
  if (!first) return undefined;
  dock.expected.delete(first[0]);
  return { id: first[0], lines: first[1] };
}

/** Pages through every return receipt (the WMS lists them oldest first and cannot filter by status). */
async function readExpectedReceipts(context: ExecutionContext): Promise<void> {
  let cursor: string | null | undefined;
  do {
    const query = `limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply = await context.clients.wms('GET', `/v1/return-receipts?${query}`);
    // A throttled or failing page ends this refresh; the next one starts over.
    if (reply.status !== 200) return;
    const page = reply.body as ReturnReceiptPage | null;
    for (const receipt of page?.data ?? []) {
      if (receipt.status !== 'expected') continue;
      const lines = receipt.lines.map((line) => ({ sku: line.sku, quantity: line.quantityExpected })).filter((line) => line.quantity > 0);
      if (lines.length > 0) context.returnDock.expected.set(receipt.id, lines);
    }
    cursor = page?.nextCursor;
  } while (cursor);
}
