import { describe, expect, it } from 'vitest';
import { demoExitCode, invariantsSummary } from './report.ts';

const held = { ok: true, details: {} };
const broken = { ok: false, details: { duplicates: 1 } };

describe('demo report verdict', () => {
  it('names the invariants that failed', () => {
    expect(invariantsSummary({ 'orders.noneBookedTwice': broken, 'returns.oneMemoOneRefund': held })).toEqual({ ok: 1, failed: ['orders.noneBookedTwice'] });
  });

  it('exits 1 when an invariant fails and 0 when all hold', () => {
    expect(demoExitCode({ invariants: { a: held, b: broken } }, false)).toBe(1);
    expect(demoExitCode({ invariants: { a: held, b: held } }, false)).toBe(0);
  });

  it('does not judge a day stopped with Ctrl-C', () => {
    expect(demoExitCode({ invariants: { a: broken } }, true)).toBe(0);
  });
});
