import { describe, expect, it } from 'vitest';
import { sampleOrder } from './fixtures.ts';
import { checkOrderTotals } from './order-totals.ts';

describe('checkOrderTotals', () => {
  it('finds nothing wrong with the sample order', () => {
    expect(checkOrderTotals(sampleOrder())).toEqual([]);
  });

  it('reports every total that does not add up', () => {
    const order = sampleOrder();
    order.lines[1] = { ...order.lines[1]!, lineTotal: '29.50' };
    order.totals.grandTotal = '141.95';
    expect(checkOrderTotals(order)).toEqual([
      { field: 'lines[1].lineTotal', expected: '29.00', actual: '29.50' },
      { field: 'totals.subtotal', expected: '137.49', actual: '136.99' },
      { field: 'totals.grandTotal', expected: '141.94', actual: '141.95' },
    ]);
  });

  it('adds tax to the grand total only when prices exclude it', () => {
    const order = sampleOrder({ pricesIncludeTax: false });
    expect(checkOrderTotals(order)).toEqual([{ field: 'totals.grandTotal', expected: '165.60', actual: '141.94' }]);
  });
});
