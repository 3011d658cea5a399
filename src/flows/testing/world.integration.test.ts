import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../ports/conformance/harness.ts';
import { createReferenceData } from '../reference/projection.ts';
import { RecordEntity } from '../reference/records.ts';
import { startRetailWorld, type RetailWorld } from './world.ts';

let world: RetailWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the retail world (sandboxes + connectors + hub)', () => {
  it('loads the ERP catalogue into the read models and receives a real Shopify order webhook', async () => {
    world = await startRetailWorld({ modules: (deps) => [createReferenceData(deps)] });
    await world.quiet();
    const products = await world.deps.records.list(RecordEntity.product, { limit: 100 });
    expect(products.map((record) => record.key).sort()).toEqual(world.sandboxes.directory.catalogue.products.map((product) => product.sku).sort());
    const price = await world.deps.records.get<{ amount: string }>(RecordEntity.price, 'TRAIL-RUNNER-42-BLU');
    expect(price?.data.amount).toBe('119.99');

    const placed = world.sandboxes.shopify.placeOrder({ email: 'jane.doe@example.com', lineItems: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1 }] });
    if (!placed.ok) throw new Error('the sandbox refused the order');
    await world.quiet();
    const events = await eventually(async () => {
      const found = await world!.adapters.bus.find({ type: 'retail.order.placed.v1', limit: 10 });
      return found.length > 0 ? found : undefined;
    }, 'the order webhook in the log');
    expect(events[0]!.event.subject).toBe(`SHOP-${placed.value.number}`);
  });
});

describe('restarting the hub of a world', () => {
  it('keeps the read models and the log across a restart on the same database and port', async () => {
    world = await startRetailWorld({ modules: (deps) => [createReferenceData(deps)] });
    await world.quiet();
    const headBefore = await world.adapters.bus.head();
    await world.restartHub();
    expect(await world.adapters.bus.head()).toBe(headBefore);
    expect(await world.deps.records.count(RecordEntity.product)).toBe(world.sandboxes.directory.catalogue.products.length);
    const healthz = await fetch(`${world.baseUrl}/healthz`);
    expect(healthz.status).toBe(200);
  });
});
