import type { RetailFlowDependencies, RetailFlowModule } from '../module.ts';
import { InventoryCounters, inventorySyncFlow, operationsByChannel } from './flow.ts';
import { FreshnessTracker } from './freshness.ts';
import { delayedInventoryPanel, inventoryFreshnessPanel } from './health.ts';
import { PublishWindow } from './publish-window.ts';
import { inventoryRepublishFlow } from './republish.ts';

export { INVENTORY_LEVEL_CHANGED, INVENTORY_SYNC_FLOW } from './flow.ts';
export { INVENTORY_REPUBLISH_FLOW } from './republish.ts';

/**
 * Inventory sync (flow 1 of docs/flows.md): the owner's stock levels (the ERP's, or the WMS's
 * where it owns a location) become the `inventory-level` read model, and every channel
 * (storefront, Salesforce) receives the newest available quantity per sku@location minus its
 * safety stock, coalesced and batched; after an order is held, rejected, cancelled or refunded the
 * owner's level is sent again, so a storefront's own stock moves do not linger.
 * See docs/flows/inventory-sync.md.
 *
 * @example
 * const world = await startRetailWorld({ modules: (deps) => [createInventorySync(deps)] });
 */
export function createInventorySync(deps: RetailFlowDependencies): RetailFlowModule {
  const counters = new InventoryCounters();
  const freshness = new FreshnessTracker(deps.records, deps.clock);
  const window = new PublishWindow(deps.settings.inventory.publishWindowMs, deps.clock);
  const operations = operationsByChannel(deps).map(([, operation]) => operation);
  return {
    name: 'inventory-sync',
    flows: [inventorySyncFlow(deps, { counters, window, freshness }), inventoryRepublishFlow(deps, { counters, window })],
    healthPanels: [
      delayedInventoryPanel({ delayedAfterSeconds: deps.settings.inventory.delayedAfterSeconds, operations }),
      inventoryFreshnessPanel({ warningAfterMinutes: deps.settings.inventory.freshnessWarningMinutes, freshness }),
    ],
    async report() {
      return {
        'inventory.levels_received': counters.received,
        'inventory.levels_published': counters.published,
        'inventory.ignored_non_owner': counters.ignoredNonOwner,
        'inventory.levels_stale': counters.stale,
        'inventory.levels_republished': counters.republished,
      };
    },
  };
}
