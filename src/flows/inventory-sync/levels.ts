import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import { recordVersion } from '../reference/records.ts';
import type { Ownership } from '../ownership.ts';
import type { FlowSettings } from '../settings.ts';

/**
 * Where the hub's own snapshots of the ERP come from (the day-one initial load, backfills):
 * `crossdock://initial-load/<system>`. See `snapshotAwareVersion` for why it matters.
 */
export const SNAPSHOT_SOURCE_PREFIX = 'crossdock://initial-load/';

/**
 * The role whose levels count at a location: `inventory.ownerByLocation[location]` when set
 * (a warehouse run by the WMS), else the `inventory` ownership rule (the ERP by default).
 * Undefined when nobody owns inventory: then every system's level counts.
 */
export function inventoryOwnerAt(location: string, settings: FlowSettings, ownership: Ownership): string | undefined {
  return settings.inventory.ownerByLocation[location] ?? ownership.ownerOf('inventory');
}

/** Units a channel role holds back: its own figure, else the default. */
export function safetyStockOf(channel: string, settings: FlowSettings): number {
  return settings.inventory.safetyStock.byChannel[channel] ?? settings.inventory.safetyStock.default;
}

/**
 * What a channel may sell: the owner's available quantity minus the channel's safety stock,
 * never below 0 (an ERP reports an oversell as negative availability; a shop sells nothing then).
 */
export function channelAvailable(available: number, safetyStock: number): number {
  return Math.max(0, available - safetyStock);
}

/** The level as a channel receives it: the same record with `available` after safety stock. */
export function channelLevel(level: InventoryLevel, channel: string, settings: FlowSettings): InventoryLevel {
  return { ...level, available: channelAvailable(level.available, safetyStockOf(channel, settings)) };
}

/**
 * The order of a level among the levels of its sku@location: newer wins in the read model and
 * in the delivery queues, where an older one arriving late is dropped as stale.
 *
 * It is `recordVersion` (source time in ms, the source's revision as tie-breaker), except for
 * a hub snapshot, which orders just before the second it was taken in. NetSuite stamps changes
 * to the second and its delta poller reads a row's current value some seconds later, so a
 * change stamped in the snapshot's second is at least as new as the snapshot: on such a tie the
 * change must win, or a stock movement made in the first second of a load would be lost.
 */
export function snapshotAwareVersion(level: InventoryLevel, eventSource: string): number {
  if (!eventSource.startsWith(SNAPSHOT_SOURCE_PREFIX)) return recordVersion(level);
  const at = Date.parse(level.sourceTimestamp);
  return Number.isNaN(at) ? 0 : Math.floor(at / 1000) * 1000 - 1;
}
