import type { BackorderShipmentAction, Milestone } from './actions.ts';
import { ActionOutcome } from './counters.ts';
import type { ActionResult } from './counters.ts';
import { outcomeOf, skipped } from './execution.ts';
import type { ExecutionContext } from './execution.ts';
import { openFulfilmentOrders } from './perform-operations.ts';

/** The milestones an order not yet shipped still needs before it can ship. */
const BEFORE_SHIPPING: Record<string, readonly Milestone[]> = { received: ['picked', 'packed'], picked: ['packed'], packed: [] };
/** Orders read at most per action while looking for one with more than one unit left (a WMS request each). */
const ORDERS_LOOKED_AT = 3;

interface FulfilmentOrderLines {
  status: string;
  lines: { sku: string; quantity: number; quantityShipped: number }[];
}

/**
 * The warehouse is short of part of a released order: a picker takes an order not yet shipped
 * (preferably not the one the milestone actions are working on), picks and packs what is there
 * and ships it with `lines`, leaving the rest on backorder. The WMS marks the order
 * `partially_shipped`; a later milestone ships the rest.
 */
export async function shipWhatIsOnHand(context: ExecutionContext, action: BackorderShipmentAction): Promise<ActionResult> {
  const looked = new Set<string>();
  // The hub keeps releasing orders: when none of those known will do, read the WMS for new ones.
  for (const readNew of [false, true]) {
    for (const [id] of notYetShipped(await openFulfilmentOrders(context, { readNew }))) {
      if (looked.has(id) || looked.size >= ORDERS_LOOKED_AT) continue;
      looked.add(id);
      const result = await shipPartOf(context, action, id);
      if (result) return result;
    }
  }
  return skipped('no released order with more than one unit left to ship');
}

/** Ships part of one order; undefined when it cannot be split (a single unit, or it moved on meanwhile). */
async function shipPartOf(context: ExecutionContext, action: BackorderShipmentAction, id: string): Promise<ActionResult | undefined> {
  const { open } = context.warehouse;
  const path = `/v1/fulfillment-orders/${encodeURIComponent(id)}`;
  const read = await context.clients.wms('GET', path);
  if (read.status !== 200) return outcomeOf('wms', read);
  const order = read.body as FulfilmentOrderLines;
  const lines = order.status in BEFORE_SHIPPING ? shippedNow(order.lines) : undefined;
  if (!lines) {
    // Cancelled by the hub meanwhile, or a single unit: nothing to leave behind.
    if (order.status in BEFORE_SHIPPING || order.status === 'shipped' || order.status === 'partially_shipped') open.set(id, order.status);
    else open.delete(id);
    return undefined;
  }
  // Set aside while worked on; back at the end of the line with its new status.
  open.delete(id);
  let status = order.status;
  for (const milestone of BEFORE_SHIPPING[order.status] ?? []) {
    const result = outcomeOf('wms', await context.clients.wms('POST', `${path}/events`, { type: milestone }));
    if (result.outcome !== ActionOutcome.ok) return setBack(context, id, status, result);
    status = milestone;
  }
  const shipped = await context.clients.wms('POST', `${path}/events`, { type: 'shipped', carrier: action.carrier, trackingNumber: action.trackingNumber, lines });
  return setBack(context, id, (shipped.body as { status?: string } | null)?.status ?? status, outcomeOf('wms', shipped));
}

/** Orders to look at, oldest first; the oldest of all is the one the milestone actions are working on, so it comes last. */
function notYetShipped(open: Map<string, string>): [string, string][] {
  const [head, ...rest] = [...open];
  return [...rest, ...(head ? [head] : [])].filter(([, status]) => status in BEFORE_SHIPPING);
}

/** What ships now: all but the last line, or half of a single line; undefined for a single unit. */
export function shippedNow(orderLines: FulfilmentOrderLines['lines']): { sku: string; quantity: number }[] | undefined {
  const remaining = orderLines.map((line) => ({ sku: line.sku, quantity: line.quantity - line.quantityShipped })).filter((line) => line.quantity > 0);
  if (remaining.length > 1) return remaining.slice(0, -1);
  const only = remaining[0];
  if (!only || only.quantity < 2) return undefined;
  return [{ sku: only.sku, quantity: only.quantity - Math.floor(only.quantity / 2) }];
}

/** A refused milestone (held, short of stock) takes the order out of the line, as `reportMilestone` does. */
function setBack(context: ExecutionContext, id: string, status: string, result: ActionResult): ActionResult {
  if (result.outcome !== ActionOutcome.rejected) context.warehouse.open.set(id, status);
  return result;
}
