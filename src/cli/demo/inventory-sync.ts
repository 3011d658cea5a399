import type { CloudEvent } from '../../canonical/cloudevent.ts';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import { inventoryKey, type InventoryLevel } from '../../canonical/inventory-level.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { defineFlow } from '../../runtime/flows/definition.ts';
import { RecordingTarget } from '../../runtime/testing/recording-target.ts';
import type { DemoScenario } from './scenario.ts';

export const INVENTORY_LEVEL_CHANGED = 'retail.inventory.level-changed.v1' as const;

/** A store chain's slice: enough keys for parallelism, few enough that hot keys coalesce. */
const SKUS = Array.from({ length: 40 }, (_, index) => `TSHIRT-${['RED', 'BLUE', 'BLACK', 'WHITE'][index % 4]}-${['S', 'M', 'L', 'XL', 'XXL'][Math.floor(index / 4) % 5]}-${Math.floor(index / 20) + 1}`);
const LOCATIONS = ['DC-EAST', 'DC-WEST', 'STORE-0042', 'STORE-0107', 'STORE-0230'];
/** Each request to the stand-in storefront takes this long. */
const STOREFRONT_REQUEST_MS = 40;
/** Share of updates that hit the bestsellers (the first fifth of the SKUs): hot keys coalesce. */
const BESTSELLER_SHARE = 0.8;

/**
 * The embedded demo: inventory levels from the ERP flow through the stateless
 * `inventory-sync-demo` flow to a stand-in `commerce` target, which receives only the newest
 * level per sku@location (state updates coalesce while the storefront is busy).
 */
export function inventorySyncScenario(): DemoScenario {
  let coalesced = 0;
  let stale = 0;
  // A stand-in budget (the Shopify connector will declare the real one): up to 250 levels per
  // request and a quota shared with other apps of 5 requests per second, one at a time. Updates
  // that arrive while a level waits for its turn replace it (coalescing) instead of queueing.
  const budget = { maxBatchSize: 250, concurrency: 1, requests: { limit: 5, windowMs: 1000 } };
  const commerce = new RecordingTarget('commerce', budget, async (batch: readonly DeliveryItem[]) => {
    await new Promise((resolve) => setTimeout(resolve, STOREFRONT_REQUEST_MS));
    return batch.map(() => ({ ok: true as const }));
  });
  const sequences = new Map<string, number>();

  const flow = defineFlow({
    name: 'inventory-sync-demo',
    durable: false,
    startsOn: [INVENTORY_LEVEL_CHANGED],
    async run(ctx, event) {
      const level = event.data as InventoryLevel;
      const outcome = await ctx.deliver('publish-level', {
        target: 'commerce',
        kind: 'state',
        key: inventoryKey(level),
        operation: 'setInventoryLevel',
        payload: { sku: level.sku, locationCode: level.locationCode, available: level.available },
        ...(level.sourceSequence !== undefined && { version: level.sourceSequence }),
        context: { entity: 'inventory-level', businessKey: inventoryKey(level) },
      });
      if (outcome.outcome === 'coalesced') coalesced++;
      if (outcome.outcome === 'stale') stale++;
    },
  });

  return {
    name: 'inventory-sync',
    description: 'ERP inventory levels → inventory-sync-demo flow → commerce (newest level per sku@location wins)',
    targets: [commerce],
    flows: [flow],
    nextEvent(random, sequence): CloudEvent {
      const bestsellers = Math.ceil(SKUS.length / 5);
      const sku = random() < BESTSELLER_SHARE ? SKUS[Math.floor(random() * bestsellers)]! : SKUS[bestsellers + Math.floor(random() * (SKUS.length - bestsellers))]!;
      const locationCode = LOCATIONS[Math.floor(random() * LOCATIONS.length)]!;
      const key = `${sku}@${locationCode}`;
      const sourceSequence = (sequences.get(key) ?? 0) + 1;
      sequences.set(key, sourceSequence);
      const onHand = Math.floor(random() * 120);
      const reserved = Math.min(onHand, Math.floor(random() * 10));
      const now = new Date().toISOString();
      const level: InventoryLevel = {
        hubId: `inv_${sku}_${locationCode}`,
        externalIds: { netsuite: `${1000 + SKUS.indexOf(sku)}-${locationCode}` },
        sourceSystem: 'netsuite',
        sourceTimestamp: now,
        version: sourceSequence,
        schemaVersion: 1,
        sku,
        locationCode,
        onHand,
        reserved,
        available: onHand - reserved,
        sourceSequence,
      };
      // Validated against the canonical schema: the demo plays what a connector would emit.
      return createRetailEvent({
        type: INVENTORY_LEVEL_CHANGED,
        data: level,
        source: 'crossdock://demo/netsuite',
        id: `demo-${sequence}`,
        time: now,
        correlationId: `demo-${sequence}`,
      });
    },
    counters: () => ({ coalesced, stale, requests: commerce.requests.length }),
  };
}
