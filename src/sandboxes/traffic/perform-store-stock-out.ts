import type { StoreStockOutAction } from './actions.ts';
import type { ActionResult } from './counters.ts';
import { outcomeOf, skipped } from './execution.ts';
import type { ExecutionContext } from './execution.ts';

interface ItemLocations {
  locations?: { items?: { location?: { id?: string }; quantityAvailable?: number }[] };
}

/**
 * A store count finds a SKU sold out. The ERP owns store stock: its count is read from NetSuite
 * (the item's quantity available at the store: on hand less what open orders hold) and booked
 * off with an inventory adjustment, leaving exactly the units set aside for open pickup orders.
 * Once the hub has read the change, pickup orders of the SKU at that store are held
 * OUT_OF_STOCK and rerouted; the DC's replenishment transfer ends it.
 */
export async function countStoreSoldOut(context: ExecutionContext, action: StoreStockOutAction): Promise<ActionResult> {
  const item = await context.clients.netsuite('GET', `/record/v1/inventoryItem/eid:${encodeURIComponent(`ITEM-${action.sku}`)}?expandSubResources=true`);
  if (item.status !== 200) return outcomeOf('netsuite', item);
  const location = await context.clients.netsuite('GET', `/record/v1/location/eid:${encodeURIComponent(action.locationCode)}`);
  if (location.status !== 200) return outcomeOf('netsuite', location);
  const locationId = (location.body as { id?: string } | null)?.id;
  const line = (item.body as ItemLocations | null)?.locations?.items?.find((candidate) => candidate.location?.id === locationId);
  const free = Number(line?.quantityAvailable ?? 0);
  if (!(free > 0)) return skipped(`${action.sku} is sold out at ${action.locationCode} already`);
  return outcomeOf(
    'netsuite',
    await context.clients.netsuite('POST', '/record/v1/inventoryAdjustment', {
      memo: `Store count ${action.locationCode}: ${action.sku} sold out`,
      adjLocation: { externalId: action.locationCode },
      inventory: { items: [{ item: { externalId: `ITEM-${action.sku}` }, location: { externalId: action.locationCode }, adjustQtyBy: -free }] },
    }),
  );
}
