import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import type { Order } from '../../canonical/order.ts';
import type { EnqueueOutcome } from '../../ports/storage.ts';
import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import type { InventoryCounters } from './flow.ts';
import { operationsByChannel } from './flow.ts';
import { channelLevel } from './levels.ts';
import type { PublishWindow } from './publish-window.ts';

export const INVENTORY_REPUBLISH_FLOW = 'inventory-sync.republish';

/**
 * The events after which a channel may hold stock the owner does not: an order the hub held,
 * rejected or saw cancelled (a storefront took its units off its own stock at checkout, the
 * owner never will, or a cancellation put them back there), and a refund of goods (a storefront
 * restocks a return at once; the owner only when the goods are received).
 */
export const StockReleasingEvent = {
  /** Order capture announces a hold (status `on-hold`) and a release from it with this type. */
  orderStatusChanged: 'retail.order.status-changed.v1',
  orderRejected: 'retail.order.rejected.v1',
  orderCancelled: 'retail.order.cancelled.v1',
  refundIssued: 'retail.refund.issued.v1',
} as const;

/**
 * Re-publishes the owner's current level (from the `inventory-level` read model, minus each
 * channel's safety stock) for every sku@location of an order that will not be booked as it was
 * placed, so a storefront's own checkout decrement (or restock) does not linger: the owner's
 * level never moves for such an order, so no new level would otherwise correct it.
 *
 * Each update is the read model's level at the read model's version, sent as `reassert`: the
 * delivery queue takes it again although that version went out before, and still drops it as
 * stale when a newer level was queued meanwhile, so a re-publish never overwrites a newer
 * level. It joins the publish window like any level, so it coalesces with pending ones.
 * Stateless (`durable: false`): every effect is keyed by the event.
 */
export function inventoryRepublishFlow(deps: RetailFlowDependencies, parts: { counters: InventoryCounters; window: PublishWindow }): FlowDefinition {
  const { settings, records } = deps;
  const { counters, window } = parts;
  const operations = operationsByChannel(deps);
  return defineFlow({
    name: INVENTORY_REPUBLISH_FLOW,
    durable: false,
    startsOn: Object.values(StockReleasingEvent),
    async run(ctx, event) {
      const keys = await keysReleasedBy(event, deps);
      for (const key of keys) {
        const current = await records.get<InventoryLevel>(RecordEntity.inventory, key);
        // No owner's level (an unknown sku, a location the owner never reported): nothing to restore.
        if (!current) continue;
        const outcomes: EnqueueOutcome[] = [];
        for (const [channel, operation] of operations) {
          const published = channelLevel(current.data, channel, settings);
          outcomes.push(
            await ctx.deliver(`republish-${channel}-${key}`, {
              target: channel,
              kind: 'state',
              key,
              operation,
              payload: published,
              version: current.version,
              reassert: true,
              availableAt: window.dueAt(channel),
              context: { entity: 'inventory-level', businessKey: key, sku: published.sku, location: published.locationCode, available: published.available, reason: event.type, orderNumber: event.subject },
            }),
          );
        }
        if (outcomes.some((outcome) => outcome.outcome === 'enqueued' || outcome.outcome === 'coalesced')) counters.republished++;
      }
    },
  });
}

/**
 * The sku@location keys whose channel stock the event may have moved: the order's (or the
 * refund's) skus at the order's fulfilment location — from the event, else from the order read
 * model (a storefront cancellation or refund does not carry it), else the default location.
 * Empty for a status change other than a hold.
 */
export async function keysReleasedBy(event: CloudEvent, deps: RetailFlowDependencies): Promise<string[]> {
  // An Order, or a Refund (its lines carry skus and it names its order).
  const data = (event.data ?? {}) as { status?: string; orderNumber?: string; lines?: { sku?: unknown }[]; fulfilment?: Partial<Order['fulfilment']> };
  if (event.type === StockReleasingEvent.orderStatusChanged && data.status !== 'on-hold') return [];
  const skus = new Set((data.lines ?? []).map((line) => line.sku).filter((sku): sku is string => typeof sku === 'string' && sku !== ''));
  if (skus.size === 0) return [];
  // A refund's subject is the refund, not its order.
  const orderNumber = event.type === StockReleasingEvent.refundIssued ? data.orderNumber : (data.orderNumber ?? event.subject);
  const location = data.fulfilment?.locationCode ?? (orderNumber ? await orderLocation(deps, orderNumber) : undefined) ?? deps.settings.orders.defaultFulfilmentLocation;
  return [...skus].map((sku) => `${sku}@${location}`);
}

async function orderLocation(deps: RetailFlowDependencies, orderNumber: string): Promise<string | undefined> {
  return (await deps.records.get<Order>(RecordEntity.order, orderNumber))?.data.fulfilment?.locationCode;
}
