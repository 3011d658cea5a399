import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryBudget, QuotaSignal } from './budget.ts';

/** The result for one item of a batch: delivered, or a typed failure for that item alone. */
export type ItemOutcome = { ok: true; externalId?: string } | { ok: false; error: unknown };

export interface DeliveryContext {
  /** Aborted when the hub shuts down; connectors pass it to their HTTP client. */
  signal: AbortSignal;
  /** Feed the target's own quota figures (Sforce-Limit-Info, Shopify throttleStatus) back in. */
  reportQuota(signal: QuotaSignal): void;
}

/**
 * What the delivery engine writes to: a connector (or a test double of the hub's own making,
 * such as the benchmark's no-op target). One request per `deliver` call.
 *
 * `deliver` either returns one outcome per item, in order (partial failures are outcomes), or
 * throws a typed failure that applies to the whole batch (RateLimitedError, TransientError,
 * PermanentError, AuthExpiredError).
 */
export interface DeliveryTarget {
  readonly name: string;
  readonly budget: DeliveryBudget;
  /** The batch's cost in the target's own points (Shopify query cost); omit when unmetered. */
  cost?(batch: readonly DeliveryItem[]): number;
  deliver(batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]>;
}
