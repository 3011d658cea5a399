import type { DeliveryItem } from '../ports/storage.ts';
import { RateBudget, type DeliveryBudget, type QuotaSignal } from '../runtime/delivery/budget.ts';
import type { DeliveryContext, DeliveryTarget, ItemOutcome } from '../runtime/delivery/target.ts';

/**
 * How a backfill leaves quota for the live flows.
 *
 * A backfill may use `share` (default 50 %) of the target's declared budget and no more; the
 * rest, the live reserve, stays for the flows that keep orders, stock and customers in sync
 * while the load runs. The share applies to every dimension the budget has:
 *
 * - concurrency: at most ⌊concurrency × share⌋ requests in flight (at least 1);
 * - a request window (Salesforce's daily API allocation): at most ⌊limit × share⌋ requests per
 *   window; and when the target reports its own usage (Sforce-Limit-Info, which counts every
 *   client of the org: the hub's live deliveries, other integrations, the backfill itself), the
 *   backfill stops sending once the org's usage reaches `share` of the allocation, so the last
 *   (1 − share) of the day's calls are never spent by it;
 * - cost points (Shopify's bucket): the backfill sees a bucket of capacity × share restoring at
 *   restore × share; when Shopify reports the real bucket (throttleStatus, shared by every
 *   request of the app), the backfill counts only what lies above the live reserve of
 *   (1 − share) × capacity as available to it.
 *
 * The admission is a `RateBudget` (the delivery engine's own), fed the scaled budget and the
 * scaled signals, so "waiting for quota" means exactly what it means for live deliveries. The
 * runner asks `BackfillQuota` before each Bulk API job for the requests the job will make, and
 * on the delivery path before it enqueues each request's worth of items, at the target's cost
 * estimate (delivery-writer.ts): the queue is shared with the live flows, so only what was
 * admitted may be in it, whichever engine then sends it.
 */
export const DEFAULT_QUOTA_SHARE = 0.5;

/** RateBudget counts a request window in this many slices; a wait for room is re-checked once a slice. */
const WINDOW_SLICES = 60;

/** A share must leave something on both sides: 0 < share ≤ 1 (1 = the backfill may use it all). */
export function checkQuotaShare(share: number): number {
  if (!Number.isFinite(share) || share <= 0 || share > 1) {
    throw new RangeError(`quota share must be above 0 and at most 1 (e.g. 0.5 for half of the target's budget), got ${String(share)}`);
  }
  return share;
}

/** The backfill's part of a target's budget (see the module comment). Batch sizes are unchanged: they are not quota. */
export function shareOfBudget(budget: DeliveryBudget, share: number): DeliveryBudget {
  checkQuotaShare(share);
  return {
    ...budget,
    concurrency: Math.max(1, Math.floor(budget.concurrency * share)),
    ...(budget.requests && { requests: { limit: Math.max(1, Math.floor(budget.requests.limit * share)), windowMs: budget.requests.windowMs } }),
    ...(budget.costPoints && {
      costPoints: { capacity: Math.max(1, Math.floor(budget.costPoints.capacity * share)), restorePerSecond: budget.costPoints.restorePerSecond * share },
    }),
  };
}

/**
 * A target's own quota figures as the backfill must read them: org-wide request usage against
 * `share` of the allocation, and only the bucket points above the live reserve as available.
 */
export function shareOfSignal(signal: QuotaSignal, share: number): QuotaSignal {
  if (signal.kind === 'requests') return { kind: 'requests', used: signal.used, limit: Math.max(1, Math.floor(signal.limit * share)) };
  const reserve = signal.maximumAvailable * (1 - share);
  return {
    kind: 'cost',
    currentlyAvailable: Math.max(0, signal.currentlyAvailable - reserve),
    maximumAvailable: Math.max(1, Math.floor(signal.maximumAvailable * share)),
    restorePerSecond: signal.restorePerSecond * share,
  };
}

/** What the console and the tests see of a backfill's use of its share. */
export interface QuotaUsage {
  share: number;
  /** Requests admitted (on the bulk path: counted per Bulk API call the jobs made; on the delivery path: one per batch of the target's size). */
  requests: number;
  /** Times the backfill had to wait for its share to free up. */
  waits: number;
  /** Most requests the backfill had in flight at once. */
  peakInFlight: number;
  /** The backfill's limits: its part of the target's budget. */
  concurrencyLimit: number;
  requestLimit: number | null;
  costCapacity: number | null;
}

/**
 * The backfill's admission control for one target: the scaled budget in a `RateBudget`, plus the
 * counts the console shows. `sleep` is injectable so tests can run a day's window without waiting.
 */
export class BackfillQuota {
  readonly budget: RateBudget;
  readonly scaled: DeliveryBudget;
  private requests = 0;
  private waits = 0;
  private inFlight = 0;
  private peakInFlight = 0;

  constructor(
    target: DeliveryBudget,
    readonly share: number,
    private readonly options: { clock?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
  ) {
    this.scaled = shareOfBudget(target, share);
    this.budget = new RateBudget(this.scaled, options.clock ?? Date.now);
  }

  /**
   * Waits until the share admits `requests` calls (default 1) costing `cost` points in all, and
   * reserves them together: a Bulk API job's calls are admitted at once, so they all fall in the
   * window they were counted in. One concurrency slot is held until the returned `release`.
   * Rejects when `signal` aborts while waiting.
   */
  async acquire(options: { requests?: number; cost?: number; signal?: AbortSignal } = {}): Promise<{ release(outcome?: { throttledForMs?: number }): void }> {
    const cost = options.cost ?? 0;
    const requests = options.requests ?? 1;
    const windowLimit = this.scaled.requests?.limit;
    if (windowLimit !== undefined && requests > windowLimit) {
      throw new RangeError(`one write needs ${requests} API calls but the backfill's share of the allocation is ${windowLimit} per window: raise the quota share or the allocation`);
    }
    for (let wait = this.admissionWait(requests, cost); wait > 0; wait = this.admissionWait(requests, cost)) {
      this.waits++;
      // An unbounded wait (every slot taken) is re-checked after a short while, as the dispatcher does.
      await (this.options.sleep ?? abortableSleep)(Number.isFinite(wait) ? wait : 50, options.signal);
    }
    this.budget.begin(cost);
    for (let extra = 1; extra < requests; extra++) {
      this.budget.begin();
      this.budget.end();
    }
    this.requests += requests;
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let released = false;
    return {
      release: (outcome = {}) => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.budget.end(outcome.throttledForMs === undefined ? {} : { throttledForMs: outcome.throttledForMs });
      },
    };
  }

  /** The budget's own wait, or one window slice while the window has no room for all `requests` yet. */
  private admissionWait(requests: number, cost: number): number {
    const wait = this.budget.waitMs(cost);
    if (wait > 0 || requests <= 1 || !this.scaled.requests) return wait;
    const { requestsUsed, requestsLimit } = this.budget.snapshot();
    if (requestsUsed === null || requestsLimit === null || requestsUsed + requests <= requestsLimit) return 0;
    return Math.max(1, Math.ceil(this.scaled.requests.windowMs / WINDOW_SLICES));
  }

  /** Requests made without asking first (a Bulk API job's extra status polls): counted against the share afterwards. */
  charge(requests: number): void {
    for (let index = 0; index < requests; index++) {
      this.budget.begin();
      this.budget.end();
      this.requests++;
    }
  }

  /** The target's own figures, read as the backfill must (see `shareOfSignal`). */
  observe(signal: QuotaSignal): void {
    this.budget.observe(shareOfSignal(signal, this.share));
  }

  usage(): QuotaUsage {
    return {
      share: this.share,
      requests: this.requests,
      waits: this.waits,
      peakInFlight: this.peakInFlight,
      concurrencyLimit: this.scaled.concurrency,
      requestLimit: this.scaled.requests?.limit ?? null,
      costCapacity: this.scaled.costPoints?.capacity ?? null,
    };
  }
}

/**
 * The target as the backfill's own delivery engine sees it: the same connector, with the
 * backfill's share as its budget (so the engine holds no more requests in flight than the share)
 * and the target's quota signals scaled to the share. Every signal also reaches `quota`, whose
 * admission before each enqueue (delivery-writer.ts) is what enforces the share: the target's own
 * figures count everyone's use, the live deliveries' too.
 */
export function targetWithQuotaShare(target: DeliveryTarget, quota: BackfillQuota): DeliveryTarget {
  return {
    name: target.name,
    budget: quota.scaled,
    ...(target.cost && { cost: (batch: readonly DeliveryItem[]) => target.cost!(batch) }),
    deliver(batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> {
      return target.deliver(batch, {
        signal: context.signal,
        reportQuota: (signal) => {
          quota.observe(signal);
          context.reportQuota(shareOfSignal(signal, quota.share));
        },
      });
    },
  };
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
