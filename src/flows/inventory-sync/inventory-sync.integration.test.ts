import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import type { RetailFlowModule } from '../module.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld, type RetailWorldOptions } from '../testing/world.ts';
import { createInventorySync } from './index.ts';
import { inventoryInvariants } from './invariants.ts';
import { salesforceAvailable, shopifyAvailable, wmsOnHand } from './sandbox-stock.ts';
import { adjustNetSuiteStock, adjustWmsStock, erpLevelEvent, stockEverywhere } from './testing.ts';

/**
 * Inventory sync end to end: the five sandboxes, the real connectors and the hub. Every test
 * ends by reading the final state in the systems themselves (NetSuite items, Shopify inventory
 * levels, Salesforce Inventory_Level__c, the WMS's stock).
 */
let world: RetailWorld | undefined;
let module: RetailFlowModule | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Safety stock: 2 units held back from the storefront, 1 from Salesforce. */
const SAFETY = { commerce: 2, crm: 1 };

async function start(options: { inventory?: Record<string, unknown> } & Omit<Partial<RetailWorldOptions>, 'settings'> = {}): Promise<RetailWorld> {
  const { inventory, ...rest } = options;
  world = await startRetailWorld({
    ...rest,
    modules: (deps) => [(module = createInventorySync(deps))],
    settings: { inventory: { publishWindowMs: 50, safetyStock: { byChannel: SAFETY }, ...inventory } },
  });
  await world.quiet();
  return world;
}

const report = () => module!.report!();
const invariant = async (w: RetailWorld) =>
  (await inventoryInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings }))['inventory.channelsMatchErp']!;
/**
 * Waits for a condition while running the pollers (NetSuite reads a change once it has settled,
 * 5 s after it was made), instead of relying on their schedule.
 */
const polling = (w: RetailWorld, probe: () => boolean | Promise<boolean>, what: string) =>
  eventually(async () => {
    await w.pollNow().catch(() => undefined);
    return probe();
  }, what, 20_000);
/**
 * What went to Shopify for a key: every item delivered, the newest last, no value twice. (A
 * level already handed to Shopify when a newer one arrives goes out too, before the newer one:
 * only a waiting update is replaced.)
 */
async function sentToShopify(w: RetailWorld, key: string) {
  const items = (await w.adapters.storage.delivery.find({ key })).filter((item) => item.target === 'commerce');
  const values = items.map((item) => (item.payload as InventoryLevel).available);
  return { allDelivered: items.every((item) => item.status === 'delivered'), values, last: values.at(-1), once: new Set(values).size === values.length };
}
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

describe('inventory sync', () => {
  it('publishes the ERP day-one stock and later NetSuite stock movements to Shopify and Salesforce, minus safety stock', async () => {
    const w = await start();
    expect(stockEverywhere(w.sandboxes, 'TRAIL-TEE-M-BLK@STORE-001')).toEqual({ erp: 300, commerce: 298, crm: 299 });
    expect(salesforceAvailable(w.sandboxes).size).toBe(12);
    expect(await invariant(w)).toMatchObject({ ok: true, details: { keys: 12, mismatches: { commerce: 0, crm: 0 } } });

    adjustNetSuiteStock(w.sandboxes, { sku: 'TRAIL-TEE-M-BLK', location: 'STORE-001', delta: -120 });
    // Below the safety stock: nothing is left to sell in either channel.
    adjustNetSuiteStock(w.sandboxes, { sku: 'CANVAS-CAP-NVY', location: 'DC-EAST', delta: -299 });
    // The poller reads a change once it has settled (5 s), so wait for it rather than for quiet.
    await polling(w, () => shopifyAvailable(w.sandboxes).get('CANVAS-CAP-NVY@DC-EAST') === 0 && shopifyAvailable(w.sandboxes).get('TRAIL-TEE-M-BLK@STORE-001') === 178, 'the stock movements in Shopify');
    await w.quiet();

    expect(stockEverywhere(w.sandboxes, 'TRAIL-TEE-M-BLK@STORE-001')).toEqual({ erp: 180, commerce: 178, crm: 179 });
    expect(stockEverywhere(w.sandboxes, 'CANVAS-CAP-NVY@DC-EAST')).toEqual({ erp: 1, commerce: 0, crm: 0 });
    const level = await w.deps.records.get<InventoryLevel>(RecordEntity.inventory, 'TRAIL-TEE-M-BLK@STORE-001');
    expect(level?.data).toMatchObject({ sourceSystem: 'netsuite', available: 180, onHand: 180 });
    expect(await invariant(w)).toMatchObject({ ok: true });
    const counts = await report();
    expect(counts['inventory.levels_received']).toBeGreaterThanOrEqual(14);
    expect(counts['inventory.levels_published']).toBeGreaterThanOrEqual(14);
    expect(counts['inventory.ignored_non_owner']).toBe(0);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  }, 40_000);

  it('takes a WMS-owned location from the WMS only, through duplicated and reordered webhooks', async () => {
    const w = await start({ inventory: { ownerByLocation: { 'DC-EAST': 'wms' } } });
    // The ERP's day-one levels of the WMS's location were not the owner's.
    expect((await report())['inventory.ignored_non_owner']).toBe(6);
    expect(await w.deps.records.get(RecordEntity.inventory, 'FLEECE-HOOD-L-GRY@DC-EAST')).toBeUndefined();

    w.sandboxes.wms.faults.set({ webhooks: { duplicateRate: 1, reorderWindow: 3 } });
    await adjustWmsStock(w.sandboxes, { sku: 'FLEECE-HOOD-L-GRY', quantity: -10 });
    await adjustWmsStock(w.sandboxes, { sku: 'FLEECE-HOOD-L-GRY', quantity: -20 });
    await adjustWmsStock(w.sandboxes, { sku: 'FLEECE-HOOD-L-GRY', quantity: 5 });
    // The ERP's view of the same location is ignored; its store level still counts.
    adjustNetSuiteStock(w.sandboxes, { sku: 'FLEECE-HOOD-L-GRY', location: 'DC-EAST', delta: -50 });
    adjustNetSuiteStock(w.sandboxes, { sku: 'FLEECE-HOOD-L-GRY', location: 'STORE-001', delta: -7 });
    // Both rows of the item come in one poll: the store's level arriving means DC-EAST's was seen too.
    await polling(w, () => shopifyAvailable(w.sandboxes).get('FLEECE-HOOD-L-GRY@STORE-001') === 291 && shopifyAvailable(w.sandboxes).get('FLEECE-HOOD-L-GRY@DC-EAST') === 273, 'the changes in Shopify');
    await w.quiet();

    const key = 'FLEECE-HOOD-L-GRY@DC-EAST';
    expect(stockEverywhere(w.sandboxes, key)).toEqual({ erp: 250, commerce: 273, crm: 274 });
    expect((await wmsOnHand(w.sandboxes, 'DC-EAST')).get(key)).toBe(275);
    expect(stockEverywhere(w.sandboxes, 'FLEECE-HOOD-L-GRY@STORE-001')).toEqual({ erp: 293, commerce: 291, crm: 292 });
    const level = await w.deps.records.get<InventoryLevel>(RecordEntity.inventory, key);
    expect(level?.data).toMatchObject({ sourceSystem: 'wms', onHand: 275, available: 275 });
    expect((await report())['inventory.ignored_non_owner']).toBeGreaterThanOrEqual(7);
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  }, 40_000);

  it('drops a duplicate level and an older level arriving after a newer one', async () => {
    const w = await start();
    const key = 'MERINO-SOCK-M-GRY@STORE-001';
    const older = erpLevelEvent({ sku: 'MERINO-SOCK-M-GRY', location: 'STORE-001', available: 80, at: inSeconds(1) });
    const newer = erpLevelEvent({ sku: 'MERINO-SOCK-M-GRY', location: 'STORE-001', available: 50, at: inSeconds(2) });
    await w.publish([newer, { ...newer, id: `${newer.id}-redelivered` }, older]);
    await w.quiet();
    expect(stockEverywhere(w.sandboxes, key)).toMatchObject({ commerce: 48, crm: 49 });
    // Late again, on its own: still not published.
    await w.publish([{ ...older, id: `${older.id}-late` }]);
    await w.quiet();

    expect(stockEverywhere(w.sandboxes, key)).toMatchObject({ commerce: 48, crm: 49 });
    expect((await w.deps.records.get<InventoryLevel>(RecordEntity.inventory, key))?.data.available).toBe(50);
    const sent = (await w.adapters.storage.delivery.find({ key })).map((item) => [item.target, (item.payload as InventoryLevel).available]);
    // Day one (300 minus safety stock), then the newest level; the older one never went out.
    expect(sent.sort()).toEqual([
      ['commerce', 298],
      ['commerce', 48],
      ['crm', 299],
      ['crm', 49],
    ]);
    const counts = await report();
    expect(counts['inventory.levels_stale']).toBe(3);
  }, 30_000);

  it('holds storefront updates while Shopify is down and delivers the newest level once it is back', async () => {
    const w = await start({ delivery: { retry: { maxAttempts: 40, initialDelayMs: 20, maxDelayMs: 200 }, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 200 } } });
    w.sandboxes.shopify.faults.set({ downtime: [{ from: Date.now(), to: Date.now() + 2_500 }] });
    await w.publish(['TRAIL-RUNNER-42-BLU', 'RAIN-JACKET-M-NVY'].map((sku) => erpLevelEvent({ sku, location: 'DC-EAST', available: 40, at: inSeconds(1) })));
    await eventually(() => salesforceAvailable(w.sandboxes).get('RAIN-JACKET-M-NVY@DC-EAST') === 39, 'Salesforce updated while Shopify is down');
    // A newer level while the storefront is still down replaces the one waiting for it.
    await w.publish(['TRAIL-RUNNER-42-BLU', 'RAIN-JACKET-M-NVY'].map((sku) => erpLevelEvent({ sku, location: 'DC-EAST', available: 30, at: inSeconds(2) })));
    const delayed = module!.healthPanels!.find((panel) => panel.id === 'inventory-updates-delayed')!;
    const duringOutage = await delayed.evaluate({ storage: w.adapters.storage, bus: w.adapters.bus, now: Date.now() + 301_000 });
    expect(duringOutage).toMatchObject({ status: 'warning', value: 2 });
    expect(duringOutage.items?.map((item) => item.businessKey).sort()).toEqual(['RAIN-JACKET-M-NVY@DC-EAST', 'TRAIL-RUNNER-42-BLU@DC-EAST']);

    await eventually(() => shopifyAvailable(w.sandboxes).get('TRAIL-RUNNER-42-BLU@DC-EAST') === 28, 'Shopify updated after the outage', 15_000);
    await w.quiet();
    for (const sku of ['TRAIL-RUNNER-42-BLU', 'RAIN-JACKET-M-NVY']) {
      expect(stockEverywhere(w.sandboxes, `${sku}@DC-EAST`)).toEqual({ erp: 300, commerce: 28, crm: 29 });
      expect(await sentToShopify(w, `${sku}@DC-EAST`)).toEqual({ allDelivered: true, values: expect.arrayContaining([298, 28]), last: 28, once: true });
    }
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
    expect((await delayed.evaluate({ storage: w.adapters.storage, bus: w.adapters.bus, now: Date.now() + 301_000 })).value).toBe(0);
  }, 40_000);

  it('loses nothing in a 429 storm from Shopify', async () => {
    const w = await start();
    let throttled = 0;
    w.retail.hub.delivery.events.on('throttled', (event: { target: string }) => {
      if (event.target === 'commerce') throttled++;
    });
    w.sandboxes.shopify.faults.set({ errorRates: { 429: 1 } });
    const skus = w.sandboxes.directory.catalogue.products.map((product) => product.sku);
    const events = skus.flatMap((sku, index) =>
      ['DC-EAST', 'STORE-001'].flatMap((location) => [1, 2, 3].map((round) => erpLevelEvent({ sku, location, available: 100 + index * 10 + round, at: inSeconds(round) }))),
    );
    await w.publish(events);
    await eventually(() => throttled >= 2, 'Shopify throttling the hub', 10_000);
    w.sandboxes.shopify.faults.set({});
    await w.quiet();

    const shopify = shopifyAvailable(w.sandboxes);
    const salesforce = salesforceAvailable(w.sandboxes);
    skus.forEach((sku, index) => {
      for (const location of ['DC-EAST', 'STORE-001']) {
        expect(shopify.get(`${sku}@${location}`)).toBe(100 + index * 10 + 3 - SAFETY.commerce);
        expect(salesforce.get(`${sku}@${location}`)).toBe(100 + index * 10 + 3 - SAFETY.crm);
      }
    });
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  }, 40_000);

  it('resumes after a restart of the hub mid-way, publishing each newest level once', async () => {
    const w = await start({ delivery: { retry: { maxAttempts: 40, initialDelayMs: 20, maxDelayMs: 200 }, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 200 } } });
    w.sandboxes.shopify.faults.set({ downtime: [{ from: Date.now(), to: Date.now() + 600_000 }] });
    const skus = ['TRAIL-RUNNER-42-BLU', 'FLEECE-HOOD-L-GRY', 'TRAIL-TEE-M-BLK'];
    await w.publish(skus.map((sku) => erpLevelEvent({ sku, location: 'STORE-001', available: 60, at: inSeconds(1) })));
    await eventually(() => salesforceAvailable(w.sandboxes).get('TRAIL-TEE-M-BLK@STORE-001') === 59, 'Salesforce updated');
    // More levels, then the hub stops before (or while) it handles them.
    await w.publish(skus.map((sku) => erpLevelEvent({ sku, location: 'STORE-001', available: 55, at: inSeconds(2) })));
    await w.restartHub();
    w.sandboxes.shopify.faults.set({});
    await eventually(() => shopifyAvailable(w.sandboxes).get('TRAIL-TEE-M-BLK@STORE-001') === 53, 'Shopify updated after the restart', 15_000);
    await w.quiet();

    for (const sku of skus) {
      const key = `${sku}@STORE-001`;
      expect(stockEverywhere(w.sandboxes, key)).toEqual({ erp: 300, commerce: 53, crm: 54 });
      expect(await sentToShopify(w, key)).toEqual({ allDelivered: true, values: expect.arrayContaining([298, 53]), last: 53, once: true });
    }
    expect(await w.adapters.storage.deadLetters.count({ status: 'open' })).toBe(0);
  }, 40_000);
});
