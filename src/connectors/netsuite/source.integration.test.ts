import { afterEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../canonical/customer.ts';
import type { Order } from '../../canonical/order.ts';
import type { Price } from '../../canonical/price.ts';
import type { Product } from '../../canonical/product.ts';
import type { RecordPage } from '../connector.ts';
import { startNetSuiteFixture, type NetSuiteFixture } from './testing.ts';

let fixture: NetSuiteFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const signal = new AbortController().signal;

/** Reads every page of an entity, as the backfill runner would, and keeps the cursors seen. */
async function readAll(entity: string, limit: number): Promise<{ pages: RecordPage[]; cursors: (string | undefined)[] }> {
  const pages: RecordPage[] = [];
  const cursors: (string | undefined)[] = [];
  let cursor: string | undefined;
  do {
    cursors.push(cursor);
    const page = await fixture!.connector.source!.read(entity, { cursor, limit, signal });
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { pages, cursors };
}

describe('NetSuite record source (SuiteQL keyset paging)', () => {
  it('reads every inventory item once as a canonical Product, across pages and past internal id 9 → 10', async () => {
    fixture = await startNetSuiteFixture({ sandbox: { demoData: false }, connector: { source: { currency: 'USD', category: { code: 'APPAREL', path: ['Apparel'] } } } });
    for (let index = 1; index <= 23; index++) {
      fixture.netsuite.records.create('inventoryItem', { itemId: `SKU-${index}`, displayName: `Item ${index}`, basePrice: index + 0.5, isInactive: index === 7 }, `ITEM-SKU-${index}`);
    }
    const { pages } = await readAll('product', 5);
    expect(pages.map((page) => page.records.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages[0]!.remainingEstimate).toBe(23);
    expect(pages[4]!.remainingEstimate).toBe(3);
    const products = pages.flatMap((page) => page.records) as Product[];
    expect(products.map((product) => product.sku).sort()).toEqual(Array.from({ length: 23 }, (_, index) => `SKU-${index + 1}`).sort());
    expect(products.find((product) => product.sku === 'SKU-7')).toMatchObject({ active: false, name: 'Item 7', category: { code: 'APPAREL', path: ['Apparel'] }, sourceSystem: 'netsuite' });
    expect(pages.every((page) => page.rejected.length === 0)).toBe(true);
  });

  it('reads base prices in the configured price list', async () => {
    fixture = await startNetSuiteFixture({ sandbox: { demoData: false }, connector: { source: { currency: 'EUR' } } });
    fixture.netsuite.records.create('inventoryItem', { itemId: 'CAP', displayName: 'Cap', basePrice: 14.5 }, 'ITEM-CAP');
    fixture.netsuite.records.create('inventoryItem', { itemId: 'FREEBIE', displayName: 'No price' }, 'ITEM-FREEBIE');
    const { pages } = await readAll('price', 100);
    expect(pages.flatMap((page) => page.records) as Price[]).toEqual([expect.objectContaining({ sku: 'CAP', priceList: 'BASE-EUR', currency: 'EUR', amount: '14.50' })]);
  });

  it('reports a customer with an invalid email with the field and the reason, and reads the others', async () => {
    fixture = await startNetSuiteFixture({ sandbox: { demoData: false }, connector: { source: { currency: 'USD' } } });
    fixture.netsuite.records.create('customer', { isPerson: true, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }, 'CUST-1');
    const bad = fixture.netsuite.records.create('customer', { isPerson: true, firstName: 'Bad', lastName: 'Mail', email: 'not-an-email' }, 'CUST-2');
    fixture.netsuite.records.create('customer', { companyName: 'Northwind', creditLimit: 5000 }, 'CUST-3');
    const { pages } = await readAll('customer', 100);
    const customers = pages.flatMap((page) => page.records) as Customer[];
    expect(customers.map((customer) => customer.hubId)).toEqual(['CUST-1', 'CUST-3']);
    expect(customers[1]).toMatchObject({ partyType: 'business', billingAccount: { creditLimit: { amount: '5000.00', currency: 'USD' } } });
    const [rejection] = pages.flatMap((page) => page.rejected);
    expect(rejection).toMatchObject({ key: `netsuite customer ${bad.id}`, field: 'emails[0].address' });
    expect(rejection!.reason).toMatch(/email/i);
    expect(rejection!.reason).not.toContain('not-an-email');
  });

  it('reads open sales orders only, with their lines', async () => {
    fixture = await startNetSuiteFixture({ connector: { source: { currency: 'USD' } } });
    const customer = fixture.netsuite.records.create('customer', { isPerson: true, firstName: 'Ada', lastName: 'Byron' }, 'CUST-ADA');
    const item = fixture.netsuite.records.store.getByExternalId('inventoryItem', 'ITEM-CAP-NAVY')!;
    const order = (orderStatus: string, externalId: string) =>
      fixture!.netsuite.records.create('salesOrder', { entity: { id: customer.id }, orderStatus, item: { items: [{ item: { id: item.id }, quantity: 2, rate: 14.5 }] } }, externalId);
    order('B', 'WEB-OPEN');
    order('A', 'WEB-PENDING');
    order('C', 'WEB-CANCELLED');
    const { pages } = await readAll('order', 100);
    const orders = pages.flatMap((page) => page.records) as Order[];
    expect(orders.map((entry) => [entry.orderNumber, entry.status])).toEqual([
      ['WEB-OPEN', 'booked'],
      ['WEB-PENDING', 'on-hold'],
    ]);
    expect(orders[0]).toMatchObject({ customer: { customerId: 'CUST-ADA' }, lines: [{ sku: 'CAP-NAVY', quantity: 2, unitPrice: '14.50' }], totals: { grandTotal: '29.00' } });
  });

  it('refuses a cursor that is not an internal id, and a read without the currency it needs', async () => {
    fixture = await startNetSuiteFixture({ sandbox: { demoData: false } });
    await expect(fixture.connector.source!.read('product', { cursor: "1' OR '1'='1", limit: 10, signal })).rejects.toThrow(/not an internal id/);
    await expect(fixture.connector.source!.read('customer', { cursor: undefined, limit: 10, signal })).rejects.toThrow(/source\.currency/);
    await expect(fixture.connector.source!.read('invoice', { cursor: undefined, limit: 10, signal })).rejects.toThrow(/product, price, customer, order/);
  });
});
