import { compareAmounts, multiplyAmount, subtractAmounts, sumAmounts } from './money.ts';
import type { Order } from './order.ts';

/** One total that does not add up; a business outcome (price mismatch), not an exception. */
export interface TotalsDiscrepancy {
  /** Dotted field, e.g. `lines[1].lineTotal` or `totals.grandTotal`. */
  field: string;
  expected: string;
  actual: string;
}

/**
 * Checks that an order's amounts add up, exactly, by the rules written on the schema:
 * lineTotal = quantity × unitPrice − line discounts; subtotal = Σ lineTotal; discountTotal =
 * Σ line discounts; grandTotal = subtotal + shippingTotal (+ taxTotal when prices exclude tax).
 * Returns every discrepancy; an empty list means the order is consistent.
 *
 * @example
 * checkOrderTotals(order) // [] or [{ field: 'totals.grandTotal', expected: '141.94', actual: '141.95' }]
 */
export function checkOrderTotals(order: Order): TotalsDiscrepancy[] {
  const discrepancies: TotalsDiscrepancy[] = [];
  const expect = (field: string, expected: string, actual: string) => {
    if (compareAmounts(expected, actual) !== 0) discrepancies.push({ field, expected, actual });
  };
  const allDiscounts: string[] = [];
  order.lines.forEach((line, index) => {
    const discounts = line.discounts.map((discount) => discount.amount);
    allDiscounts.push(...discounts);
    const expected = subtractAmounts(multiplyAmount(line.unitPrice, line.quantity), sumAmounts(discounts));
    expect(`lines[${index}].lineTotal`, expected, line.lineTotal);
  });
  const { totals } = order;
  expect('totals.subtotal', sumAmounts(order.lines.map((line) => line.lineTotal)), totals.subtotal);
  expect('totals.discountTotal', sumAmounts(allDiscounts), totals.discountTotal);
  const grandParts = [totals.subtotal, totals.shippingTotal, ...(order.pricesIncludeTax ? [] : [totals.taxTotal])];
  expect('totals.grandTotal', sumAmounts(grandParts), totals.grandTotal);
  return discrepancies;
}
