import { userError } from '../../errors.ts';
import { refId, sublistLines, setSublist, numberField } from '../fields.ts';
import type { Fields, NsRecord, RecordStore } from '../store.ts';

/**
 * Stock lives on the inventory item's `locations` sublist, one line per location, as in NetSuite
 * where quantities are read per location and changed only by transactions:
 * - `quantityOnHand`: units physically there (inventory adjustments, fulfilments, receipts);
 * - `quantityCommitted`: units promised to open sales orders (see `commitments.ts`);
 * - `quantityAvailable` = on hand − committed: what can still be sold;
 * - `quantityBackOrdered`: units open orders want there beyond what could be committed;
 * - `lastModifiedDate`: when any of them last changed at that location (the `inventorybalance`
 *   stamp SuiteQL delta readers poll on), so a change at one location moves only its own row.
 */
export function quantityOnHand(item: NsRecord, locationId: string): number {
  const line = sublistLines(item.fields, 'locations').find((l) => refId(l.location) === locationId);
  return line ? numberField(line.quantityOnHand, { path: 'quantityOnHand', label: 'On Hand', fallback: 0 }) : 0;
}

/** Units of an item at a location still free to commit or sell (on hand − committed). */
export function quantityAvailable(item: NsRecord, locationId: string): number {
  const line = sublistLines(item.fields, 'locations').find((l) => refId(l.location) === locationId);
  return line ? quantityOnHand(item, locationId) - Number(line.quantityCommitted ?? 0) : 0;
}

/** A location line of an item with its quantities derived from on hand and committed. */
export function stockLine(args: { locationId: string; onHand: number; committed: number; backOrdered: number; stamp: string }): Fields {
  return {
    location: { id: args.locationId },
    quantityOnHand: args.onHand,
    quantityCommitted: args.committed,
    quantityAvailable: args.onHand - args.committed,
    quantityBackOrdered: args.backOrdered,
    lastModifiedDate: args.stamp,
  };
}

/**
 * Moves the quantities of an item at a location: `onHand` units in or out, `committed` units
 * promised to (or released by) orders, `backOrdered` units wanted beyond that. Available follows
 * (on hand − committed); the location's stamp and the item's last-modified date move.
 */
export function moveStock(store: RecordStore, args: { itemId: string; locationId: string; onHand?: number; committed?: number; backOrdered?: number }): void {
  const { onHand = 0, committed = 0, backOrdered = 0 } = args;
  if (onHand === 0 && committed === 0 && backOrdered === 0) return;
  const item = store.get('inventoryItem', args.itemId);
  if (!item) return;
  const lines = sublistLines(item.fields, 'locations');
  const index = lines.findIndex((l) => refId(l.location) === args.locationId);
  const current = index >= 0 ? lines[index]! : undefined;
  const next = stockLine({
    locationId: args.locationId,
    onHand: numberField(current?.quantityOnHand, { path: 'quantityOnHand', label: 'On Hand', fallback: 0 }) + onHand,
    committed: Math.max(0, Number(current?.quantityCommitted ?? 0) + committed),
    backOrdered: Math.max(0, Number(current?.quantityBackOrdered ?? 0) + backOrdered),
    stamp: store.now(),
  });
  if (current) lines[index] = { ...current, ...next };
  else lines.push(next);
  setSublist(item.fields, 'locations', lines);
  store.touch(item);
}

/** Adds `delta` to on-hand stock of an item at a location (available moves with it). */
export function adjustStock(store: RecordStore, args: { itemId: string; locationId: string; delta: number }): void {
  moveStock(store, { itemId: args.itemId, locationId: args.locationId, onHand: args.delta });
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

