import { userError } from '../../errors.ts';
import { refId, sublistLines, setSublist, numberField } from '../fields.ts';
import type { NsRecord, RecordStore } from '../store.ts';

/**
 * Stock lives on the inventory item's `locations` sublist (quantityOnHand per location), as in
 * NetSuite where on-hand quantities are read per location and changed only by transactions.
 */
export function quantityOnHand(item: NsRecord, locationId: string): number {
  const line = sublistLines(item.fields, 'locations').find((l) => refId(l.location) === locationId);
  return line ? numberField(line.quantityOnHand, { path: 'quantityOnHand', label: 'On Hand', fallback: 0 }) : 0;
}

/** Adds `delta` to on-hand (and available) stock of an item at a location. */
export function adjustStock(store: RecordStore, args: { itemId: string; locationId: string; delta: number }): void {
  const item = store.get('inventoryItem', args.itemId);
  if (!item) return;
  const lines = sublistLines(item.fields, 'locations');
  let line = lines.find((l) => refId(l.location) === args.locationId);
  if (!line) {
    line = { location: { id: args.locationId }, quantityOnHand: 0, quantityAvailable: 0 };
    lines.push(line);
  }
  const onHand = numberField(line.quantityOnHand, { path: 'quantityOnHand', label: 'On Hand', fallback: 0 }) + args.delta;
  line.quantityOnHand = onHand;
  line.quantityAvailable = onHand;
  setSublist(item.fields, 'locations', lines);
  store.touch(item);
}

/** Total quantity per item@location asked for by lines, so two lines of one item are checked together. */
export function requireStock(args: {
  store: RecordStore;
  demand: { itemId: string; locationId: string; quantity: number; path: string }[];
}): void {
  const totals = new Map<string, { itemId: string; locationId: string; quantity: number; path: string }>();
  for (const entry of args.demand) {
    const key = `${entry.itemId}@${entry.locationId}`;
    const current = totals.get(key);
    totals.set(key, current ? { ...current, quantity: current.quantity + entry.quantity } : { ...entry });
  }
  for (const { itemId, locationId, quantity, path } of totals.values()) {
    const item = args.store.get('inventoryItem', itemId);
    const location = args.store.get('location', locationId);
    const onHand = item ? quantityOnHand(item, locationId) : 0;
    if (onHand < quantity) {
      const itemName = (item?.fields.itemId as string | undefined) ?? itemId;
      const locationName = (location?.fields.name as string | undefined) ?? locationId;
      throw userError(
        `Insufficient inventory for item ${itemName} at location ${locationName}: ${onHand} on hand, ${quantity} requested.`,
        path,
      );
    }
  }
}

