import { describe, expect, it } from 'vitest';
import { shippedNow } from './perform-backorder-shipment.ts';

describe('what a backordered shipment ships now', () => {
  it('leaves the last line behind, or half of a single line, and never splits a single unit', () => {
    const line = (sku: string, quantity: number, quantityShipped = 0) => ({ sku, quantity, quantityShipped });
    expect(shippedNow([line('A', 1), line('B', 2)])).toEqual([{ sku: 'A', quantity: 1 }]);
    expect(shippedNow([line('A', 2), line('B', 3), line('C', 1)])).toEqual([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 3 }]);
    expect(shippedNow([line('A', 12)])).toEqual([{ sku: 'A', quantity: 6 }]);
    expect(shippedNow([line('A', 3)])).toEqual([{ sku: 'A', quantity: 2 }]);
    expect(shippedNow([line('A', 1)])).toBeUndefined();
    // What has shipped already does not count: only what remains is split.
    expect(shippedNow([line('A', 2, 2), line('B', 4, 1)])).toEqual([{ sku: 'B', quantity: 2 }]);
    expect(shippedNow([line('A', 2, 2), line('B', 1)])).toBeUndefined();
  });
});
