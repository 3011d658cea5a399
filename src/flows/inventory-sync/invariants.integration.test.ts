import { afterEach, describe, expect, it } from 'vitest';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { createInventorySync } from './index.ts';
import { inventoryInvariants } from './invariants.ts';
import { adjustNetSuiteStock, stockEverywhere } from './testing.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('inventory.channelsMatchErp', () => {
  it('holds once the day-one stock is published, and names the keys a channel got wrong', async () => {
    world = await startRetailWorld({ modules: (deps) => [createInventorySync(deps)], settings: { inventory: { publishWindowMs: 20 } } });
    await world.quiet();
    const check = () => inventoryInvariants({ sandboxes: world!.sandboxes, records: world!.deps.records, storage: world!.adapters.storage, settings: world!.deps.settings });
    expect((await check())['inventory.channelsMatchErp']).toEqual({
      ok: true,
      details: { keys: 12, channels: ['commerce', 'crm'], mismatches: { commerce: 0, crm: 0 }, examples: [] },
    });

    // Someone edits the storefront by hand: one level drifts from the ERP.
    const { store } = world.sandboxes.shopify;
    const level = [...store.inventoryLevels.values()].find((candidate) => store.inventoryItems.get(candidate.inventoryItemId)?.sku === 'CANVAS-CAP-NVY' && store.locations.get(candidate.locationId)?.name.startsWith('STORE-001'));
    level!.quantities.available = 5;
    expect((await check())['inventory.channelsMatchErp']).toEqual({
      ok: false,
      details: { keys: 12, channels: ['commerce', 'crm'], mismatches: { commerce: 1, crm: 0 }, examples: [{ key: 'CANVAS-CAP-NVY@STORE-001', channel: 'commerce', expected: 298, actual: 5 }] },
    });
  }, 30_000);

  it('holds after a stock movement made just before the report, once quiet has waited out the ERP pollers\' settle window', async () => {
    world = await startRetailWorld({ modules: (deps) => [createInventorySync(deps)], settings: { inventory: { publishWindowMs: 20 } } });
    await world.quiet();
    adjustNetSuiteStock(world.sandboxes, { sku: 'TRAIL-TEE-M-BLK', location: 'DC-EAST', delta: -40 });
    // As the demo does: no poll on demand, only quiet told how long the ERP's pollers lag.
    await world.quiet({ erpSettleMs: 7_000 });
    const check = await inventoryInvariants({ sandboxes: world.sandboxes, records: world.deps.records, storage: world.adapters.storage, settings: world.deps.settings });
    expect(check['inventory.channelsMatchErp']).toMatchObject({ ok: true, details: { mismatches: { commerce: 0, crm: 0 } } });
    expect(stockEverywhere(world.sandboxes, 'TRAIL-TEE-M-BLK@DC-EAST')).toEqual({ erp: 260, commerce: 258, crm: 260 });
  }, 30_000);
});
