import type { RunningSandboxes } from '../../sandboxes/run-all.ts';

/**
 * Stock as each sandbox holds it right now, by sku@location: what the inventory invariant and
 * the end-to-end tests compare. Read from the sandboxes' own stores (or admin API), never
 * through the hub, so a hub bug cannot hide itself.
 */
export type StockByKey = Map<string, number>;

/** NetSuite: available quantity per item and location (`inventoryItem.locations`). */
export function netSuiteAvailable(sandboxes: RunningSandboxes): StockByKey {
  const { store } = sandboxes.netsuite.records;
  const codeOfLocation = new Map(store.list('location').map((location) => [location.id, location.externalId ?? location.id]));
  const stock: StockByKey = new Map();
  for (const item of store.list('inventoryItem')) {
    const sku = String(item.fields.itemId);
    const lines = ((item.fields.locations as { items?: Record<string, unknown>[] } | undefined)?.items ?? []) as {
      location?: { id?: string };
      quantityOnHand?: number;
      quantityAvailable?: number;
    }[];
    for (const line of lines) {
      const code = codeOfLocation.get(String(line.location?.id));
      if (code === undefined) continue;
      stock.set(`${sku}@${code}`, Number(line.quantityAvailable ?? line.quantityOnHand ?? 0));
    }
  }
  return stock;
}

/**
 * Shopify: `available` per inventory item and location. A location's code is the first word of
 * its name (the sandboxes name them `<code> <name>`, e.g. `DC-EAST DC East`).
 */
export function shopifyAvailable(sandboxes: RunningSandboxes): StockByKey {
  const { store } = sandboxes.shopify;
  const stock: StockByKey = new Map();
  for (const level of store.inventoryLevels.values()) {
    const sku = store.inventoryItems.get(level.inventoryItemId)?.sku;
    const location = store.locations.get(level.locationId);
    if (!sku || !location) continue;
    stock.set(`${sku}@${location.name.split(' ')[0]}`, level.quantities.available);
  }
  return stock;
}

/** Salesforce: `Inventory_Level__c.Quantity_Available__c` by `External_Id__c` (sku@location). */
export function salesforceAvailable(sandboxes: RunningSandboxes): StockByKey {
  const { org } = sandboxes.salesforce;
  const object = org.catalog.object('Inventory_Level__c');
  const stock: StockByKey = new Map();
  if (!object) return stock;
  for (const record of org.store.all(object)) {
    if (record.IsDeleted === true || typeof record.External_Id__c !== 'string') continue;
    stock.set(record.External_Id__c, Number(record.Quantity_Available__c ?? 0));
  }
  return stock;
}

/** The WMS: on-hand units per SKU of its one warehouse, read through its admin API. */
export async function wmsOnHand(sandboxes: RunningSandboxes, locationCode: string): Promise<StockByKey> {
  const response = await fetch(`${sandboxes.wms.url}/__sandbox/state`);
  if (!response.ok) throw new Error(`reading the WMS sandbox state failed: ${response.status}`);
  const state = (await response.json()) as { stock?: { levels?: { sku: string; onHand: number }[] } };
  return new Map((state.stock?.levels ?? []).map((level) => [`${level.sku}@${locationCode}`, level.onHand]));
}
