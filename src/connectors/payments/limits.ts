import type { QuotaReport } from '../connector.ts';
import type { DeliveryBudget } from '../../runtime/delivery/budget.ts';

/**
 * Stripe's rate limits (https://docs.stripe.com/rate-limits): a global 100 requests per second
 * per account in live mode and 25 in test mode (sandboxes), and a default of 25 requests per
 * second for each API endpoint. Refunds are one endpoint (`POST /v1/refunds`), so 25 per second
 * is the most the hub may send in either mode; the account's other clients (the storefront
 * taking payments) share the global limit, so lower it with the `budget` option when they are busy.
 */
export const STRIPE_REFUNDS_PER_SECOND = 25;

export const PAYMENTS_BUDGET: DeliveryBudget = {
  // One refund per request: Stripe has no bulk refund endpoint.
  maxBatchSize: 1,
  // Stripe also runs a concurrency limiter without a published figure and advises keeping
  // concurrency low; 5 in flight carry 25 refunds/s at the usual ~200 ms per call.
  concurrency: 5,
  requests: { limit: STRIPE_REFUNDS_PER_SECOND, windowMs: 1_000 },
};

/**
 * Stripe sends no rate-limit headers, so the quota is counted locally: requests sent in the
 * last second, against the declared limit.
 */
export class LocalRequestCounter {
  private sent: number[] = [];

  constructor(private readonly clock: () => number) {}

  count(): void {
    const now = this.clock();
    this.sent = this.sent.filter((at) => at > now - 1_000);
    this.sent.push(now);
  }

  report(limit: number): QuotaReport {
    const now = this.clock();
    return { name: 'refundRequestsPerSecond', used: this.sent.filter((at) => at > now - 1_000).length, limit, source: 'local count (Stripe sends no rate-limit headers)' };
  }
}
