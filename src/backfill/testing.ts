import type { RunningNetSuiteSandbox } from '../sandboxes/netsuite/index.ts';

/** Test support for backfills: volume in the NetSuite sandbox, created in process (no API calls). */

export const customerNumber = (index: number): string => `CUST-BF-${String(index).padStart(5, '0')}`;
export const productSku = (index: number): string => `BF-SKU-${String(index).padStart(5, '0')}`;

/**
 * `count` person customers `CUST-BF-00001`…; those whose index is in `invalidEmails` carry an
 * address no mail system accepts, those in `longFirstNames` a first name longer than Salesforce's
 * 40 characters (valid in the canonical model, refused by the target).
 */
export function seedCustomers(netsuite: RunningNetSuiteSandbox, count: number, options: { invalidEmails?: readonly number[]; longFirstNames?: readonly number[] } = {}): void {
  const invalid = new Set(options.invalidEmails ?? []);
  const long = new Set(options.longFirstNames ?? []);
  for (let index = 1; index <= count; index++) {
    netsuite.records.create(
      'customer',
      {
        isPerson: true,
        firstName: long.has(index) ? `Maximiliana-Theodora-Evangelina-Konstantina ${index}` : `Given${index}`,
        lastName: `Family${index}`,
        email: invalid.has(index) ? `customer${index}.example.com` : `customer${index}@example.com`,
      },
      customerNumber(index),
    );
  }
}

/** `count` inventory items `BF-SKU-00001`… with a base price, external id `ITEM-<sku>`. */
export function seedProducts(netsuite: RunningNetSuiteSandbox, count: number): void {
  for (let index = 1; index <= count; index++) {
    netsuite.records.create('inventoryItem', { itemId: productSku(index), displayName: `Backfill item ${index}`, basePrice: 10 + (index % 90) }, `ITEM-${productSku(index)}`);
  }
}

/** The base price of every inventory item of the NetSuite sandbox that has one, by SKU (read in process). */
export function basePrices(netsuite: RunningNetSuiteSandbox): Map<string, number> {
  const prices = new Map<string, number>();
  for (const item of netsuite.records.store.list('inventoryItem')) {
    const { itemId, basePrice } = item.fields as { itemId?: unknown; basePrice?: unknown };
    if (typeof itemId === 'string' && typeof basePrice === 'number') prices.set(itemId, basePrice);
  }
  return prices;
}
