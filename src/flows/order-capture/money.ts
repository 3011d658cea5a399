/**
 * Exact comparisons of canonical decimal amounts for the order checks (bigint at 6 decimals,
 * as `canonical/money.ts`): a price tolerance of 1 % on 119.99 must not depend on float rounding.
 */
const SCALE = 1_000_000n;
const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]{1,6}))?$/;

function scaled(amount: string): bigint {
  const match = DECIMAL.exec(amount);
  if (!match) throw new RangeError(`"${amount}" is not a decimal amount (expected e.g. "12.50")`);
  const [, sign, whole, fraction = ''] = match;
  const value = BigInt(whole as string) * SCALE + BigInt(fraction.padEnd(6, '0'));
  return sign === '-' ? -value : value;
}

/**
 * True when `sold` is at most `tolerancePercent` below `reference` (a higher price always passes:
 * the tolerance protects the margin, not the customer).
 *
 * @example
 * withinPriceTolerance({ sold: '118.80', reference: '119.99', tolerancePercent: 1 }) // true
 * withinPriceTolerance({ sold: '99.00', reference: '119.99', tolerancePercent: 1 })  // false
 */
export function withinPriceTolerance(args: { sold: string; reference: string; tolerancePercent: number }): boolean {
  // Basis points: tolerances are configured with at most two decimals (0.25 %).
  const basisPoints = BigInt(Math.round(args.tolerancePercent * 100));
  return scaled(args.sold) * 10_000n >= scaled(args.reference) * (10_000n - basisPoints);
}

/** The lowest unit price accepted, for the operator's message (rounded up to the cent). */
export function lowestAcceptedPrice(reference: string, tolerancePercent: number): string {
  const basisPoints = BigInt(Math.round(tolerancePercent * 100));
  const micro = (scaled(reference) * (10_000n - basisPoints) + 9_999n) / 10_000n;
  const cents = (micro + 9_999n) / 10_000n;
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}
