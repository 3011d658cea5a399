import { afterEach, describe, expect, it } from 'vitest';
import { createRetailEvent } from '../../canonical/events/create-event.ts';
import type { InventoryLevel } from '../../canonical/inventory-level.ts';
import type { Order } from '../../canonical/order.ts';
import { testUsers } from '../../console/testing.ts';
import { eventually } from '../../ports/conformance/harness.ts';
import { cancelOrder } from '../../sandboxes/shopify/store/orders.ts';
import { createCustomerSync } from '../customers/index.ts';
import type { RetailFlowModule } from '../module.ts';
import { salesOrdersOf, untilOpenException } from '../order-capture/e2e-support.ts';
import { createOrderCapture } from '../order-capture/index.ts';
import { channelOrder } from '../order-capture/testing.ts';
import { createReferenceData } from '../reference/projection.ts';
import { startRetailWorld, type RetailWorld } from '../testing/world.ts';
import { createInventorySync } from './index.ts';
import { inventoryInvariants } from './invariants.ts';
import { salesforceAvailable, shopifyAvailable } from './sandbox-stock.ts';
import { erpLevelEvent, stockEverywhere } from './testing.ts';

/**
 * The storefront takes units off its own stock at checkout; the ERP commits them only when it
 * books the order. End to end on the sandboxes: a booked order moves the ERP (and through its
 * poller every channel), an order the hub holds or that is cancelled gets the owner's level
 * re-published, and a re-publish never overwrites a newer level.
 */
let world: RetailWorld | undefined;
let inventory: RetailFlowModule | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const SAFETY = { commerce: 2, crm: 1 };
const KEY = 'TRAIL-TEE-M-BLK@DC-EAST';

async function start(options: { orderCapture?: boolean } = {}): Promise<RetailWorld> {
  const capture = options.orderCapture ?? true;
  world = await startRetailWorld({
    modules: (deps) => [
      (inventory = createInventorySync(deps)),
      ...(capture ? [createReferenceData(deps), createCustomerSync(deps), createOrderCapture(deps)] : []),
    ],
    consoleUsers: await testUsers(),
    settings: { inventory: { publishWindowMs: 50, safetyStock: { byChannel: SAFETY } } },
  });
  await world.quiet();
  return world;
}

/** Waits while running the pollers: NetSuite's are read once a change has settled (5 s). */
const polling = (w: RetailWorld, probe: () => boolean | Promise<boolean>, what: string) =>
  eventually(async () => {
    await w.pollNow().catch(() => undefined);
    return probe();
  }, what, 20_000);

/** A storefront checkout at the DC, as Shopify takes it (its own available drops at once). */
function checkout(w: RetailWorld, args: { quantity: number; price?: string }): { orderNumber: string; orderId: number } {
  const { store } = w.sandboxes.shopify;
  const dc = [...store.locations.values()].find((location) => location.name.startsWith('DC-EAST'))!;
  const placed = w.sandboxes.shopify.placeOrder({
    email: 'jane.doe@example.com',
    locationId: dc.id,
    lineItems: [{ sku: 'TRAIL-TEE-M-BLK', quantity: args.quantity, ...(args.price && { price: args.price }) }],
  });
  if (!placed.ok) throw new Error(`the Shopify sandbox refused the checkout: ${JSON.stringify(placed.userErrors)}`);
  return { orderNumber: `SHOP-${placed.value.number}`, orderId: placed.value.id };
}

/** NetSuite's quantities of the item at the DC. */
function erpLine(w: RetailWorld): { onHand: number; committed: number; available: number } {
  const { store } = w.sandboxes.netsuite.records;
  const item = store.getByExternalId('inventoryItem', 'ITEM-TRAIL-TEE-M-BLK')!;
  const dc = store.getByExternalId('location', 'DC-EAST')!;
  const line = (item.fields.locations as { items: { location: { id: string }; quantityOnHand: number; quantityCommitted?: number; quantityAvailable: number }[] }).items.find((candidate) => candidate.location.id === dc.id)!;
  return { onHand: line.quantityOnHand, committed: line.quantityCommitted ?? 0, available: line.quantityAvailable };
}

const invariant = async (w: RetailWorld) =>
  (await inventoryInvariants({ sandboxes: w.sandboxes, records: w.deps.records, storage: w.adapters.storage, settings: w.deps.settings }))['inventory.channelsMatchErp'];

describe('inventory sync: storefront orders the ERP books, holds and cancellations', () => {
  it('puts back the storefront units of an order the hub holds, and nothing moves in the ERP', async () => {
    const w = await start();
    expect(stockEverywhere(w.sandboxes, KEY)).toEqual({ erp: 300, commerce: 298, crm: 299 });
    // Sold far below the ERP price: order capture holds it (PRICE_MISMATCH) and never books it.
    const { orderNumber } = checkout(w, { quantity: 3, price: '1.00' });
    expect(shopifyAvailable(w.sandboxes).get(KEY)).toBe(295);
    await untilOpenException(w, orderNumber, 'PRICE_MISMATCH');
    await eventually(() => shopifyAvailable(w.sandboxes).get(KEY) === 298, 'the storefront back at the ERP level');
    await w.quiet();

    expect(stockEverywhere(w.sandboxes, KEY)).toEqual({ erp: 300, commerce: 298, crm: 299 });
    expect(erpLine(w)).toEqual({ onHand: 300, committed: 0, available: 300 });
    expect(salesOrdersOf(w, orderNumber)).toHaveLength(0);
    // The day-one level went to Shopify twice: once at start, once more after the hold.
    const toShopify = (await w.adapters.storage.delivery.find({ key: KEY })).filter((item) => item.target === 'commerce');
    expect(toShopify.map((item) => [(item.payload as InventoryLevel).available, item.status])).toEqual([
      [298, 'delivered'],
      [298, 'delivered'],
    ]);
    expect(toShopify[1]!.version).toBe(toShopify[0]!.version);
    expect(await invariant(w)).toMatchObject({ ok: true });
    expect((await inventory!.report!())['inventory.levels_republished']).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('commits a booked order in the ERP, whose new level reaches every channel; a cancellation in Shopify after booking frees the units in the ERP, and every channel follows the ERP', async () => {
    const w = await start();
    const { orderNumber, orderId } = checkout(w, { quantity: 2 });
    expect(shopifyAvailable(w.sandboxes).get(KEY)).toBe(296);
    // Booked: NetSuite commits the 2 units at once; its poller reports available 298.
    await polling(w, () => salesforceAvailable(w.sandboxes).get(KEY) === 297, 'the committed level in Salesforce');
    await w.quiet();
    expect(salesOrdersOf(w, orderNumber)).toHaveLength(1);
    expect(erpLine(w)).toEqual({ onHand: 300, committed: 2, available: 298 });
    expect(stockEverywhere(w.sandboxes, KEY)).toEqual({ erp: 298, commerce: 296, crm: 297 });

    // Cancelled in the storefront: Shopify puts the units back at once; the hub closes the order
    // in NetSuite, whose poller then reports the units free, and every channel takes that level.
    const cancelled = cancelOrder(w.sandboxes.shopify.store, orderId);
    expect(cancelled.ok).toBe(true);
    expect(shopifyAvailable(w.sandboxes).get(KEY)).toBe(298);
    await polling(w, () => salesforceAvailable(w.sandboxes).get(KEY) === 299, 'the freed level in Salesforce');
    await w.quiet();
    expect(erpLine(w)).toEqual({ onHand: 300, committed: 0, available: 300 });
    expect(stockEverywhere(w.sandboxes, KEY)).toEqual({ erp: 300, commerce: 298, crm: 299 });
    expect(await invariant(w)).toMatchObject({ ok: true });
  }, 50_000);

  it('never lets a re-publish overwrite a newer level, and re-publishes the same level as often as a channel drifts from it', async () => {
    const w = await start({ orderCapture: false });
    const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const drift = (available: number) => {
      const { store } = w.sandboxes.shopify;
      const level = [...store.inventoryLevels.values()].find((candidate) => store.inventoryItems.get(candidate.inventoryItemId)?.sku === 'TRAIL-TEE-M-BLK' && store.locations.get(candidate.locationId)?.name.startsWith('DC-EAST'));
      level!.quantities.available = available;
    };
    let holds = 0;
    const held = () => {
      const order: Order = {
        ...channelOrder({ orderNumber: `WEB-${++holds}`, method: 'ship', locationCode: 'DC-EAST', lines: [{ sku: 'TRAIL-TEE-M-BLK', quantity: 1, unitPrice: '24.00' }] }),
        status: 'on-hold',
        statusReason: { code: 'PRICE_MISMATCH', message: 'below the ERP price' },
      };
      return createRetailEvent({ type: 'retail.order.status-changed.v1', data: order, source: 'crossdock://flows/order-capture', id: `hold-${holds}` });
    };

    // A hold and a newer ERP level at once, in both orders: the newer level wins either way.
    drift(250);
    await w.publish([erpLevelEvent({ sku: 'TRAIL-TEE-M-BLK', location: 'DC-EAST', available: 90, at: inSeconds(1) }), held()]);
    await w.quiet();
    expect(shopifyAvailable(w.sandboxes).get(KEY)).toBe(88);
    drift(250);
    await w.publish([held(), erpLevelEvent({ sku: 'TRAIL-TEE-M-BLK', location: 'DC-EAST', available: 80, at: inSeconds(2) })]);
    await w.quiet();
    expect(stockEverywhere(w.sandboxes, KEY)).toMatchObject({ commerce: 78, crm: 79 });

    // The same level again, twice, each time the storefront drifted from it.
    for (const drifted of [70, 60]) {
      drift(drifted);
      await w.publish([held()]);
      await w.quiet();
      expect(shopifyAvailable(w.sandboxes).get(KEY)).toBe(78);
    }
    // A level older than the newest (late) is still never published, re-publish or not.
    await w.publish([erpLevelEvent({ sku: 'TRAIL-TEE-M-BLK', location: 'DC-EAST', available: 10, at: inSeconds(-60) }), held()]);
    await w.quiet();
    expect(stockEverywhere(w.sandboxes, KEY)).toMatchObject({ commerce: 78, crm: 79 });
    const sent = (await w.adapters.storage.delivery.find({ key: KEY })).filter((item) => item.target === 'commerce').map((item) => (item.payload as InventoryLevel).available);
    expect(sent).not.toContain(8);
    expect(sent.at(-1)).toBe(78);
  }, 40_000);
});
