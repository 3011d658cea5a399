import { inventoryKey, type InventoryLevel } from '../../canonical/inventory-level.ts';
import type { EnqueueOutcome } from '../../ports/storage.ts';
import { defineFlow, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { roleOfSystem, type RetailFlowDependencies } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import type { FreshnessTracker } from './freshness.ts';
import { channelLevel, inventoryOwnerAt, snapshotAwareVersion } from './levels.ts';
import type { PublishWindow } from './publish-window.ts';

export const INVENTORY_LEVEL_CHANGED = 'retail.inventory.level-changed.v1';
export const INVENTORY_SYNC_FLOW = 'inventory-sync';

/** What the module counts since the hub started (the demo report's `inventory.*` figures). */
export class InventoryCounters {
  /** Level events handled, from every system. */
  received = 0;
  /** Owner's levels handed to at least one channel's queue (not stale). */
  published = 0;
  /** Levels from a system that does not own the location's stock. */
  ignoredNonOwner = 0;
  /** Owner's levels older than one already known for the key (late or duplicate). */
  stale = 0;
  /** Owner's levels sent to the channels again after an order was held, rejected, cancelled or refunded. */
  republished = 0;
}

/**
 * One pass per `inventory.level-changed` event, stateless (nothing to wait for; a redelivered
 * event enqueues nothing twice because every delivery is keyed by the event):
 * 1. a level from a system that does not own the location's stock is ignored and counted;
 * 2. the owner's level goes into the `inventory-level` read model (newest version wins);
 * 3. each channel (`inventory.channels`) gets the level with `available` after its safety stock,
 *    as a state update keyed sku@location with the level's version, so a newer pending update
 *    replaces an older one and an older one arriving late is dropped. Updates are held for the
 *    publish window so they leave in full batches.
 */
export function inventorySyncFlow(
  deps: RetailFlowDependencies,
  parts: { counters: InventoryCounters; window: PublishWindow; freshness: FreshnessTracker },
): FlowDefinition {
  const { settings, records } = deps;
  const { counters, window, freshness } = parts;
  const operations = operationsByChannel(deps);
  return defineFlow({
    name: INVENTORY_SYNC_FLOW,
    durable: false,
    startsOn: [INVENTORY_LEVEL_CHANGED],
    async run(ctx, event) {
      const level = event.data as InventoryLevel;
      const key = inventoryKey(level);
      counters.received++;
      const owner = inventoryOwnerAt(level.locationCode, settings, deps.ownership);
      if (owner !== undefined && roleOfSystem(deps.systems, level.sourceSystem) !== owner) {
        counters.ignoredNonOwner++;
        return;
      }
      const version = snapshotAwareVersion(level, event.source);
      const now = deps.clock();
      const stored = await records.put({ entity: RecordEntity.inventory, key, data: level, version }, now);
      if (!stored) {
        // Not newer than the read model. Equal is a redelivery after a crash between the write
        // and the enqueue: publish again (the queues drop what they already have). Older is stale.
        const current = await records.get(RecordEntity.inventory, key);
        if (current && current.version > version) {
          counters.stale++;
          return;
        }
      }
      await freshness.observe({ key, sourceTimestamp: level.sourceTimestamp, receivedAt: now });
      const outcomes: EnqueueOutcome[] = [];
      for (const [channel, operation] of operations) {
        const published = channelLevel(level, channel, settings);
        outcomes.push(
          await ctx.deliver(`publish-${channel}`, {
            target: channel,
            kind: 'state',
            key,
            operation,
            payload: published,
            version,
            availableAt: window.dueAt(channel),
            context: { entity: 'inventory-level', businessKey: key, sku: level.sku, location: level.locationCode, available: published.available },
          }),
        );
      }
      if (outcomes.some((outcome) => outcome.outcome === 'enqueued' || outcome.outcome === 'coalesced')) counters.published++;
      else if (outcomes.some((outcome) => outcome.outcome === 'stale')) counters.stale++;
    },
  });
}

/** The channels and the operation that sets availability in each; an unknown one is a configuration error. */
export function operationsByChannel(deps: RetailFlowDependencies): [string, string][] {
  const { channels, operationByChannel } = deps.settings.inventory;
  return channels.map((channel) => {
    const operation = operationByChannel[channel];
    if (!operation) {
      throw new Error(
        `flows.inventory.channels names "${channel}" but flows.inventory.operationByChannel has no operation for it; add e.g. ${channel}: setInventoryLevel`,
      );
    }
    return [channel, operation];
  });
}
