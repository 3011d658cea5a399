import type { QuotaReport } from '../connector.ts';
import type { DeliveryBudget } from '../../runtime/delivery/budget.ts';

/**
 * NetSuite Concurrency Governance: an account accepts a limited number of web services and RESTlet
 * requests in flight at once, 5 on the standard service tier (and developer accounts) plus 10 per
 * SuiteCloud Plus licence; a request beyond it is refused at once with 429
 * CONCURRENCY_LIMIT_EXCEEDED, not queued. An administrator can give an integration its own share
 * (Setup > Integration > Integration Management > Integration Governance).
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1525253248.html
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/subsect_1559222360.html
 */
export const STANDARD_TIER_CONCURRENCY = 5;

/**
 * The record API writes one record per request (no collection writes in REST web services):
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/chapter_1540391670.html
 */
export const RECORD_API_BATCH_SIZE = 1;

/** SuiteQL through REST answers at most 1,000 rows per page (section_157909186990). */
export const SUITEQL_PAGE_SIZE = 1000;

/** The delivery budget for an account (or integration) concurrency limit. */
export function netSuiteBudget(concurrencyLimit: number = STANDARD_TIER_CONCURRENCY): DeliveryBudget {
  if (!Number.isInteger(concurrencyLimit) || concurrencyLimit < 1) {
    throw new Error(`netsuite: concurrencyLimit must be a positive integer (the account's or the integration's limit), got ${String(concurrencyLimit)}`);
  }
  return { maxBatchSize: RECORD_API_BATCH_SIZE, concurrency: concurrencyLimit };
}

/**
 * The connector's own slots of the account's concurrency limit. Deliveries are already held to
 * the limit by the dispatcher, but the SuiteQL pollers share the same account limit: every
 * request of the connector takes a slot here first (FIFO), so together they never exceed it and
 * the account never answers 429 because of us. It also measures how busy the slots are.
 */
export class AccountSlots {
  private inFlight = 0;
  private peak = 0;
  private readonly waiting: (() => void)[] = [];
  private busySlotMs = 0;
  private lastChange: number;
  private since: number;

  constructor(
    readonly limit: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.since = clock();
    this.lastChange = this.since;
  }

  /** Takes a slot, waiting in line when all are taken. */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.inFlight < this.limit && this.waiting.length === 0) {
      this.accumulate();
      this.inFlight++;
      this.peak = Math.max(this.peak, this.inFlight);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted while waiting for a NetSuite concurrency slot'));
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  /** Frees a slot, handing it straight to the next in line (the slot stays counted as busy). */
  release(): void {
    const next = this.waiting.shift();
    if (next) return next();
    this.accumulate();
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  private accumulate(): void {
    const now = this.clock();
    this.busySlotMs += this.inFlight * Math.max(0, now - this.lastChange);
    this.lastChange = now;
  }

  /** In flight now, the peak, and the share of the limit kept busy since `resetMeasurement`. */
  snapshot(): { inFlight: number; peak: number; limit: number; utilisation: number } {
    this.accumulate();
    const elapsed = this.clock() - this.since;
    return { inFlight: this.inFlight, peak: this.peak, limit: this.limit, utilisation: elapsed > 0 ? this.busySlotMs / (this.limit * elapsed) : 0 };
  }

  resetMeasurement(): void {
    this.accumulate();
    this.busySlotMs = 0;
    this.peak = this.inFlight;
    this.since = this.clock();
    this.lastChange = this.since;
  }

  quota(): QuotaReport {
    return { name: 'concurrency', used: this.inFlight, limit: this.limit, source: 'requests in flight counted by the connector (NetSuite reports no live figure)' };
  }
}
