import type { NewDeliveryItem } from '../../src/ports/storage.ts';
import { ShopifyOperation } from '../../src/connectors/shopify/outbound.ts';
import { catalogue, connectedSandbox } from '../../src/connectors/shopify/testing.ts';
import { report, round } from '../report.ts';
import { drainThroughEngine } from './drain.ts';

const LOCATIONS = ['MAIN-WAREHOUSE', 'DOWNTOWN-STORE'];

/**
 * Shopify inventory through the engine: `keys` distinct sku@location levels, `updates` updates
 * spread over them (newest wins). The minimum is one inventorySetQuantities call per 250 keys.
 */
async function inventoryScenario(name: string, options: { keys: number; updates: number }): Promise<void> {
  const skus = catalogue(Math.ceil(options.keys / LOCATIONS.length));
  const { sandbox, connector } = await connectedSandbox({ seed: { catalog: skus } });
  try {
    const keys = skus.flatMap((entry) => LOCATIONS.map((locationCode) => ({ sku: entry.sku, locationCode }))).slice(0, options.keys);
    // The hub knows each SKU's Shopify inventory item from its cross-references (catalogue sync),
    // so updates carry it and the run measures inventory writes, not one-off SKU lookups.
    const inventoryItemId = (sku: string) => `gid://shopify/InventoryItem/${sandbox.store.variantBySku(sku)!.inventoryItemId}`;
    const items: NewDeliveryItem[] = Array.from({ length: options.updates }, (_, index) => {
      const { sku, locationCode } = keys[index % keys.length]!;
      const key = `${sku}@${locationCode}`;
      const payload = { sku, locationCode, inventoryItemId: inventoryItemId(sku), available: index % 500 };
      return { target: 'commerce', kind: 'state', key, operation: ShopifyOperation.setInventoryLevel, payload, idempotencyKey: `${key}#${index}`, version: index };
    });
    const result = await drainThroughEngine(connector, items, keys.length);
    const minimum = Math.ceil(keys.length / 250);
    report({
      name: `shopify.calls_vs_min${name}`,
      value: round(connector.calls.mutation / minimum, 3),
      unit: 'ratio',
      calls: connector.calls.mutation,
      minimum,
      lookups: connector.calls.query,
      throttled_after_first: Math.max(0, connector.calls.throttled - 1),
      updates: options.updates,
      keys: keys.length,
      records_per_s: round(result.delivered / result.seconds, 1),
      complete: result.complete,
    });
  } finally {
    await sandbox.close();
  }
}

export async function shopifyBench(options: { quick: boolean }): Promise<void> {
  await inventoryScenario('', { keys: options.quick ? 2_000 : 10_000, updates: options.quick ? 2_000 : 10_000 });
  await inventoryScenario('_coalescing', { keys: options.quick ? 2_000 : 10_000, updates: options.quick ? 20_000 : 100_000 });
}
