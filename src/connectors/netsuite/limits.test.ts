import { describe, expect, it } from 'vitest';
import { AccountSlots, netSuiteBudget } from './limits.ts';

describe('NetSuite limits', () => {
  it('declares one record per request and the account concurrency limit, default 5', () => {
    expect(netSuiteBudget()).toEqual({ maxBatchSize: 1, concurrency: 5 });
    expect(netSuiteBudget(25)).toEqual({ maxBatchSize: 1, concurrency: 25 });
    expect(() => netSuiteBudget(0)).toThrow(/positive integer/);
  });

  it('never lets more requests in flight than the limit, and serves waiters in arrival order', async () => {
    const slots = new AccountSlots(2);
    await slots.acquire();
    await slots.acquire();
    const served: number[] = [];
    const third = slots.acquire().then(() => served.push(3));
    const fourth = slots.acquire().then(() => served.push(4));
    await Promise.resolve();
    expect(served).toEqual([]);
    expect(slots.snapshot().inFlight).toBe(2);
    slots.release();
    await third;
    expect(served).toEqual([3]);
    expect(slots.snapshot().inFlight).toBe(2);
    slots.release();
    await fourth;
    slots.release();
    slots.release();
    expect(slots.snapshot()).toMatchObject({ inFlight: 0, peak: 2, limit: 2 });
  });

  it('gives up waiting when the delivery is aborted', async () => {
    const slots = new AccountSlots(1);
    await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('hub shutting down'));
    await expect(waiting).rejects.toThrow('hub shutting down');
    slots.release();
    expect(slots.snapshot().inFlight).toBe(0);
  });
});
