import { createHash } from 'node:crypto';
import { ActionKind } from './actions.ts';
import type { Milestone, OrderAction, TrafficAction } from './actions.ts';
import { DEMO_SEED } from './demo-data.ts';
import type { DemoSeed } from './demo-data.ts';
import type { OrderHistoryRow } from './order-history.ts';

export interface ReplayOptions {
  /** Squeeze the history's whole span into this many ms (wins over timeScale). */
  durationMs?: number;
  /** Replay ms per real ms, e.g. 1 / 3600 plays an hour of history in a second. Default 1 / 3600. */
  timeScale?: number;
  /** Where orders are placed and shipped from; default the catalogue's first store and warehouse. */
  catalogue?: DemoSeed;
}

const DEFAULT_TIME_SCALE = 1 / 3600;

/**
 * Turns order history rows into the same timed actions the planner makes, time-scaled from the
 * earliest `placed_at`: the order at placed_at (storefront, store or B2B by channel), a payment
 * capture per payment at paid_at, picked/packed/shipped at shipped_at, delivered at delivered_at,
 * and a return at returned_at (a Shopify refund for web orders, a Salesforce Case otherwise).
 *
 * @example
 * const { rows } = readOrderHistory(csvText);
 * await playTraffic({ actions: replayOrderHistory(rows, { durationMs: 30_000 }), executor });
 */
export function replayOrderHistory(rows: readonly OrderHistoryRow[], options: ReplayOptions = {}): TrafficAction[] {
  if (rows.length === 0) return [];
  const catalogue = options.catalogue ?? DEMO_SEED;
  const store = catalogue.locations.find((location) => location.kind === 'store')?.code ?? '';
  const warehouse = catalogue.locations.find((location) => location.kind === 'warehouse')?.code ?? '';
  const times = rows.flatMap((row) => [row.placedAt, row.paidAt, row.shippedAt, row.deliveredAt, row.returnedAt].filter((t): t is number => t !== undefined));
  const start = Math.min(...times);
  const span = Math.max(...times) - start;
  const scale = options.durationMs !== undefined ? (span === 0 ? 0 : options.durationMs / span) : (options.timeScale ?? DEFAULT_TIME_SCALE);
  const at = (time: number) => Math.floor((time - start) * scale);

  const actions: TrafficAction[] = [];
  for (const row of rows) {
    const kind: OrderAction['kind'] = row.channel === 'store' ? ActionKind.storeOrder : row.channel === 'b2b' ? ActionKind.b2bOrder : ActionKind.storefrontOrder;
    const orderRef = row.orderId;
    actions.push({ kind, atMs: at(row.placedAt), sequence: 0, orderRef, customerNumber: row.customerId, locationCode: kind === ActionKind.storeOrder ? store : warehouse, lines: row.items });
    if (row.paidAt !== undefined) {
      for (const payment of row.payments) actions.push({ kind: ActionKind.paymentCapture, atMs: at(row.paidAt), sequence: 0, orderRef, amountMinor: payment.amountMinor, method: payment.method });
    }
    const carrier = row.carrier ?? 'UPS';
    const trackingNumber = row.trackingNumber ?? syntheticTracking(row.orderId);
    const milestone = (time: number, name: Milestone): TrafficAction => ({ kind: ActionKind.shipmentMilestone, atMs: at(time), sequence: 0, orderRef, milestone: name, carrier, trackingNumber });
    if (row.shippedAt !== undefined) actions.push(milestone(row.shippedAt, 'picked'), milestone(row.shippedAt, 'packed'), milestone(row.shippedAt, 'shipped'));
    if (row.deliveredAt !== undefined) actions.push(milestone(row.deliveredAt, 'delivered'));
    if (row.returnedAt !== undefined) {
      actions.push({
        kind: kind === ActionKind.storefrontOrder ? ActionKind.storefrontReturn : ActionKind.serviceReturnCase,
        atMs: at(row.returnedAt), sequence: 0, orderRef, customerNumber: row.customerId, reason: row.returnReason, quantity: 1,
      });
    }
  }
  // Stable: the stages of one order keep their order when they share a timestamp.
  return actions.sort((a, b) => a.atMs - b.atMs).map((action, sequence) => ({ ...action, sequence }));
}

/** A UPS-shaped tracking number derived from the order id, so a replay is repeatable. */
function syntheticTracking(orderId: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(orderId).digest('hex').slice(0, 14)}`).toString().padStart(16, '0').slice(0, 16);
  return `1Z${digits}`;
}
