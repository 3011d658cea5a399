import { describe, expect, it } from 'vitest';
import { recordingContext } from '../conformance/harness.ts';
import { runNetSuiteConcurrencyScenario } from './concurrency-scenario.ts';
import { bookOrderItem, sandboxOrder, startNetSuiteFixture } from './testing.ts';

describe('NetSuite connector: account concurrency', () => {
  it('drains a backlog of bookings through the delivery engine with every slot used and not one 429', async () => {
    // Small and quick for the test suite; the bench runs 100 bookings at 300 ms.
    const result = await runNetSuiteConcurrencyScenario({ bookings: 40, concurrencyLimit: 5, writeLatencyMs: 40 });
    expect(result.delivered).toBe(40);
    expect(result.rejected429).toBe(0);
    expect(result.peakInFlight).toBe(5);
    expect(result.utilisation).toBeGreaterThan(0);
    expect(result.utilisation).toBeLessThanOrEqual(1);
  });
});

describe('NetSuite connector: deliveries and polls share the account limit', () => {
  it('queues its own requests beyond the limit instead of drawing a 429, when a poll runs beside the deliveries', async () => {
    const slow = { p50Ms: 30, p99Ms: 30 };
    const fixture = await startNetSuiteFixture({
      sandbox: { concurrency: { baseLimit: 2 }, latency: { recordWrite: slow, recordRead: slow, query: slow } },
      connector: { concurrencyLimit: 2, inbound: { currency: 'USD', pollers: ['customer'], since: '2026-01-01 00:00:00' } },
    });
    try {
      const poller = fixture.connector.pollers![0]!;
      // As the dispatcher would at concurrency 2, plus the scheduler's poll at the same moment.
      const work = await Promise.all([
        fixture.connector.deliver([bookOrderItem(sandboxOrder())], recordingContext()),
        fixture.connector.deliver([bookOrderItem(sandboxOrder())], recordingContext()),
        poller.poll({ watermark: poller.initialWatermark(), signal: new AbortController().signal }),
      ]);
      expect(work[0][0]).toMatchObject({ ok: true });
      expect(work[1][0]).toMatchObject({ ok: true });
      expect(fixture.netsuite.governance.stats()).toMatchObject({ rejected429: 0, peakInFlight: 2 });
      expect(fixture.connector.concurrency()).toMatchObject({ peak: 2, inFlight: 0 });
    } finally {
      await fixture.close();
    }
  });
});
