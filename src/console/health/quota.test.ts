import { describe, expect, it } from 'vitest';
import type { BudgetSnapshot } from '../../runtime/delivery/budget.ts';
import { RecordingTarget } from '../../runtime/testing/recording-target.ts';
import { quotaStatus, targetQuota } from './quota.ts';

const snapshot = (requestsUsed: number | null, requestsLimit: number | null): BudgetSnapshot => ({
  concurrencyLimit: 4,
  effectiveConcurrency: 4,
  inFlight: 0,
  requestsUsed,
  requestsLimit,
  costAvailable: null,
  costCapacity: null,
  pausedUntil: null,
  throttledResponses: 0,
});

describe('quota status', () => {
  it('warns from 80 % and is critical from 95 % of the limit; without a positive limit it is unknown', () => {
    expect([0, 7_999, 8_000, 9_499, 9_500, 12_000].map((used) => quotaStatus(used, 10_000))).toEqual(['ok', 'ok', 'warning', 'warning', 'critical', 'critical']);
    expect(quotaStatus(5, 0)).toBe('unknown');
  });
});

describe('targetQuota', () => {
  it("prefers the connector's report to the budget window, and refuses a figure that is no number", () => {
    const shopify = Object.assign(new RecordingTarget('commerce', { maxBatchSize: 1, concurrency: 1 }), {
      quota: () => ({ name: 'graphqlCostPoints', used: 960, limit: 1_000, source: 'extensions.cost.throttleStatus' }),
    });
    expect(targetQuota({ connector: shopify, budget: snapshot(10, 100) })).toEqual({
      name: 'graphqlCostPoints',
      used: 960,
      limit: 1_000,
      percent: 96,
      status: 'critical',
      source: 'extensions.cost.throttleStatus',
      origin: 'connector',
    });
    const broken = Object.assign(new RecordingTarget('crm', { maxBatchSize: 1, concurrency: 1, requests: { limit: 100, windowMs: 86_400_000 } }), {
      quota: () => ({ name: 'DailyApiRequests', used: Number.NaN, limit: 100, source: 'Sforce-Limit-Info response header' }),
    });
    expect(targetQuota({ connector: broken, budget: snapshot(85, 100), declared: broken.budget })).toEqual({
      name: 'requests per 24 h',
      used: 85,
      limit: 100,
      percent: 85,
      status: 'warning',
      source: "the hub's delivery budget: requests in its rolling window (the connector's figure was not a number)",
      origin: 'budget',
    });
    expect(targetQuota({ budget: snapshot(null, null) })).toBeNull();
  });
});
