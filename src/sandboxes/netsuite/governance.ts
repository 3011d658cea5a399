import { ConcurrencyGate, drawLatencyMs } from '../kit/index.ts';
import type { LatencyDistribution } from '../kit/index.ts';

/**
 * Account concurrency governance. The limit applies to web services and RESTlet requests in flight
 * together; excess requests are rejected (429), not queued. Standard service tier (and developer
 * accounts): 5; each SuiteCloud Plus license adds 10 (e.g. Tier 1 with five licenses: 15 + 50 = 65).
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1525253248.html
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/subsect_1559222360.html
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1504769959.html (FAQ)
 */
export const STANDARD_TIER_CONCURRENCY = 5;
export const CONCURRENCY_PER_SUITECLOUD_PLUS_LICENSE = 10;

export function accountConcurrencyLimit(args: { baseLimit?: number; suiteCloudPlusLicenses?: number }): number {
  return (args.baseLimit ?? STANDARD_TIER_CONCURRENCY) + (args.suiteCloudPlusLicenses ?? 0) * CONCURRENCY_PER_SUITECLOUD_PLUS_LICENSE;
}

/**
 * Service time of a request while it holds a concurrency slot. NetSuite publishes no latency
 * figures; these defaults are typical of the REST record API as integrators observe it (a record
 * write takes hundreds of milliseconds, with a long tail), and are configurable.
 */
export interface ServiceLatency {
  recordWrite: LatencyDistribution;
  recordRead: LatencyDistribution;
  query: LatencyDistribution;
}

export const DEFAULT_SERVICE_LATENCY: ServiceLatency = {
  recordWrite: { p50Ms: 300, p99Ms: 1200 },
  recordRead: { p50Ms: 120, p99Ms: 500 },
  query: { p50Ms: 150, p99Ms: 600 },
};

export type OperationKind = keyof ServiceLatency;

export class AccountGovernance {
  readonly limit: number;
  private readonly gate: ConcurrencyGate;
  private readonly latency: ServiceLatency;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: () => number;
  private peak = 0;
  private rejected = 0;
  private admitted = 0;
  /** Integral of in-flight requests over time (slot-milliseconds), for utilisation. */
  private busySlotMs = 0;
  private since: number;
  private lastChange: number;

  constructor(options: {
    limit: number;
    latency: ServiceLatency;
    random: () => number;
    sleep: (ms: number) => Promise<void>;
    clock?: () => number;
  }) {
    this.limit = options.limit;
    this.clock = options.clock ?? Date.now;
    this.since = this.clock();
    this.lastChange = this.since;
    this.gate = new ConcurrencyGate(options.limit);
    this.latency = options.latency;
    this.random = options.random;
    this.sleep = options.sleep;
  }

  /** Takes a slot, or returns false when the account is at its limit (counted as a rejection). */
  tryEnter(): boolean {
    if (!this.gate.tryEnter()) {
      this.rejected++;
      return false;
    }
    this.accumulate(this.gate.inFlight - 1);
    this.admitted++;
    this.peak = Math.max(this.peak, this.gate.inFlight);
    return true;
  }

  leave(): void {
    this.accumulate(this.gate.inFlight);
    this.gate.leave();
  }

  private accumulate(inFlightBefore: number): void {
    const now = this.clock();
    this.busySlotMs += inFlightBefore * Math.max(0, now - this.lastChange);
    this.lastChange = now;
  }

  /** Holds the slot for the operation's service time. */
  async serve(kind: OperationKind): Promise<void> {
    const ms = drawLatencyMs(this.latency[kind], this.random);
    if (ms > 0) await this.sleep(ms);
  }

  /**
   * Limits and their use. `utilisation` is the share of the concurrency limit kept busy since the
   * counters were last reset (busy slot-time / (limit x elapsed)): the ERP's throughput ceiling is
   * limit x latency, so this says how much of it a connector uses.
   */
  stats(): {
    concurrencyLimit: number;
    inFlight: number;
    peakInFlight: number;
    rejected429: number;
    admitted: number;
    busySlotMs: number;
    elapsedMs: number;
    utilisation: number;
  } {
    this.accumulate(this.gate.inFlight);
    const elapsedMs = this.clock() - this.since;
    return {
      concurrencyLimit: this.limit,
      inFlight: this.gate.inFlight,
      peakInFlight: this.peak,
      rejected429: this.rejected,
      admitted: this.admitted,
      busySlotMs: this.busySlotMs,
      elapsedMs,
      utilisation: elapsedMs > 0 ? this.busySlotMs / (this.limit * elapsedMs) : 0,
    };
  }

  resetCounters(): void {
    this.peak = this.gate.inFlight;
    this.rejected = 0;
    this.admitted = 0;
    this.busySlotMs = 0;
    this.since = this.clock();
    this.lastChange = this.since;
  }
}
