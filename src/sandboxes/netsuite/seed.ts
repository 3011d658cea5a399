import type { RecordService } from './records/service.ts';

/**
 * A small retail account so the demo has something to sell: two stocking locations, a few
 * inventory items with stock, and two customers (one with a credit limit).
 */
export function seedDemoAccount(records: RecordService): void {
  const warehouse = records.create('location', { name: 'Warehouse East' }, 'LOC-WH-EAST');
  const store = records.create('location', { name: 'Store 001 Downtown' }, 'LOC-STORE-001');
  const items = [
    { sku: 'TSHIRT-BLK-M', name: 'T-shirt black M', price: 19.9, warehouse: 250, store: 20 },
    { sku: 'TSHIRT-WHT-M', name: 'T-shirt white M', price: 19.9, warehouse: 180, store: 15 },
    { sku: 'JEANS-32-32', name: 'Jeans 32/32', price: 59, warehouse: 120, store: 8 },
    { sku: 'SNEAKER-42', name: 'Sneaker size 42', price: 89, warehouse: 60, store: 4 },
    { sku: 'CAP-NAVY', name: 'Cap navy', price: 14.5, warehouse: 300, store: 30 },
  ];
  for (const item of items) {
    records.create(
      'inventoryItem',
      {
        itemId: item.sku,
        displayName: item.name,
        basePrice: item.price,
        locations: {
          items: [
            { location: { id: warehouse.id }, quantityOnHand: item.warehouse },
            { location: { id: store.id }, quantityOnHand: item.store },
          ],
        },
      },
      `ITEM-${item.sku}`,
    );
  }
  records.create('customer', { companyName: 'Northwind Retail Partners', email: 'ap@northwind.example', creditLimit: 5000 }, 'CUST-B2B-001');
  records.create('customer', { isPerson: true, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }, 'CUST-WEB-001');
}
