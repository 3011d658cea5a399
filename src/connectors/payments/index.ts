import type { Connector, QuotaReport } from '../connector.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryBudget } from '../../runtime/delivery/budget.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import { PAYMENTS_SYSTEM, StripeClient } from './client.ts';
import { LocalRequestCounter, PAYMENTS_BUDGET, STRIPE_REFUNDS_PER_SECOND } from './limits.ts';
import { loadPaymentsMappings, type PaymentsMappingOverrides } from './mappings.ts';
import { deliverToPayments, PaymentsOperation } from './outbound.ts';

export { PaymentsOperation } from './outbound.ts';
export type { IssueRefundPayload } from './outbound.ts';
export type { PaymentsMappingName, PaymentsMappingOverrides } from './mappings.ts';
export { PAYMENTS_BUDGET } from './limits.ts';

export interface PaymentsConnectorOptions {
  /** Default `https://api.stripe.com`; a sandbox's `url` in tests and the demo. */
  baseUrl?: string;
  /** Secret or restricted key (`rk_live_…` with Refunds: write is enough). */
  secretKey: string;
  /** Connect: the connected account refunds are issued on (`acct_…`). */
  account?: string;
  /** The delivery target name = the role flows address (default `payments`). */
  role?: string;
  /** Pinned Stripe API version; default the one this connector is written against. */
  apiVersion?: string;
  mappingOverrides?: PaymentsMappingOverrides;
  /** Replaces figures of the declared budget, e.g. to leave room for the storefront's calls. */
  budget?: Partial<DeliveryBudget>;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  clock?: () => number;
}

/** 30 s: Stripe's own clients wait 80 s; a refund that takes longer is retried with the same key, safely. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The payments connector (Stripe REST semantics): issues refunds with the delivery item's
 * idempotency key as Stripe's `Idempotency-Key`, so a refund is paid once however often it is
 * retried. See docs/connectors/payments.md.
 *
 * @example
 * const payments = createPaymentsConnector({ secretKey: process.env.STRIPE_REFUNDS_KEY! });
 * await delivery.enqueue([{ target: 'payments', kind: 'command', key: 'RMA-20931', operation: 'issueRefund',
 *   payload: { refund, payment }, idempotencyKey: 'refund:RMA-20931:1' }]);
 */
export function createPaymentsConnector(options: PaymentsConnectorOptions): Connector {
  const clock = options.clock ?? Date.now;
  const mappings = loadPaymentsMappings(options.mappingOverrides);
  const budget: DeliveryBudget = { ...PAYMENTS_BUDGET, ...options.budget };
  const requests = new LocalRequestCounter(clock);
  const client = new StripeClient({
    baseUrl: options.baseUrl ?? 'https://api.stripe.com',
    credentials: { secretKey: options.secretKey, ...(options.account && { account: options.account }) },
    ...(options.apiVersion && { apiVersion: options.apiVersion }),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onRequest: () => requests.count(),
  });
  return {
    name: options.role ?? 'payments',
    system: PAYMENTS_SYSTEM,
    operations: Object.values(PaymentsOperation),
    budget,
    deliver: (batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> => deliverToPayments(batch, context, { client, mappings }),
    quota: (): QuotaReport => requests.report(budget.requests?.limit ?? STRIPE_REFUNDS_PER_SECOND),
  };
}
