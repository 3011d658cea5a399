import type { CloudEvent } from '../../src/canonical/cloudevent.ts';
import type { Connector } from '../../src/connectors/connector.ts';
import { createInventorySync } from '../../src/flows/inventory-sync/index.ts';
import { erpLevelEvent } from '../../src/flows/inventory-sync/testing.ts';
import { startRetailWorld, type RetailWorld } from '../../src/flows/testing/world.ts';
import type { DeliveryItem } from '../../src/ports/storage.ts';
import { DEMO_SEED, type DemoSeed } from '../../src/sandboxes/traffic/demo-data.ts';
import { report, round } from '../report.ts';

/** Requests a connector was asked to make per operation (one `deliver` call is one request). */
function countCalls(connector: Connector): Map<string, number> {
  const calls = new Map<string, number>();
  const deliver = connector.deliver.bind(connector);
  (connector as { deliver: Connector['deliver'] }).deliver = (batch: readonly DeliveryItem[], context) => {
    const operation = batch[0]?.operation ?? 'none';
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    return deliver(batch, context);
  };
  return calls;
}

/**
 * Until the flows have read the whole log and no delivery is queued or in flight. Not
 * `world.quiet()`: that runs every poller each round, and the NetSuite sandbox's SuiteQL over
 * thousands of items would be measured instead of the hub.
 */
async function drained(world: RetailWorld, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  for (;;) {
    const { bus, storage } = world.adapters;
    const [head, position, stats] = await Promise.all([bus.head(), bus.position('flows'), storage.delivery.stats()]);
    const busy = stats.reduce((sum, target) => sum + target.pending + target.inFlight, 0);
    calm = head === position && busy === 0 ? calm + 1 : 0;
    if (calm >= 2) return;
    if (Date.now() > deadline) throw new Error(`inventory bench: not drained in ${timeoutMs} ms (log ${position}/${head}, ${busy} deliveries queued)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `skus` items stocked at `locations` places (the DC and stores). Many locations rather than many
 * SKUs: every SKU costs two Salesforce requests when the sandboxes are seeded.
 */
/** Until the flows have read the whole log (every level is in a delivery queue). */
async function flowsCaughtUp(world: RetailWorld, timeoutMs = 600_000): Promise<void> {
  const { bus } = world.adapters;
  const deadline = Date.now() + timeoutMs;
  while ((await bus.position('flows')) < (await bus.head())) {
    if (Date.now() > deadline) throw new Error(`inventory bench: the flows did not read the burst in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function catalogueOf(skus: number, locations: number): DemoSeed {
  const [dc] = DEMO_SEED.locations;
  return {
    ...DEMO_SEED,
    products: Array.from({ length: skus }, (_, index) => ({ sku: `BENCH-${String(index).padStart(5, '0')}`, name: `Bench item ${index}`, family: 'Apparel' as const, listPrice: '10.00' })),
    locations: [dc!, ...Array.from({ length: locations - 1 }, (_, index) => ({ code: `STORE-${String(index + 1).padStart(3, '0')}`, name: `Store ${index + 1}`, kind: 'store' as const, city: 'Chicago', countryCode: 'US' }))],
  };
}

/**
 * Inventory sync end to end: `keys` distinct sku@locations (the ERP's day-one stock is
 * published first, so SKU lookups are warm), then `updatesPerKey` newer levels of every key as
 * one burst through the hub (log → flow → delivery queues → Shopify and Salesforce sandboxes,
 * latency 0). Calls per target against the minimum for the same work: one call per
 * maxBatchSize distinct keys (Shopify inventorySetQuantities 250, Salesforce Collections 200).
 */
async function inventoryScenario(options: { keys: number; locations: number; updatesPerKey: number; publishWindowMs: number }): Promise<void> {
  const catalogue = catalogueOf(Math.ceil(options.keys / options.locations), options.locations);
  const locations = catalogue.locations.map((location) => location.code);
  const world = await startRetailWorld({
    modules: (deps) => [createInventorySync(deps)],
    sandboxes: { catalogue, latency: 'fast' },
    settings: { inventory: { publishWindowMs: options.publishWindowMs } },
    // The pollers are not part of this measurement (the burst is published straight to the log).
    pollEveryMs: 24 * 3_600_000,
  });
  try {
    await drained(world);
    const targets = { commerce: world.connectors.commerce, crm: world.connectors.crm };
    const calls = { commerce: countCalls(targets.commerce), crm: countCalls(targets.crm) };
    const keys = catalogue.products.flatMap((product) => locations.map((location) => ({ sku: product.sku, location }))).slice(0, options.keys);
    const base = Date.now() + 1_000;
    const events: CloudEvent[] = [];
    for (let update = 1; update <= options.updatesPerKey; update++) {
      const at = new Date(base + update * 1_000).toISOString();
      for (const [index, key] of keys.entries()) events.push(erpLevelEvent({ ...key, available: 100 + ((index + update) % 50), at }));
    }
    const started = performance.now();
    for (let from = 0; from < events.length; from += 5_000) await world.publish(events.slice(from, from + 5_000));
    await flowsCaughtUp(world);
    const flowSeconds = (performance.now() - started) / 1000;
    await drained(world);
    const seconds = (performance.now() - started) / 1000;
    const operations = { commerce: 'setInventoryLevel', crm: 'upsertInventoryLevel' } as const;
    for (const role of ['commerce', 'crm'] as const) {
      const { budget } = targets[role];
      const batch = budget.maxBatchSizeByOperation?.[operations[role]] ?? budget.maxBatchSize;
      const minimum = Math.ceil(keys.length / batch);
      const used = calls[role].get(operations[role]) ?? 0;
      report({
        name: `inventory.${role}_calls_vs_min`,
        value: round(used / minimum, 3),
        unit: 'ratio',
        calls: used,
        minimum,
        max_batch: batch,
        keys: keys.length,
        updates: events.length,
        publish_window_ms: options.publishWindowMs,
        // Levels through the flow into the queues; delivery then waits for the window to close.
        levels_per_s: round(events.length / flowSeconds, 1),
        seconds_to_delivered: round(seconds, 2),
        dead: (await world.adapters.storage.delivery.stats(role))[0]?.dead ?? 0,
      });
    }
  } finally {
    await world.close();
  }
}

export async function inventoryBench(options: { quick: boolean }): Promise<void> {
  await inventoryScenario(
    options.quick ? { keys: 1_000, locations: 4, updatesPerKey: 5, publishWindowMs: 5_000 } : { keys: 10_000, locations: 10, updatesPerKey: 10, publishWindowMs: 30_000 },
  );
}
