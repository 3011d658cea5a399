import { createHash } from 'node:crypto';
import { toMinorUnits } from '../../canonical/money.ts';
import type { Payment, Refund } from '../../canonical/payment.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { PAYMENTS_SYSTEM, type StripeClient } from './client.ts';
import type { PaymentsMappings } from './mappings.ts';

/** What the payments connector accepts on its delivery queue: commands, never coalesced. */
export const PaymentsOperation = {
  /** payload: `IssueRefundPayload`; key: the refund's business key (e.g. its RMA number). */
  issueRefund: 'issueRefund',
} as const;
export type PaymentsOperation = (typeof PaymentsOperation)[keyof typeof PaymentsOperation];

export interface IssueRefundPayload {
  /** The canonical refund to pay: amount and currency, order and RMA numbers. */
  refund: Pick<Refund, 'amount' | 'currency'> & Partial<Refund>;
  /** The payment refunded: `processor.reference` is its Stripe PaymentIntent (`pi_…`) or Charge (`ch_…`). */
  payment: Pick<Payment, 'processor'> & Partial<Payment>;
}

/** Stripe keys are at most 255 characters (https://docs.stripe.com/api/idempotent_requests). */
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

interface StripeRefund {
  id?: unknown;
  status?: unknown;
  failure_reason?: unknown;
  metadata?: Record<string, unknown>;
}

/** The metadata key carrying the refund's hub id: how a refund paid earlier is found again. */
export const REFUND_ID_METADATA = 'crossdock_refund_id';

export interface PaymentsOutbound {
  client: StripeClient;
  mappings: PaymentsMappings;
}

/**
 * Issues refunds, one per request. The delivery item's idempotency key is Stripe's
 * `Idempotency-Key`, so a retry (after a timeout, a crash, a lost answer) replays the first
 * answer: the same refund id, never a second payout.
 */
export async function deliverToPayments(batch: readonly DeliveryItem[], context: DeliveryContext, outbound: PaymentsOutbound): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = [];
  for (const item of batch) {
    try {
      outcomes.push({ ok: true, externalId: await issueRefund(item, context, outbound) });
    } catch (error) {
      if (!(error instanceof PermanentError)) throw error;
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

async function issueRefund(item: DeliveryItem, context: DeliveryContext, outbound: PaymentsOutbound): Promise<string> {
  if (item.operation !== PaymentsOperation.issueRefund) {
    throw new PermanentError(`the payments connector has no operation "${item.operation}" (operations: ${Object.values(PaymentsOperation).join(', ')})`, {
      code: 'unknown_operation',
      system: PAYMENTS_SYSTEM,
    });
  }
  if (typeof item.payload !== 'object' || item.payload === null) {
    throw new PermanentError(`issueRefund for ${item.key} needs { refund, payment } as payload`, { code: 'invalid_payload', system: PAYMENTS_SYSTEM });
  }
  const params = await outbound.mappings.refund.apply(item.payload, {
    // Exact decimal → integer minor units with the currency's exponent; too many decimals is a mapping error.
    toMinorUnits: (amount: string, currency: string) => toMinorUnits(amount, currency),
  });
  if (item.attempts > 1 || isLaterTry(item)) {
    const earlier = await findEarlierRefund(params, context, outbound);
    if (earlier) return earlier;
  }
  const refund = await outbound.client.post<StripeRefund>('/v1/refunds', params, { idempotencyKey: stripeIdempotencyKey(item.idempotencyKey), signal: context.signal });
  if (typeof refund?.id !== 'string') throw new PermanentError(`Stripe answered a refund without an id for ${item.key}`, { code: 'missing_id', system: PAYMENTS_SYSTEM });
  // A refund Stripe could not pay is a business outcome the flow must handle, not a retry.
  if (refund.status === 'failed' || refund.status === 'canceled') {
    throw new PermanentError(`Stripe refund ${refund.id} for ${item.key} is ${refund.status}${typeof refund.failure_reason === 'string' ? `: ${refund.failure_reason}` : ''}`, {
      code: `refund_${refund.status}`,
      system: PAYMENTS_SYSTEM,
      details: { refundId: refund.id },
    });
  }
  return refund.id;
}

/**
 * A refund tried again under a new delivery key: its own `idempotencyKey` (the first try's) is not
 * the item's. A flow does that after a permanent failure, whose answer Stripe would replay for
 * the old key; the check for an earlier refund then keeps the new key from paying twice.
 */
function isLaterTry(item: DeliveryItem): boolean {
  const refundKey = (item.payload as Partial<IssueRefundPayload>).refund?.idempotencyKey;
  return typeof refundKey === 'string' && refundKey !== item.idempotencyKey;
}

/**
 * On a retry, the refund an earlier attempt paid, found by its hub id in the metadata. Stripe
 * keeps idempotency keys for 24 hours only; an operator may retry a dead letter days later, and
 * this check (one list read, on retries only) keeps that from paying twice.
 */
async function findEarlierRefund(params: Record<string, unknown>, context: DeliveryContext, outbound: PaymentsOutbound): Promise<string | undefined> {
  const refundId = (params.metadata as Record<string, unknown> | undefined)?.[REFUND_ID_METADATA];
  const payment: Record<string, string> | undefined =
    typeof params.payment_intent === 'string' ? { payment_intent: params.payment_intent } : typeof params.charge === 'string' ? { charge: params.charge } : undefined;
  if (typeof refundId !== 'string' || !payment) return undefined;
  // A payment has few refunds: one page of 100 holds them all.
  const listed = await outbound.client.get<{ data?: StripeRefund[] }>('/v1/refunds', { ...payment, limit: '100' }, { signal: context.signal });
  const earlier = listed.data?.find((refund) => refund.metadata?.[REFUND_ID_METADATA] === refundId && refund.status !== 'failed' && refund.status !== 'canceled');
  return typeof earlier?.id === 'string' ? earlier.id : undefined;
}

/** The item's key as is, or a digest of it when it is longer than Stripe accepts (stable across retries). */
export function stripeIdempotencyKey(key: string): string {
  return key.length <= MAX_IDEMPOTENCY_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
