import { LeakyBucket } from '../../kit/index.ts';

/**
 * The GraphQL Admin API throttle for one app on one store: a bucket of 1,000 points restored at
 * 100 points/second on the Standard plan, and no single query above 1,000 points
 * (https://shopify.dev/docs/api/usage/limits, https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits).
 */
export const STANDARD_PLAN_BUCKET = { capacity: 1000, restorePerSecond: 100 } as const;
export const MAX_SINGLE_QUERY_COST = 1000;

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export class CostBudget {
  readonly bucket: LeakyBucket;
  readonly maxSingleQueryCost: number;

  constructor(options: { capacity?: number; restorePerSecond?: number; maxSingleQueryCost?: number; clock?: () => number } = {}) {
    this.bucket = new LeakyBucket({
      capacity: options.capacity ?? STANDARD_PLAN_BUCKET.capacity,
      restorePerSecond: options.restorePerSecond ?? STANDARD_PLAN_BUCKET.restorePerSecond,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.maxSingleQueryCost = options.maxSingleQueryCost ?? MAX_SINGLE_QUERY_COST;
  }

  /** Takes the requested cost up front; false when the bucket does not hold it (THROTTLED). */
  take(requested: number): boolean {
    return this.bucket.tryTake(requested).ok;
  }

  /** Shopify refunds the difference between requested and actual cost after the query ran. */
  settle(requested: number, actual: number): void {
    if (requested > actual) this.bucket.giveBack(requested - actual);
  }

  extension(requested: number, actual: number | null): CostExtension {
    return {
      requestedQueryCost: requested,
      actualQueryCost: actual,
      throttleStatus: {
        maximumAvailable: this.bucket.capacity,
        currentlyAvailable: Math.floor(this.bucket.currentlyAvailable),
        restoreRate: this.bucket.restorePerSecond,
      },
    };
  }

  reset(): void {
    this.bucket.reset();
  }
}
