import { describe, expect, it } from 'vitest';
import { runSuiteQl } from '../../suiteql/execute.ts';
import { refId, sublistLines } from '../fields.ts';
import { RecordService } from '../service.ts';
import { RecordStore, type NsRecord } from '../store.ts';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

/** An account with one item stocked at a warehouse (5) and a store (7), and a clock the test moves. */
function account() {
  let now = T0;
  const store = new RecordStore(() => now);
  const records = new RecordService(store);
  const warehouse = records.create('location', { name: 'Warehouse' });
  const shop = records.create('location', { name: 'Store' });
  const item = records.create('inventoryItem', {
    itemId: 'SKU-1',
    basePrice: 10,
    locations: { items: [{ location: { id: warehouse.id }, quantityOnHand: 5 }, { location: { id: shop.id }, quantityOnHand: 7 }] },
  });
  const customer = records.create('customer', { companyName: 'Acme' });
  const book = (quantity: number, fields: Record<string, unknown> = {}) =>
    records.create('salesOrder', { entity: { id: customer.id }, location: { id: warehouse.id }, item: { items: [{ item: { id: item.id }, quantity }] }, ...fields });
  /** The item's quantities at a location, as its `locations` sublist shows them. */
  const stockAt = (location: NsRecord) => {
    const line = sublistLines(store.get('inventoryItem', item.id)!.fields, 'locations').find((candidate) => refId(candidate.location) === location.id)!;
    return { onHand: line.quantityOnHand, committed: line.quantityCommitted, available: line.quantityAvailable, backOrdered: line.quantityBackOrdered };
  };
  /** What a SuiteQL delta reader sees: the inventorybalance row's availability and stamp. */
  const balanceAt = (location: NsRecord) =>
    runSuiteQl(
      `SELECT quantityonhand, quantityavailable, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS stamp FROM inventorybalance WHERE item = ${item.id} AND location = ${location.id}`,
      store,
      new Date(now),
    )[0];
  const orderLine = (order: NsRecord) => {
    const line = sublistLines(store.get('salesOrder', order.id)!.fields, 'item')[0]!;
    return { committed: line.quantityCommitted, backOrdered: line.quantityBackOrdered, fulfilled: line.quantityFulfilled };
  };
  return { records, store, warehouse, shop, item, book, stockAt, balanceAt, orderLine, setClock: (ms: number) => (now = ms) };
}

describe('stock commitment of sales orders (Commit: Available Qty)', () => {
  it('commits an order at its location when it is booked: available drops, on hand stays, and only that location is re-stamped', () => {
    const { book, stockAt, balanceAt, orderLine, warehouse, shop, setClock, store } = account();
    expect(store.lastChangedAt()).toBe(T0);
    expect(balanceAt(warehouse)).toEqual({ quantityonhand: '5', quantityavailable: '5', stamp: '2026-11-23 09:00:00' });
    setClock(T0 + 60_000);
    const order = book(3);
    expect(stockAt(warehouse)).toEqual({ onHand: 5, committed: 3, available: 2, backOrdered: 0 });
    expect(orderLine(order)).toMatchObject({ committed: 3, backOrdered: 0 });
    expect(balanceAt(warehouse)).toEqual({ quantityonhand: '5', quantityavailable: '2', stamp: '2026-11-23 09:01:00' });
    // The store's stock was not touched: its row keeps its stamp, so a delta poller skips it.
    expect(balanceAt(shop)).toEqual({ quantityonhand: '7', quantityavailable: '7', stamp: '2026-11-23 09:00:00' });
    // What a reader waiting out a delta poller's settle window goes by.
    expect(store.lastChangedAt()).toBe(T0 + 60_000);
  });

  it('commits what is available and back-orders the rest; available never goes below zero', () => {
    const { book, stockAt, orderLine, warehouse } = account();
    book(3);
    const second = book(4);
    expect(orderLine(second)).toMatchObject({ committed: 2, backOrdered: 2 });
    expect(stockAt(warehouse)).toEqual({ onHand: 5, committed: 5, available: 0, backOrdered: 2 });
  });

  it('commits at the line location when a line names one, and nothing for an order pending approval', () => {
    const { records, book, stockAt, warehouse, shop, item, store } = account();
    const customer = store.list('customer')[0]!;
    records.create('salesOrder', { entity: { id: customer.id }, location: { id: warehouse.id }, item: { items: [{ item: { id: item.id }, quantity: 4, location: { id: shop.id } }] } });
    expect(stockAt(shop)).toMatchObject({ committed: 4, available: 3 });
    expect(stockAt(warehouse)).toMatchObject({ committed: 0, available: 5 });
    book(2, { orderStatus: 'A' });
    expect(stockAt(warehouse)).toMatchObject({ committed: 0, available: 5 });
  });

  it('ships committed units off on hand and out of the commitment (available unchanged), and takes them back when the fulfilment is deleted', () => {
    const { records, book, stockAt, orderLine, warehouse } = account();
    const order = book(3);
    const shipment = records.create('itemFulfillment', { createdFrom: { id: order.id }, item: { items: [{ orderLine: 1, quantity: 2 }] } });
    expect(stockAt(warehouse)).toEqual({ onHand: 3, committed: 1, available: 2, backOrdered: 0 });
    expect(orderLine(order)).toMatchObject({ committed: 1, fulfilled: 2 });
    records.delete(shipment);
    expect(stockAt(warehouse)).toEqual({ onHand: 5, committed: 3, available: 2, backOrdered: 0 });
    expect(orderLine(order)).toMatchObject({ committed: 3, fulfilled: 0 });
  });

  it('releases the commitment when the order is closed, cancelled or deleted, and commits the new quantity when it is edited', () => {
    const { records, book, stockAt, orderLine, warehouse, store } = account();
    const closed = book(2);
    records.update(store.get('salesOrder', closed.id)!, { orderStatus: 'H' });
    expect(stockAt(warehouse)).toMatchObject({ committed: 0, available: 5 });
    expect(orderLine(closed)).toMatchObject({ committed: 0, backOrdered: 0 });

    const cancelled = book(2);
    records.update(store.get('salesOrder', cancelled.id)!, { orderStatus: 'C' });
    expect(stockAt(warehouse)).toMatchObject({ committed: 0, available: 5 });

    const edited = book(2);
    records.update(store.get('salesOrder', edited.id)!, { item: { items: [{ line: 1, quantity: 4 }] } });
    expect(stockAt(warehouse)).toMatchObject({ committed: 4, available: 1 });
    records.delete(store.get('salesOrder', edited.id)!);
    expect(stockAt(warehouse)).toEqual({ onHand: 5, committed: 0, available: 5, backOrdered: 0 });
  });

  it('keeps the commitment through an edit of the item, and a stock receipt adds to available', () => {
    const { records, book, stockAt, warehouse, item, store } = account();
    book(3);
    records.update(store.get('inventoryItem', item.id)!, { displayName: 'Renamed' });
    expect(stockAt(warehouse)).toEqual({ onHand: 5, committed: 3, available: 2, backOrdered: 0 });
    records.create('inventoryAdjustment', { adjLocation: { id: warehouse.id }, inventory: { items: [{ item: { id: item.id }, adjustQtyBy: 10 }] } });
    expect(stockAt(warehouse)).toEqual({ onHand: 15, committed: 3, available: 12, backOrdered: 0 });
  });
});
