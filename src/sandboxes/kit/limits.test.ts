import { describe, expect, it } from 'vitest';
import { ConcurrencyGate, LeakyBucket, SlidingWindowLimit } from './limits.ts';

describe('SlidingWindowLimit', () => {
  it('admits up to the limit within the window and rejects the next with the wait until room', () => {
    let now = 1_000;
    const limit = new SlidingWindowLimit({ limit: 3, windowMs: 10_000, clock: () => now });
    expect(limit.tryTake(1_000).ok).toBe(true);
    expect(limit.tryTake(2_000).ok).toBe(true);
    expect(limit.tryTake(3_000).ok).toBe(true);
    const rejected = limit.tryTake(4_000);
    expect(rejected).toEqual({ ok: false, retryAfterMs: 7_000 });
    now = 4_000;
    expect(limit.used).toBe(3);
    expect(limit.remaining).toBe(0);
  });

  it('rolls: requests older than the window stop counting', () => {
    let now = 0;
    const limit = new SlidingWindowLimit({ limit: 2, windowMs: 1_000, clock: () => now });
    limit.tryTake(0);
    limit.tryTake(500);
    expect(limit.tryTake(999).ok).toBe(false);
    expect(limit.tryTake(1_000).ok).toBe(true);
    now = 1_000;
    expect(limit.used).toBe(2);
    now = 2_000;
    expect(limit.used).toBe(0);
    expect(limit.remaining).toBe(2);
  });

  it('counts several requests at once (a batch) and refuses a batch larger than what is left', () => {
    const limit = new SlidingWindowLimit({ limit: 5, windowMs: 1_000, clock: () => 0 });
    expect(limit.tryTake(0, 4).ok).toBe(true);
    expect(limit.tryTake(0, 2).ok).toBe(false);
    expect(limit.tryTake(0, 1).ok).toBe(true);
    expect(limit.used).toBe(5);
    expect(limit.tryTake(0, 6)).toEqual({ ok: false, retryAfterMs: Number.POSITIVE_INFINITY });
  });

  it('keeps exact counts over a large day of traffic', () => {
    let now = 0;
    const limit = new SlidingWindowLimit({ limit: 100_000, windowMs: 86_400_000, clock: () => now });
    let admitted = 0;
    for (let i = 0; i < 120_000; i++) if (limit.tryTake(i * 100).ok) admitted++;
    expect(admitted).toBe(100_000);
    now = 120_000 * 100;
    expect(limit.used).toBe(100_000);
    // The admitted requests were taken at 0..9,999,900 ms; those at or before now - 24 h expire.
    now = 86_400_000 + 5_000_000;
    expect(limit.used).toBe(100_000 - 50_001);
    limit.reset();
    expect(limit.used).toBe(0);
  });
});

describe('LeakyBucket', () => {
  it('takes points while available and says how long until enough points are restored', () => {
    const bucket = new LeakyBucket({ capacity: 1_000, restorePerSecond: 100, clock: () => 0 });
    expect(bucket.tryTake(900, 0)).toEqual({ ok: true, available: 100 });
    expect(bucket.tryTake(300, 0)).toEqual({ ok: false, available: 100, waitMs: 2_000 });
    expect(bucket.tryTake(300, 2_000)).toEqual({ ok: true, available: 0 });
  });

  it('restores at the rate up to the capacity, never beyond', () => {
    let now = 0;
    const bucket = new LeakyBucket({ capacity: 50, restorePerSecond: 10, clock: () => now });
    bucket.tryTake(50, 0);
    now = 1_500;
    expect(bucket.currentlyAvailable).toBe(15);
    now = 60_000;
    expect(bucket.currentlyAvailable).toBe(50);
  });

  it('never admits a cost above the capacity, and gives back unused points', () => {
    const bucket = new LeakyBucket({ capacity: 100, restorePerSecond: 10, clock: () => 0 });
    expect(bucket.tryTake(101, 0)).toMatchObject({ ok: false, waitMs: Number.POSITIVE_INFINITY });
    bucket.tryTake(80, 0);
    bucket.giveBack(30, 0);
    expect(bucket.currentlyAvailable).toBe(50);
  });
});

describe('ConcurrencyGate', () => {
  it('admits up to max in flight and rejects the excess until one leaves', () => {
    const gate = new ConcurrencyGate(2);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(false);
    expect(gate.inFlight).toBe(2);
    gate.leave();
    expect(gate.tryEnter()).toBe(true);
    gate.leave();
    gate.leave();
    gate.leave();
    expect(gate.inFlight).toBe(0);
  });
});
