import { describe, expect, it } from 'vitest';
import type { BackfillJob } from './job.ts';
import { formatDuration, progressLine, progressOf } from './progress.ts';

function job(overrides: Partial<BackfillJob>): BackfillJob {
  return {
    id: 'customer:erp->crm', entity: 'customer', from: 'erp', to: 'crm', sourceSystem: 'netsuite', targetSystem: 'salesforce', path: 'bulk', operation: 'upsertCustomer',
    status: 'running', run: 1, cursor: null, chunks: 0, read: 0, written: 0, failed: 0, estimatedTotal: null,
    quota: { share: 0.5, requests: 0, waits: 0, peakInFlight: 0, concurrencyLimit: 4, requestLimit: null, costCapacity: null },
    recentFailures: [], startedAt: 0, resumedAt: 0, readAtResume: 0, updatedAt: 0, finishedAt: null, lastError: null, revision: 1, ...overrides,
  };
}

describe('backfill progress', () => {
  it('measures the rate on this run only and derives the ETA from it', () => {
    // Resumed at t=100 s with 6,000 already read; 2,000 more in the 10 s since.
    const resumed = job({ read: 8_000, readAtResume: 6_000, resumedAt: 100_000, estimatedTotal: 10_000 });
    expect(progressOf(resumed, 110_000)).toEqual({ fraction: 0.8, ratePerSecond: 200, etaMs: 10_000 });
  });

  it('says nothing it does not know: no total, no rate yet, no ETA once stopped', () => {
    expect(progressOf(job({}), 5_000)).toEqual({ fraction: null, ratePerSecond: null, etaMs: null });
    expect(progressOf(job({ status: 'interrupted', read: 500, estimatedTotal: 1_000, updatedAt: 10_000 }), 99_000)).toEqual({ fraction: 0.5, ratePerSecond: 50, etaMs: null });
  });

  it('draws a bar, counts, rate, ETA and failures on one line', () => {
    const line = progressLine(job({ read: 1_000, estimatedTotal: 2_000, failed: 3 }), 4_000, { barWidth: 10, activity: 'reading' });
    expect(line).toBe('customer erp→crm [█████░░░░░]  50% 1,000/2,000 read · 250/s · ETA 4s · 3 failed · reading');
    expect(progressLine(job({ read: 10 }), 1_000, { barWidth: 0 })).toBe('customer erp→crm 10 read · 10/s');
    expect([formatDuration(4_000), formatDuration(200_000), formatDuration(3_840_000)]).toEqual(['4s', '3m 20s', '1h 04m']);
  });
});
