import { describe, expect, it } from 'vitest';
import { BackfillQuota, checkQuotaShare, shareOfBudget, shareOfSignal } from './quota-share.ts';

const salesforce = { maxBatchSize: 200, concurrency: 8, requests: { limit: 120_000, windowMs: 86_400_000 } };
const shopify = { maxBatchSize: 250, concurrency: 2, costPoints: { capacity: 1_000, restorePerSecond: 100 } };

describe('a backfill\'s share of a target\'s budget', () => {
  it('scales concurrency, the request window and the cost bucket, never below one request, and keeps batch sizes', () => {
    expect(shareOfBudget(salesforce, 0.5)).toEqual({ maxBatchSize: 200, concurrency: 4, requests: { limit: 60_000, windowMs: 86_400_000 } });
    expect(shareOfBudget(shopify, 0.25)).toEqual({ maxBatchSize: 250, concurrency: 1, costPoints: { capacity: 250, restorePerSecond: 25 } });
    expect(shareOfBudget({ maxBatchSize: 1, concurrency: 5 }, 0.1).concurrency).toBe(1);
  });

  it('reads the target\'s own figures against the live reserve', () => {
    // The org has used 70,000 of 120,000 calls (everyone's); the backfill may go up to 60,000: none left for it.
    expect(shareOfSignal({ kind: 'requests', used: 70_000, limit: 120_000 }, 0.5)).toEqual({ kind: 'requests', used: 70_000, limit: 60_000 });
    // 800 points in the bucket, 500 reserved for live deliveries: 300 are the backfill's.
    expect(shareOfSignal({ kind: 'cost', currentlyAvailable: 800, maximumAvailable: 1_000, restorePerSecond: 100 }, 0.5)).toEqual({ kind: 'cost', currentlyAvailable: 300, maximumAvailable: 500, restorePerSecond: 50 });
    expect(shareOfSignal({ kind: 'cost', currentlyAvailable: 300, maximumAvailable: 1_000, restorePerSecond: 100 }, 0.5)).toMatchObject({ currentlyAvailable: 0 });
  });

  it('refuses a share outside (0, 1]', () => {
    for (const share of [0, -0.5, 1.5, Number.NaN]) expect(() => checkQuotaShare(share)).toThrow(/above 0 and at most 1/);
    expect(checkQuotaShare(1)).toBe(1);
  });

  it('admits at most the share in flight and waits for a slot to come back', async () => {
    const sleeps: number[] = [];
    const quota = new BackfillQuota({ maxBatchSize: 1, concurrency: 4 }, 0.5, { sleep: async (ms) => void sleeps.push(ms) });
    const first = await quota.acquire();
    await quota.acquire();
    const third = quota.acquire();
    await Promise.resolve();
    first.release();
    await third;
    expect(quota.usage()).toMatchObject({ requests: 3, peakInFlight: 2, concurrencyLimit: 2 });
    expect(sleeps.length).toBeGreaterThan(0);
  });

  it('admits a many-call write only when the window has room for all of its calls', async () => {
    let now = 0;
    const quota = new BackfillQuota({ maxBatchSize: 1, concurrency: 4, requests: { limit: 20, windowMs: 60_000 } }, 0.5, { clock: () => now, sleep: async (ms) => void (now += ms) });
    (await quota.acquire({ requests: 7 })).release();
    expect(now).toBe(0);
    (await quota.acquire({ requests: 7 })).release();
    expect(now).toBeGreaterThan(0);
    expect(quota.usage()).toMatchObject({ requests: 14, requestLimit: 10, waits: expect.any(Number) });
    await expect(quota.acquire({ requests: 11 })).rejects.toThrow(/needs 11 API calls but the backfill's share of the allocation is 10/);
  });
});
