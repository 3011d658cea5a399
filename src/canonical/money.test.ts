import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareAmounts,
  currencyExponent,
  fromMinorUnits,
  InvalidAmountError,
  multiplyAmount,
  subtractAmounts,
  sumAmounts,
  toMinorUnits,
} from './money.ts';

describe('decimal amounts', () => {
  it('adds exactly where floating point does not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumAmounts(['0.1', '0.2'])).toBe('0.30');
    expect(sumAmounts([])).toBe('0.00');
    expect(sumAmounts(['19.999', '0.001'])).toBe('20.00');
    expect(sumAmounts(['0.000001', '1'])).toBe('1.000001');
  });

  it('subtracts, multiplies and compares', () => {
    expect(subtractAmounts('10', '12.5')).toBe('-2.50');
    expect(subtractAmounts('12.50', '12.5')).toBe('0.00');
    expect(multiplyAmount('14.50', 3)).toBe('43.50');
    expect(compareAmounts('12.5', '12.50')).toBe(0);
    expect(compareAmounts('-1', '0')).toBe(-1);
  });

  it('refuses what is not a canonical amount', () => {
    expect(() => sumAmounts(['1,50'])).toThrow(InvalidAmountError);
    expect(() => sumAmounts(['1.1234567'])).toThrow(/at most 6 decimals/);
    expect(() => multiplyAmount('1.00', 1.5)).toThrow(RangeError);
  });

  it('sums like integer cents for any two-decimal amounts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 50 }), (cents) => {
        const amounts = cents.map((value) => fromMinorUnits(value, 'EUR'));
        const total = cents.reduce((sum, value) => sum + value, 0);
        expect(toMinorUnits(sumAmounts(amounts), 'EUR')).toBe(total);
      }),
    );
  });
});

describe('minor units (ISO 4217 exponents)', () => {
  it.each([
    ['12.50', 'EUR', 1250],
    ['500', 'JPY', 500],
    ['1.234', 'KWD', 1234],
    ['0.05', 'GBP', 5],
  ])('%s %s is %i minor units and back', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
    expect(compareAmounts(fromMinorUnits(minor, currency), amount)).toBe(0);
  });

  it('writes amounts with the currency decimals', () => {
    expect(fromMinorUnits(1250, 'EUR')).toBe('12.50');
    expect(fromMinorUnits(500, 'JPY')).toBe('500');
    expect(fromMinorUnits(-5, 'GBP')).toBe('-0.05');
    expect(currencyExponent('CLF')).toBe(4);
  });

  it('refuses to round money silently', () => {
    expect(() => toMinorUnits('12.505', 'EUR')).toThrow(/more than 2 decimals/);
    expect(() => toMinorUnits('10.5', 'JPY')).toThrow(RangeError);
  });
});
