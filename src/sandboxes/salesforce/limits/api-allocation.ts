import { SlidingWindowLimit } from '../../kit/index.ts';
import type { Clock } from '../../kit/index.ts';

/**
 * The org's daily API request allocation, counted over a rolling 24 hours.
 * Developer Edition: 15,000. Enterprise and Professional (with API access): 100,000 + 1,000 per
 * Salesforce license. Unlimited and Performance: 100,000 + 5,000 per Salesforce license.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
export const Edition = {
  developer: 'Developer',
  professional: 'Professional',
  enterprise: 'Enterprise',
  unlimited: 'Unlimited',
  performance: 'Performance',
} as const;
export type Edition = (typeof Edition)[keyof typeof Edition];

const BASE_ALLOCATION = 100_000;
const DEVELOPER_ALLOCATION = 15_000;
const PER_LICENSE: Record<Edition, number> = {
  Developer: 0,
  Professional: 1_000,
  Enterprise: 1_000,
  Unlimited: 5_000,
  Performance: 5_000,
};
export const ROLLING_WINDOW_MS = 24 * 60 * 60 * 1000;

export function dailyApiAllocation(args: { edition: Edition; licenses: number }): number {
  if (args.edition === 'Developer') return DEVELOPER_ALLOCATION;
  return BASE_ALLOCATION + PER_LICENSE[args.edition] * args.licenses;
}

/**
 * Counts uses of a daily allocation over the rolling window (REST calls, Bulk API batches); the
 * limit can be changed at runtime (tests lower it).
 */
export class ApiRequestAllocation {
  #window: SlidingWindowLimit;
  readonly #clock: Clock;

  constructor(args: { limit: number; clock: Clock }) {
    this.#clock = args.clock;
    this.#window = new SlidingWindowLimit({ limit: args.limit, windowMs: ROLLING_WINDOW_MS, clock: args.clock });
  }

  /** Counts calls (one by default); false when the allocation is used up (then nothing is counted). */
  take(count = 1): boolean {
    return this.#window.tryTake(this.#clock(), count).ok;
  }

  get used(): number {
    return this.#window.used;
  }

  get limit(): number {
    return this.#window.limit;
  }

  get remaining(): number {
    return this.#window.remaining;
  }

  /** Sets a new allocation, keeping the calls already made in the window. */
  setLimit(limit: number): void {
    const used = this.#window.used;
    this.#window = new SlidingWindowLimit({ limit, windowMs: ROLLING_WINDOW_MS, clock: this.#clock });
    if (used > 0) this.#window.tryTake(this.#clock(), Math.min(used, limit));
  }

  reset(): void {
    this.#window.reset();
  }

  /** `Sforce-Limit-Info` header value. */
  header(): string {
    return `api-usage=${this.used}/${this.limit}`;
  }
}

/** Bulk API (1.0 and 2.0 together) batches per rolling 24 hours: 15,000. Same source as above. */
export const DAILY_BULK_API_BATCHES = 15_000;
