import type { DeadLetter } from '../../ports/storage.ts';
import type { InvariantContext, InvariantResult } from '../invariants.ts';
import { cancellationOf, captureStates, CaptureStatus } from './read-models.ts';

const SHOWN = 5;

/**
 * The order-capture invariants, checked against the sandboxes once the hub is quiet:
 * - `orders.noneBookedTwice`: no two NetSuite sales orders share an external id (the order
 *   number) or a channel order id (`otherRefNum`).
 * - `orders.bookedOrOpenException`: every captured order is booked in NetSuite, or has an open
 *   exception with a reason code (a hold, a dead-lettered delivery, awaiting ERP booking), or
 *   was closed on purpose (rejected by an operator, cancelled in its channel).
 * - `orders.cancellationsHonoured`: every order its channel cancelled is cancelled everywhere:
 *   never booked (cancelled before), or booked and then closed in NetSuite (every line closed)
 *   with its WMS fulfilment order, if it had one, cancelled; or it has an open exception (a
 *   parcel had left the warehouse, a target refused the cancel).
 */
export async function orderCaptureInvariants(context: InvariantContext): Promise<Record<string, InvariantResult>> {
  return {
    'orders.noneBookedTwice': noneBookedTwice(context),
    'orders.bookedOrOpenException': await bookedOrOpenException(context),
    'orders.cancellationsHonoured': await cancellationsHonoured(context),
  };
}

function noneBookedTwice({ sandboxes }: InvariantContext): InvariantResult {
  const salesOrders = sandboxes.netsuite.records.store.list('salesOrder');
  const repeated = (values: (string | undefined)[]) => {
    const counts = new Map<string, number>();
    for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts].filter(([, count]) => count > 1).map(([value, count]) => `${value} (${count}x)`);
  };
  const byOrderNumber = repeated(salesOrders.map((order) => order.externalId));
  const byChannelOrderId = repeated(salesOrders.map((order) => (typeof order.fields.otherRefNum === 'string' ? order.fields.otherRefNum : undefined)));
  return {
    ok: byOrderNumber.length === 0 && byChannelOrderId.length === 0,
    details: {
      salesOrders: salesOrders.length,
      duplicateOrderNumbers: byOrderNumber.length,
      duplicateChannelOrderIds: byChannelOrderId.length,
      examples: [...byOrderNumber, ...byChannelOrderId].slice(0, SHOWN),
    },
  };
}

async function bookedOrOpenException({ sandboxes, records, storage }: InvariantContext): Promise<InvariantResult> {
  const openReasons = await openExceptionReasons(storage.deadLetters);
  const netsuite = sandboxes.netsuite.records.store;
  const counts = { captured: 0, booked: 0, withOpenException: 0, rejected: 0, cancelled: 0 };
  const reasons: Record<string, number> = {};
  const offending: string[] = [];
  for await (const state of captureStates(records)) {
    counts.captured++;
    if (netsuite.getByExternalId('salesOrder', state.orderNumber)) counts.booked++;
    else if (state.status === CaptureStatus.rejected) counts.rejected++;
    else if (state.status === CaptureStatus.cancelled) counts.cancelled++;
    else if (openReasons.has(state.orderNumber)) {
      counts.withOpenException++;
      const reason = openReasons.get(state.orderNumber)!;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    } else offending.push(`${state.orderNumber} (${state.status})`);
  }
  return { ok: offending.length === 0, details: { ...counts, openExceptionReasons: reasons, neither: offending.length, examples: offending.slice(0, SHOWN) } };
}

/** Order number → reason code of an open exception (any kind) about it. */
async function openExceptionReasons(deadLetters: InvariantContext['storage']['deadLetters']): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  let afterId: number | undefined;
  for (;;) {
    const page: DeadLetter[] = await deadLetters.list({ status: 'open', ...(afterId !== undefined && { afterId }), limit: 500 });
    for (const entry of page) {
      const reason = entry.error.code ?? entry.error.type;
      const key = typeof entry.context.businessKey === 'string' ? entry.context.businessKey : entry.key;
      if (reason) reasons.set(key, reason);
    }
    if (page.length < 500) return reasons;
    afterId = page[page.length - 1]!.id;
  }
}

/** The WMS sandbox's fulfilment order statuses by external order id (the order number). */
async function wmsStatuses(sandboxes: InvariantContext['sandboxes']): Promise<Map<string, string>> {
  const response = await fetch(`${sandboxes.wms.url}/__sandbox/state`);
  if (!response.ok) throw new Error(`reading the WMS sandbox state failed: ${response.status}`);
  const orders = ((await response.json()) as { fulfillmentOrders?: { externalOrderId: string; status: string }[] }).fulfillmentOrders ?? [];
  return new Map(orders.map((order) => [order.externalOrderId, order.status]));
}

async function cancellationsHonoured({ sandboxes, records, storage }: InvariantContext): Promise<InvariantResult> {
  const openReasons = await openExceptionReasons(storage.deadLetters);
  // Read only when there is a cancellation to check (a run without any needs no WMS).
  let warehouse: Map<string, string> | undefined;
  const netsuite = sandboxes.netsuite.records.store;
  const counts = { cancelled: 0, cancelledBeforeBooking: 0, cancelledAfterBooking: 0, withOpenException: 0 };
  const offending: string[] = [];
  for await (const state of captureStates(records)) {
    if (!(await cancellationOf(records, state.orderNumber))) continue;
    counts.cancelled++;
    const salesOrder = netsuite.getByExternalId('salesOrder', state.orderNumber);
    const lines = ((salesOrder?.fields.item as { items?: { isClosed?: boolean }[] } | undefined)?.items ?? []);
    const closedInErp = salesOrder !== undefined && lines.length > 0 && lines.every((line) => line.isClosed === true);
    warehouse ??= await wmsStatuses(sandboxes);
    const wmsStatus = warehouse.get(state.orderNumber);
    if (openReasons.has(state.orderNumber)) counts.withOpenException++;
    else if (!salesOrder && state.status === CaptureStatus.cancelled) counts.cancelledBeforeBooking++;
    else if (closedInErp && (wmsStatus === undefined || wmsStatus === 'cancelled')) counts.cancelledAfterBooking++;
    else offending.push(`${state.orderNumber} (capture ${state.status}, NetSuite ${salesOrder ? (closedInErp ? 'closed' : 'open') : 'none'}, WMS ${wmsStatus ?? 'none'})`);
  }
  return { ok: offending.length === 0, details: { ...counts, neither: offending.length, examples: offending.slice(0, SHOWN) } };
}
