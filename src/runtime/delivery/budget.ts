/**
 * A target's declared delivery budget, taken from the real system's published limits.
 * Delivery uses it fully and never exceeds it.
 */
export interface DeliveryBudget {
  /** Most records one request may carry (Salesforce collections: 200; NetSuite record API: 1). */
  maxBatchSize: number;
  /** Smaller batch sizes for some operations (one Composite request holds 5 orders, say). */
  maxBatchSizeByOperation?: Readonly<Record<string, number>>;
  /** Most requests in flight at once (NetSuite: the account's concurrency limit). */
  concurrency: number;
  /** A request allocation over a rolling window (Salesforce: 100,000 + 1,000 per licence / 24 h). */
  requests?: { limit: number; windowMs: number };
  /** A leaky bucket of cost points (Shopify GraphQL: 1,000 points, restoring 100 per second). */
  costPoints?: { capacity: number; restorePerSecond: number };
}

/** What a target tells us about its own view of the quota, from headers or response bodies. */
export type QuotaSignal =
  | { kind: 'requests'; used: number; limit: number }
  | { kind: 'cost'; currentlyAvailable: number; maximumAvailable: number; restorePerSecond: number };

export interface BudgetSnapshot {
  concurrencyLimit: number;
  effectiveConcurrency: number;
  inFlight: number;
  requestsUsed: number | null;
  requestsLimit: number | null;
  costAvailable: number | null;
  costCapacity: number | null;
  pausedUntil: number | null;
  throttledResponses: number;
}

/** Success streak after which a reduced concurrency is raised by one again (additive increase). */
const SUCCESSES_PER_INCREASE = 20;
/** The rolling request window is counted in this many slices. */
const WINDOW_SLICES = 60;

/**
 * Admission control for one target: concurrency, a rolling request window and cost points,
 * adapting to the target's own signals. On a throttle (429 / Retry-After / THROTTLED) it pauses
 * until the target's hint and halves its concurrency; a streak of successes raises it again
 * (AIMD, the same rule TCP uses to share a link without overrunning it).
 */
export class RateBudget {
  private inFlight = 0;
  private effectiveConcurrency: number;
  private successStreak = 0;
  private pausedUntil = 0;
  private throttled = 0;
  private readonly slices: { start: number; count: number }[] = [];
  /** Requests the target itself reported as used, at the time it reported them. */
  private reportedRequests: { used: number; limit: number; at: number } | undefined;
  private costAvailable: number;
  private costUpdatedAt: number;
  private costRestorePerSecond: number;
  private costCapacity: number;

  constructor(
    readonly budget: DeliveryBudget,
    private readonly clock: () => number = Date.now,
  ) {
    this.effectiveConcurrency = budget.concurrency;
    this.costCapacity = budget.costPoints?.capacity ?? 0;
    this.costAvailable = this.costCapacity;
    this.costRestorePerSecond = budget.costPoints?.restorePerSecond ?? 0;
    this.costUpdatedAt = clock();
  }

  /**
   * How long to wait before a request costing `cost` points may start (0: start now).
   * Does not reserve anything; call `begin` when actually starting.
   */
  waitMs(cost = 0): number {
    const now = this.clock();
    const waits: number[] = [];
    if (this.pausedUntil > now) waits.push(this.pausedUntil - now);
    if (this.inFlight >= this.effectiveConcurrency) waits.push(Infinity);
    const windowWait = this.requestWindowWait(now);
    if (windowWait > 0) waits.push(windowWait);
    if (this.budget.costPoints && cost > 0) {
      const available = this.currentCost(now);
      const needed = Math.min(cost, this.costCapacity);
      if (available < needed) waits.push(Math.ceil(((needed - available) / this.costRestorePerSecond) * 1000));
    }
    return waits.length === 0 ? 0 : Math.max(...waits);
  }

  /** Reserves a concurrency slot, a request in the window and `cost` points. */
  begin(cost = 0): void {
    const now = this.clock();
    this.inFlight++;
    this.countRequest(now);
    if (this.budget.costPoints && cost > 0) {
      this.costAvailable = this.currentCost(now) - cost;
      this.costUpdatedAt = now;
    }
  }

  /** Frees the slot. `throttledFor` is set when the target answered with a throttle. */
  end(outcome: { throttledForMs?: number | undefined; refundCost?: number } = {}): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (outcome.refundCost && this.budget.costPoints) {
      const now = this.clock();
      this.costAvailable = Math.min(this.costCapacity, this.currentCost(now) + outcome.refundCost);
      this.costUpdatedAt = now;
    }
    if (outcome.throttledForMs !== undefined) {
      this.throttled++;
      this.successStreak = 0;
      this.pausedUntil = Math.max(this.pausedUntil, this.clock() + outcome.throttledForMs);
      this.effectiveConcurrency = Math.max(1, Math.floor(this.effectiveConcurrency / 2));
      return;
    }
    this.successStreak++;
    if (this.successStreak >= SUCCESSES_PER_INCREASE && this.effectiveConcurrency < this.budget.concurrency) {
      this.effectiveConcurrency++;
      this.successStreak = 0;
    }
  }

  /** Aligns the local view with the target's own figures (they win: other clients share them). */
  observe(signal: QuotaSignal): void {
    const now = this.clock();
    if (signal.kind === 'requests') {
      this.reportedRequests = { used: signal.used, limit: signal.limit, at: now };
      return;
    }
    this.costCapacity = signal.maximumAvailable;
    this.costRestorePerSecond = signal.restorePerSecond;
    this.costAvailable = signal.currentlyAvailable;
    this.costUpdatedAt = now;
  }

  snapshot(): BudgetSnapshot {
    const now = this.clock();
    const requests = this.requestsUsed(now);
    return {
      concurrencyLimit: this.budget.concurrency,
      effectiveConcurrency: this.effectiveConcurrency,
      inFlight: this.inFlight,
      requestsUsed: requests?.used ?? null,
      requestsLimit: requests?.limit ?? null,
      costAvailable: this.budget.costPoints ? Math.floor(this.currentCost(now)) : null,
      costCapacity: this.budget.costPoints ? this.costCapacity : null,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
      throttledResponses: this.throttled,
    };
  }

  private currentCost(now: number): number {
    const restored = ((now - this.costUpdatedAt) / 1000) * this.costRestorePerSecond;
    return Math.min(this.costCapacity, this.costAvailable + restored);
  }

  private sliceLength(): number {
    return (this.budget.requests?.windowMs ?? 0) / WINDOW_SLICES;
  }

  private countRequest(now: number): void {
    if (!this.budget.requests) return;
    const start = now - (now % this.sliceLength());
    const last = this.slices[this.slices.length - 1];
    if (last && last.start === start) last.count++;
    else this.slices.push({ start, count: 1 });
    if (this.reportedRequests) this.reportedRequests.used++;
  }

  private requestsUsed(now: number): { used: number; limit: number } | undefined {
    const window = this.budget.requests;
    if (!window) return undefined;
    // A slice leaves the window once its *end* is a window old: its requests were sent anywhere
    // inside it, and the target counts each from its own instant. Dropping it by its start let
    // the 11th request of a 10/s limit go up to a slice early, and the target answered 429.
    while (this.slices.length > 0 && this.slices[0]!.start + this.sliceLength() + window.windowMs <= now) this.slices.shift();
    const counted = this.slices.reduce((sum, slice) => sum + slice.count, 0);
    const reported = this.reportedRequests;
    // The target's own count includes other clients' calls; trust it while it is fresh.
    if (reported && now - reported.at < this.sliceLength()) {
      return { used: Math.max(counted, reported.used), limit: Math.min(window.limit, reported.limit) };
    }
    return { used: counted, limit: window.limit };
  }

  private requestWindowWait(now: number): number {
    const window = this.budget.requests;
    const usage = this.requestsUsed(now);
    if (!window || !usage || usage.used < usage.limit) return 0;
    // Wait until the oldest counted slice leaves the window.
    const oldest = this.slices[0];
    return oldest ? Math.max(1, oldest.start + this.sliceLength() + window.windowMs - now) : this.sliceLength();
  }
}
