import type { Return } from '../../canonical/return.ts';

/**
 * What the warehouse received against an RMA, as lines of the RMA: the receipt's batches (one
 * per condition found) are matched to the authorized lines by SKU, keep the authorized line's
 * number, reason and price, and never exceed the quantity authorized (a duplicate or a second
 * receipt cannot credit more than was asked back).
 */
export function receivedLines(authorized: Return['lines'], receipt: Pick<Return, 'lines'>): Return['lines'] {
  const lines: Return['lines'] = [];
  // What is left of each batch once earlier lines of the same SKU took their share.
  const batches = receipt.lines.map((batch) => ({ sku: batch.sku, condition: batch.condition, left: batch.quantity }));
  for (const line of authorized) {
    let open = line.quantity;
    const byCondition = new Map<string | undefined, number>();
    for (const batch of batches) {
      if (batch.sku !== line.sku || open === 0 || batch.left === 0) continue;
      const taken = Math.min(batch.left, open);
      open -= taken;
      batch.left -= taken;
      byCondition.set(batch.condition, (byCondition.get(batch.condition) ?? 0) + taken);
    }
    for (const [condition, quantity] of byCondition) {
      const { condition: _stated, ...rest } = line;
      lines.push({ ...rest, quantity, ...(condition !== undefined && { condition: condition as NonNullable<typeof line.condition> }) });
    }
  }
  return lines;
}

/** The received lines in a condition the retailer takes back (a line without a stated condition counts as taken back). */
export function creditableLines(lines: Return['lines'], allowedConditions: readonly string[]): Return['lines'] {
  return lines.filter((line) => line.condition === undefined || allowedConditions.includes(line.condition));
}
