/**
 * Limit primitives the sandboxes use to enforce the real published limits of the systems they
 * emulate. Pure classes with an injectable clock, so tests move time instead of sleeping.
 */
export type Clock = () => number;

export type LimitDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * N requests per rolling window (e.g. Salesforce's daily API request allocation over a rolling
 * 24 hours, or a per-second request rate). Requests taken at the same millisecond share one
 * entry, so a busy day does not cost one array slot per request.
 */
export class SlidingWindowLimit {
  readonly limit: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  /** [timestamp, count] pairs, oldest first; entries before `head` have expired. */
  private entries: [number, number][] = [];
  private head = 0;
  private inWindow = 0;

  constructor(options: { limit: number; windowMs: number; clock?: Clock }) {
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.clock = options.clock ?? Date.now;
  }

  /** Counts `count` requests at `now` if the window has room for all of them. */
  tryTake(now: number = this.clock(), count = 1): LimitDecision {
    this.expire(now);
    if (this.inWindow + count > this.limit) {
      return { ok: false, retryAfterMs: this.retryAfterMs(now, count) };
    }
    const last = this.entries[this.entries.length - 1];
    if (last && last[0] === now && this.entries.length > this.head) last[1] += count;
    else this.entries.push([now, count]);
    this.inWindow += count;
    return { ok: true };
  }

  get used(): number {
    this.expire(this.clock());
    return this.inWindow;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  reset(): void {
    this.entries = [];
    this.head = 0;
    this.inWindow = 0;
  }

  private expire(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head];
      if (!entry || entry[0] > cutoff) break;
      this.inWindow -= entry[1];
      this.head++;
    }
    // Compact once the expired prefix dominates, keeping pushes amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Time until enough of the oldest requests leave the window to admit `count` more. */
  private retryAfterMs(now: number, count: number): number {
    let toFree = this.inWindow + count - this.limit;
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (!entry) break;
      toFree -= entry[1];
      if (toFree <= 0) return Math.max(1, entry[0] + this.windowMs - now);
    }
    // More than the whole limit asked for at once: it will never fit.
    return Number.POSITIVE_INFINITY;
  }
}

export type BucketDecision =
  | { ok: true; available: number }
  | { ok: false; available: number; waitMs: number };

/**
 * Cost points with a capacity that refill at a constant rate (Shopify's GraphQL Admin API
 * throttle: a bucket of points restored at the plan's rate per second; a query is admitted when
 * the bucket holds its requested cost).
 */
export class LeakyBucket {
  readonly capacity: number;
  readonly restorePerSecond: number;
  private readonly clock: Clock;
  private available: number;
  private updatedAt: number;

  constructor(options: { capacity: number; restorePerSecond: number; clock?: Clock }) {
    this.capacity = options.capacity;
    this.restorePerSecond = options.restorePerSecond;
    this.clock = options.clock ?? Date.now;
    this.available = options.capacity;
    this.updatedAt = this.clock();
  }

  /** Takes `cost` points, or says how long until the bucket holds them. */
  tryTake(cost: number, now: number = this.clock()): BucketDecision {
    this.refill(now);
    if (cost <= this.available) {
      this.available -= cost;
      return { ok: true, available: this.available };
    }
    const waitMs =
      cost > this.capacity ? Number.POSITIVE_INFINITY : Math.ceil(((cost - this.available) / this.restorePerSecond) * 1000);
    return { ok: false, available: this.available, waitMs };
  }

  /** Returns points taken in excess (Shopify refunds the difference between requested and actual cost). */
  giveBack(points: number, now: number = this.clock()): void {
    this.refill(now);
    this.available = Math.min(this.capacity, this.available + points);
  }

  get currentlyAvailable(): number {
    this.refill(this.clock());
    return this.available;
  }

  reset(): void {
    this.available = this.capacity;
    this.updatedAt = this.clock();
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.available = Math.min(this.capacity, this.available + ((now - this.updatedAt) / 1000) * this.restorePerSecond);
      this.updatedAt = now;
    }
  }
}

/**
 * At most `max` requests in flight; the excess is rejected, not queued (NetSuite answers
 * requests beyond the account's concurrency limit with 429).
 */
export class ConcurrencyGate {
  readonly max: number;
  private current = 0;

  constructor(max: number) {
    this.max = max;
  }

  tryEnter(): boolean {
    if (this.current >= this.max) return false;
    this.current++;
    return true;
  }

  leave(): void {
    if (this.current > 0) this.current--;
  }

  get inFlight(): number {
    return this.current;
  }
}
