import { describe, expect, it } from 'vitest';
import { RateBudget } from './budget.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RateBudget', () => {
  it('admits up to the concurrency limit and no more', () => {
    const budget = new RateBudget({ maxBatchSize: 1, concurrency: 2 });
    expect(budget.waitMs()).toBe(0);
    budget.begin();
    budget.begin();
    expect(budget.waitMs()).toBe(Infinity);
    budget.end();
    expect(budget.waitMs()).toBe(0);
  });

  it('never exceeds the rolling request window and frees it as the window rolls', () => {
    const time = clock();
    const budget = new RateBudget({ maxBatchSize: 200, concurrency: 10, requests: { limit: 3, windowMs: 60_000 } }, time.now);
    for (let index = 0; index < 3; index++) {
      expect(budget.waitMs()).toBe(0);
      budget.begin();
      budget.end();
    }
    const wait = budget.waitMs();
    expect(wait).toBeGreaterThan(0);
    // At most one window and one of its 60 slices (1 s here): the count is kept per slice.
    expect(wait).toBeLessThanOrEqual(61_000);
    time.advance(wait);
    expect(budget.waitMs()).toBe(0);
  });

  it('admits the next request only once the oldest counted one is a whole window old, as a target with an exact sliding window counts', () => {
    // Requests sent mid-slice (slices are 1000/60 ms): a slice dropped by its start would free
    // the window up to 16 ms early, and a WMS at 10 requests/s answers that 11th request 429.
    const time = clock(1_000_010);
    const budget = new RateBudget({ maxBatchSize: 1, concurrency: 10, requests: { limit: 10, windowMs: 1_000 } }, time.now);
    const sentAt: number[] = [];
    for (let index = 0; index < 10; index++) {
      expect(budget.waitMs()).toBe(0);
      budget.begin();
      budget.end();
      sentAt.push(time.now());
      time.advance(1);
    }
    while (budget.waitMs() > 0) time.advance(1);
    expect(time.now()).toBeGreaterThanOrEqual(sentAt[0]! + 1_000);
    expect(time.now()).toBeLessThanOrEqual(sentAt[0]! + 1_000 + 17);
  });

  it('believes the target when it reports more use than we counted (other clients share the quota)', () => {
    const time = clock();
    const budget = new RateBudget({ maxBatchSize: 200, concurrency: 10, requests: { limit: 100_000, windowMs: 86_400_000 } }, time.now);
    budget.observe({ kind: 'requests', used: 99_999, limit: 100_000 });
    expect(budget.waitMs()).toBe(0);
    budget.begin();
    budget.end();
    expect(budget.snapshot()).toMatchObject({ requestsUsed: 100_000, requestsLimit: 100_000 });
    expect(budget.waitMs()).toBeGreaterThan(0);
  });

  it('spends and restores cost points like a leaky bucket', () => {
    const time = clock();
    const budget = new RateBudget({ maxBatchSize: 250, concurrency: 4, costPoints: { capacity: 1_000, restorePerSecond: 100 } }, time.now);
    budget.begin(900);
    budget.end();
    expect(budget.waitMs(300)).toBe(2_000);
    time.advance(2_000);
    expect(budget.waitMs(300)).toBe(0);
    budget.observe({ kind: 'cost', currentlyAvailable: 50, maximumAvailable: 1_000, restorePerSecond: 50 });
    expect(budget.waitMs(100)).toBe(1_000);
  });

  it('pauses for the Retry-After hint, halves concurrency, and earns it back with successes', () => {
    const time = clock();
    const budget = new RateBudget({ maxBatchSize: 1, concurrency: 8 }, time.now);
    budget.begin();
    budget.end({ throttledForMs: 5_000 });
    expect(budget.waitMs()).toBe(5_000);
    expect(budget.snapshot()).toMatchObject({ effectiveConcurrency: 4, throttledResponses: 1 });
    time.advance(5_000);
    for (let index = 0; index < 20; index++) {
      budget.begin();
      budget.end();
    }
    expect(budget.snapshot().effectiveConcurrency).toBe(5);
  });
});
