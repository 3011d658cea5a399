import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../adapters/sqlite/index.ts';
import type { EmbeddedAdapters } from '../../adapters/sqlite/index.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { NewDeliveryItem } from '../../ports/storage.ts';
import { DeliveryEngine } from '../../runtime/delivery/engine.ts';
import type { RunningShopifySandbox } from '../../sandboxes/shopify/index.ts';
import { ShopifyOperation } from './outbound.ts';
import { catalogue, connectedSandbox } from './testing.ts';

let sandbox: RunningShopifySandbox | undefined;
let adapters: EmbeddedAdapters | undefined;
let engine: DeliveryEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  await adapters?.close();
  await sandbox?.close();
  engine = undefined;
  adapters = undefined;
  sandbox = undefined;
});

describe('Shopify connector behind the delivery engine', () => {
  it('coalesces 1,000 updates over 300 keys into the minimum of inventorySetQuantities calls, without THROTTLED', async () => {
    const skus = catalogue(150);
    const connected = await connectedSandbox({ seed: { catalog: skus } });
    sandbox = connected.sandbox;
    adapters = await openSqlite({ path: ':memory:' });
    engine = new DeliveryEngine({ storage: adapters.storage, targets: [connected.connector], idlePollMs: 20 });
    const keys = skus.flatMap((entry) => ['MAIN-WAREHOUSE', 'DOWNTOWN-STORE'].map((locationCode) => ({ sku: entry.sku, locationCode })));
    const newest = new Map<string, number>();
    const items: NewDeliveryItem[] = Array.from({ length: 1000 }, (_, index) => {
      const { sku, locationCode } = keys[(index * 7) % keys.length]!;
      const key = `${sku}@${locationCode}`;
      newest.set(key, index);
      return { target: 'commerce', kind: 'state', key, operation: ShopifyOperation.setInventoryLevel, payload: { sku, locationCode, available: index }, idempotencyKey: `${key}#${index}`, version: index };
    });
    await engine.enqueue(items);
    await engine.start();
    await eventually(async () => {
      const [stats] = await adapters!.storage.delivery.stats('commerce');
      return stats && stats.pending === 0 && stats.inFlight === 0 && stats.delivered === keys.length;
    }, 'every key delivered', 20_000);
    for (const [key, available] of newest) {
      const [sku, code] = key.split('@') as [string, string];
      const variant = sandbox.store.variantBySku(sku)!;
      const location = [...sandbox.store.locations.values()].find((candidate) => candidate.name.toUpperCase().replace(/[^A-Z0-9]+/g, '-') === code)!;
      expect(sandbox.store.inventoryLevels.get(sandbox.store.levelKey(variant.inventoryItemId, location.id))?.quantities.available).toBe(available);
    }
    const minimum = Math.ceil(keys.length / 250);
    const { calls } = connected.connector;
    expect(calls.mutation).toBe(minimum);
    expect(calls.throttled).toBe(0);
  });
});
