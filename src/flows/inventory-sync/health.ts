import { PanelStatus, type HealthPanel } from '../../console/health/panels.ts';
import type { FreshnessTracker } from './freshness.ts';

/** Delayed updates looked at per evaluation; beyond, the count is shown as "at least". */
const SCAN_LIMIT = 1_000;
const ITEMS_SHOWN = 20;
const CRITICAL_FROM = 10;

function duration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}

/**
 * "Inventory updates delayed past threshold": availability updates still queued (pending or in
 * flight, e.g. a channel down or throttling) whose oldest undelivered change is older than
 * `inventory.delayedAfterSeconds`. One line per sku@location and channel.
 */
export function delayedInventoryPanel(options: { delayedAfterSeconds: number; operations: readonly string[] }): HealthPanel {
  const thresholdMs = options.delayedAfterSeconds * 1000;
  return {
    id: 'inventory-updates-delayed',
    title: 'Inventory updates delayed',
    area: 'inventory',
    async evaluate({ storage, now }) {
      const late = await storage.delivery.unfinishedOlderThan({ operations: options.operations, enqueuedBefore: now - thresholdMs, limit: SCAN_LIMIT });
      const count = late.length;
      return {
        status: count === 0 ? PanelStatus.ok : count >= CRITICAL_FROM ? PanelStatus.critical : PanelStatus.warning,
        value: count,
        ...(count >= SCAN_LIMIT && { atLeast: true }),
        summary: `${count} inventory ${count === 1 ? 'update' : 'updates'} not delivered after ${duration(thresholdMs)}`,
        items: late.slice(0, ITEMS_SHOWN).map((item) => ({
          businessKey: item.key,
          detail: `${item.target} (${item.operation}) waiting ${duration(now - item.enqueuedAt)}${item.lastError ? `: ${item.lastError.message}` : ''}`,
          since: item.enqueuedAt,
        })),
      };
    },
  };
}

/**
 * "Inventory data freshness": how old the newest stock level the hub accepted is (by the time
 * the stock changed at the source). A silent ERP poller or a stopped webhook shows here first.
 */
export function inventoryFreshnessPanel(options: { warningAfterMinutes: number; freshness: FreshnessTracker }): HealthPanel {
  const warningMs = options.warningAfterMinutes * 60_000;
  return {
    id: 'inventory-data-freshness',
    title: 'Inventory data freshness',
    area: 'inventory',
    async evaluate({ now }) {
      const newest = await options.freshness.read();
      if (!newest) return { status: PanelStatus.warning, value: 0, summary: 'no stock level received yet' };
      const ageMs = Math.max(0, now - Date.parse(newest.sourceTimestamp));
      return {
        status: ageMs > warningMs ? PanelStatus.warning : PanelStatus.ok,
        value: Math.round(ageMs / 60_000),
        summary: `newest stock level is ${duration(ageMs)} old (${newest.key})`,
        items: [{ businessKey: newest.key, detail: `changed ${duration(ageMs)} ago, received ${duration(now - newest.receivedAt)} ago`, since: Date.parse(newest.sourceTimestamp) }],
      };
    },
  };
}
