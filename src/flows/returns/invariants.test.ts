import { describe, expect, it } from 'vitest';
import { checkOneMemoOneRefund } from './invariants.ts';

const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('returns.oneMemoOneRefund', () => {
  it('holds when every refunded return has one memo and, paid back through the payment system, one refund', () => {
    const result = checkOneMemoOneRefund(
      [
        { rmaNumber: 'RMA-1', refunded: true, route: 'payments' },
        { rmaNumber: 'RMA-2', refunded: true, route: 'storefront' },
        { rmaNumber: 'RMA-3', refunded: false, route: 'account' },
      ],
      { memos: counts({ 'RMA-1': 1, 'RMA-2': 1, 'RMA-3': 1 }), refunds: counts({ 'RMA-1': 1 }) },
    );
    expect(result).toEqual({ ok: true, details: { refundedReturns: 2, creditMemos: 3, paymentRefunds: 1, offending: 0 } });
  });

  it('fails on a missing or second memo, a missing refund, a refund where the storefront paid, and any RMA paid twice', () => {
    const result = checkOneMemoOneRefund(
      [
        { rmaNumber: 'RMA-1', refunded: true, route: 'payments' },
        { rmaNumber: 'RMA-2', refunded: true, route: 'payments' },
        { rmaNumber: 'RMA-3', refunded: true, route: 'storefront' },
      ],
      { memos: counts({ 'RMA-1': 2, 'RMA-3': 1, 'RMA-9': 1 }), refunds: counts({ 'RMA-1': 1, 'RMA-3': 1, 'RMA-9': 2 }) },
    );
    expect(result.ok).toBe(false);
    expect(result.details).toMatchObject({
      refundedReturns: 3,
      offending: 4,
      examples: [
        { rmaNumber: 'RMA-1', memos: 2, refunds: 1 },
        { rmaNumber: 'RMA-2', memos: 0, refunds: 0, expected: '1 memo, 1 refund' },
        { rmaNumber: 'RMA-3', memos: 1, refunds: 1, expected: '1 memo, 0 refunds' },
        { rmaNumber: 'RMA-9', memos: 1, refunds: 2, expected: 'at most 1 memo and 1 refund' },
      ],
    });
  });
});
