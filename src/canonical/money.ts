/**
 * Exact arithmetic on canonical decimal-string amounts ("12.50"), with bigint underneath:
 * never `Number(amount)`, which turns 0.1 + 0.2 into 0.30000000000000004.
 */

/** The canonical amount grammar allows 6 decimals; all arithmetic happens at this scale. */
const SCALE = 6;
const SCALE_FACTOR = 10n ** BigInt(SCALE);
const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]{1,6}))?$/;

export class InvalidAmountError extends Error {
  readonly retryable = false;
  constructor(readonly amount: string) {
    super(`"${amount}" is not a decimal amount (expected e.g. "12.50", at most 6 decimals)`);
    this.name = 'InvalidAmountError';
  }
}

function toScaled(amount: string): bigint {
  const match = DECIMAL.exec(amount);
  if (!match) throw new InvalidAmountError(amount);
  const [, sign, whole, fraction = ''] = match;
  const scaled = BigInt(whole as string) * SCALE_FACTOR + BigInt(fraction.padEnd(SCALE, '0'));
  return sign === '-' ? -scaled : scaled;
}

function fromScaled(scaled: bigint, decimals: number): string {
  const negative = scaled < 0n;
  const absolute = negative ? -scaled : scaled;
  const whole = absolute / SCALE_FACTOR;
  const fraction = (absolute % SCALE_FACTOR).toString().padStart(SCALE, '0');
  let shown = fraction.slice(0, Math.max(decimals, fraction.replace(/0+$/, '').length));
  if (shown.length < decimals) shown = shown.padEnd(decimals, '0');
  const text = shown.length > 0 ? `${whole}.${shown}` : `${whole}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/**
 * Adds decimal-string amounts exactly and writes the result with at least `minimumDecimals`
 * decimals (more when the amounts have more). Throws `InvalidAmountError` for anything that is
 * not a canonical amount, such as "1,50".
 *
 * @example
 * sumAmounts(['0.1', '0.2']) // '0.30'
 */
export function sumAmounts(amounts: readonly string[], minimumDecimals = 2): string {
  return fromScaled(amounts.reduce((total, amount) => total + toScaled(amount), 0n), minimumDecimals);
}

/**
 * Subtracts `b` from `a` exactly; the result may be negative.
 *
 * @example
 * subtractAmounts('119.99', '12.00') // '107.99'
 */
export function subtractAmounts(a: string, b: string, minimumDecimals = 2): string {
  return fromScaled(toScaled(a) - toScaled(b), minimumDecimals);
}

/**
 * Multiplies an amount by a whole quantity exactly, e.g. a unit price by the units ordered.
 * Throws a RangeError for a fractional quantity.
 *
 * @example
 * multiplyAmount('14.50', 2) // '29.00'
 */
export function multiplyAmount(amount: string, quantity: number, minimumDecimals = 2): string {
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be a whole number, got ${quantity}`);
  return fromScaled(toScaled(amount) * BigInt(quantity), minimumDecimals);
}

/**
 * Compares two amounts by value (not as text), returning -1, 0 or 1.
 *
 * @example
 * compareAmounts('12.5', '12.50') // 0
 */
export function compareAmounts(a: string, b: string): -1 | 0 | 1 {
  const difference = toScaled(a) - toScaled(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

// ISO 4217 minor units where they are not 2 (https://www.six-group.com/en/products-services/
// financial-information/data-standards.html, list one). Everything else has 2.
const MINOR_UNIT_EXCEPTIONS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/**
 * The number of decimals of a currency's minor unit per ISO 4217.
 *
 * @example
 * currencyExponent('EUR') // 2; 'JPY' → 0, 'KWD' → 3
 */
export function currencyExponent(currency: string): number {
  return MINOR_UNIT_EXCEPTIONS[currency] ?? 2;
}

/**
 * Converts a decimal amount to integer minor units for APIs that want them, such as Stripe.
 * Throws a RangeError if the amount has more decimals than the currency allows, since
 * rounding money silently is how reconciliation gaps start.
 *
 * @example
 * toMinorUnits('12.50', 'EUR') // 1250
 */
export function toMinorUnits(amount: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const scaled = toScaled(amount);
  const divisor = 10n ** BigInt(SCALE - exponent);
  if (scaled % divisor !== 0n) throw new RangeError(`${amount} ${currency} has more than ${exponent} decimals`);
  const minor = scaled / divisor;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${amount} ${currency} is too large for integer minor units`);
  }
  return Number(minor);
}

/**
 * Converts integer minor units from an API such as Stripe to a canonical decimal string,
 * written with the currency's decimals.
 *
 * @example
 * fromMinorUnits(1250, 'EUR') // '12.50'; fromMinorUnits(500, 'JPY') → '500'
 */
export function fromMinorUnits(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits)) throw new RangeError(`minor units must be a whole number, got ${minorUnits}`);
  const exponent = currencyExponent(currency);
  return fromScaled(BigInt(minorUnits) * 10n ** BigInt(SCALE - exponent), exponent);
}
