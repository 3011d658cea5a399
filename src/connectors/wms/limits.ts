import type { QuotaReport } from '../connector.ts';
import type { DeliveryBudget, QuotaSignal } from '../../runtime/delivery/budget.ts';

/** Per API key: the sandbox's plausible figure, not a vendor-published one. */
export const WMS_REQUESTS_PER_SECOND = 10;

/**
 * The WMS budget. No standard exists for warehouse APIs; these are the figures of the WMS
 * sandbox (`src/sandboxes/wms/README.md`), which follows common 3PL REST APIs. Set the real
 * provider's published numbers through the `budget` option.
 */
export const WMS_BUDGET: DeliveryBudget = {
  // POST /v1/fulfillment-orders and /v1/return-receipts take one record per request.
  maxBatchSize: 1,
  // No concurrency limit is documented; 4 in flight keep 10 requests/s busy at ~400 ms latency
  // without bursting the whole second's allowance at once.
  concurrency: 4,
  // 10 requests per second per API key (src/sandboxes/wms/access.ts): plausible, not vendor-published.
  requests: { limit: WMS_REQUESTS_PER_SECOND, windowMs: 1_000 },
};

/**
 * The WMS's own view of the key's rate limit, from `X-RateLimit-Limit` / `X-RateLimit-Remaining`
 * on every response (errors included). It wins over local counting: other clients of the same
 * key (the warehouse's own tools) use the same allowance.
 */
export class WmsRateLimitHeaders {
  private latest: { used: number; limit: number } | undefined;
  private counted = 0;

  /** Reads the headers of a response; returns the signal to feed to the delivery budget. */
  observe(headers: Headers): QuotaSignal | undefined {
    this.counted++;
    const limit = Number(headers.get('x-ratelimit-limit'));
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    if (!headers.has('x-ratelimit-limit') || !Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
    this.latest = { used: Math.max(0, limit - remaining), limit };
    return { kind: 'requests', ...this.latest };
  }

  report(fallbackLimit: number): QuotaReport {
    if (this.latest) return { name: 'requestsPerSecond', ...this.latest, source: 'X-RateLimit-Limit / X-RateLimit-Remaining response headers' };
    return { name: 'requestsPerSecond', used: 0, limit: fallbackLimit, source: `no response yet (${this.counted} requests sent)` };
  }
}
