import { refId, selectValue, sublistLines } from '../fields.ts';
import type { Fields, NsRecord, RecordStore } from '../store.ts';
import { moveStock, quantityAvailable } from './stock.ts';

/**
 * Stock commitment of sales orders, as NetSuite does it with the item's "Commit: Available Qty"
 * rule (the default): saving an open sales order commits each line's quantity still to ship at
 * the line's location (else the order's) as far as stock is available there, and back-orders
 * the rest. The item location's `quantityCommitted` goes up and its `quantityAvailable` down at
 * once, long before anything ships; a fulfilment then takes the shipped units off on hand and
 * out of the commitment, and closing or cancelling the order releases what it still holds.
 *
 * A line records what it holds (`quantityCommitted`, `quantityBackOrdered`), so releasing gives
 * back exactly that. Orders pending approval (A), cancelled (C) or closed (H), and closed lines
 * (`isClosed`), commit nothing; a line without any location cannot be committed.
 *
 * Simplifications: every save of the order releases and commits it again, and a fulfilment does
 * the same for the lines it ships, so a back-ordered line picks up stock received meanwhile
 * (NetSuite leaves that to its "Commit Orders" page); a fulfilment is checked against on hand
 * only, not against units committed to other orders ("Fulfill Based on Commitment: Ignore
 * Commitment"), so shipping back-ordered units can take available below zero.
 */
export function commitSalesOrder(order: NsRecord, store: RecordStore): void {
  for (const line of sublistLines(order.fields, 'item')) commitLine(order, line, store);
}

/** Gives back everything the order's lines hold (before it changes, is closed or deleted). */
export function releaseSalesOrder(order: NsRecord, store: RecordStore): void {
  for (const line of sublistLines(order.fields, 'item')) releaseLine(order, line, store);
}

/** Commits what is left to ship on one line of an open order, as far as stock is available. */
export function commitLine(order: NsRecord, line: Fields, store: RecordStore): void {
  const open = !['A', 'C', 'H'].includes(selectValue(order.fields.orderStatus) ?? 'B');
  const itemId = refId(line.item);
  const locationId = commitLocationOf(line, order.fields);
  const toShip = Math.max(0, Number(line.quantity ?? 0) - Number(line.quantityFulfilled ?? 0));
  if (!open || line.isClosed === true || itemId === undefined || locationId === undefined || toShip === 0) {
    line.quantityCommitted = 0;
    line.quantityBackOrdered = 0;
    return;
  }
  const item = store.get('inventoryItem', itemId);
  const committed = item ? Math.min(toShip, Math.max(0, quantityAvailable(item, locationId))) : 0;
  line.quantityCommitted = committed;
  line.quantityBackOrdered = toShip - committed;
  moveStock(store, { itemId, locationId, committed, backOrdered: toShip - committed });
}

/** Gives back what one line holds. */
export function releaseLine(order: NsRecord, line: Fields, store: RecordStore): void {
  const itemId = refId(line.item);
  const locationId = commitLocationOf(line, order.fields);
  const committed = Number(line.quantityCommitted ?? 0);
  const backOrdered = Number(line.quantityBackOrdered ?? 0);
  if (itemId !== undefined && locationId !== undefined) moveStock(store, { itemId, locationId, committed: -committed, backOrdered: -backOrdered });
  line.quantityCommitted = 0;
  line.quantityBackOrdered = 0;
}

/** Where a line's stock is committed: its own location, else the order's. */
function commitLocationOf(line: Fields, order: Fields): string | undefined {
  return refId(line.location) ?? refId(order.location);
}
