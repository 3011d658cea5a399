import { describe, expect, it } from 'vitest';
import { AccountGovernance, accountConcurrencyLimit } from './governance.ts';

const zero = { p50Ms: 0, p99Ms: 0 };

describe('account concurrency governance', () => {
  it('computes the limit from the service tier and SuiteCloud Plus licenses', () => {
    expect(accountConcurrencyLimit({})).toBe(5);
    expect(accountConcurrencyLimit({ suiteCloudPlusLicenses: 1 })).toBe(15);
    expect(accountConcurrencyLimit({ baseLimit: 15, suiteCloudPlusLicenses: 5 })).toBe(65);
  });

  it('rejects beyond the limit and measures peak, rejections and utilisation on a fake clock', () => {
    let now = 0;
    const governance = new AccountGovernance({
      limit: 2,
      latency: { recordWrite: zero, recordRead: zero, query: zero },
      random: () => 0.5,
      sleep: async () => undefined,
      clock: () => now,
    });
    expect(governance.tryEnter()).toBe(true);
    expect(governance.tryEnter()).toBe(true);
    expect(governance.tryEnter()).toBe(false);
    now = 100;
    governance.leave();
    now = 200;
    governance.leave();
    now = 400;
    // 2 slots busy for 100 ms, then 1 for 100 ms = 300 slot-ms of 2 x 400.
    expect(governance.stats()).toEqual({
      concurrencyLimit: 2,
      inFlight: 0,
      peakInFlight: 2,
      rejected429: 1,
      admitted: 2,
      busySlotMs: 300,
      elapsedMs: 400,
      utilisation: 0.375,
    });
  });
});
