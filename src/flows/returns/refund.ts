import { schemaUri } from '../../canonical/entity.ts';
import type { Order } from '../../canonical/order.ts';
import type { Payment, Refund } from '../../canonical/payment.ts';
import type { Return } from '../../canonical/return.ts';
import type { RecordStore } from '../../ports/storage.ts';
import type { FlowContext } from '../../runtime/flows/definition.ts';
import { raiseAndAwaitOperator } from '../../runtime/flows/operator.ts';
import { roleOfSystem } from '../module.ts';
import type { FlowSettings } from '../settings.ts';
import type { EligibilityFacts } from './facts.ts';
import { HUB_SYSTEM, orderMatchKey, ReturnEvent, ReturnException, ReturnsRecord } from './names.ts';
import { awaitOutcome, deliverConfirmed, failureContext, supersedeDeliveryDeadLetter, type OutcomeIo } from './outcomes.ts';
import { HUB_REFUND_NOTE } from './recognise.ts';
import { RefundRoute, type ReturnRecord } from './record.ts';

export interface RefundDeps {
  records: RecordStore;
  settings: FlowSettings['returns'];
  systems: Readonly<Record<string, string>>;
  io: OutcomeIo;
  clock: () => number;
}

/** How the money of a credited return goes back, and what the flow ended up doing. */
export type RefundOutcome =
  /** Paid back (by the payment system, the storefront, or by hand as an operator said). */
  | { refunded: true; route: RefundRoute; refund: Refund; processorRefundId?: string }
  /** Not paid back: the credit memo stays as credit on the customer's account. */
  | { refunded: false; route: typeof RefundRoute.account; reason: string };

/** The hub id of a return's refund: also its idempotency key where it is paid. */
export function refundIdOf(rmaNumber: string): string {
  return `rfd_${rmaNumber.replace(/[^A-Za-z0-9_:.-]/g, '-')}`;
}

/** The card payment to refund: the largest captured payment with a processor reference. */
export function refundablePayment(payments: readonly Payment[]): Payment | undefined {
  return [...payments].filter((payment) => payment.processor.reference !== '').sort((a, b) => Number(b.amount) - Number(a.amount))[0];
}

interface PayBackOptions {
  record: ReturnRecord;
  facts: EligibilityFacts;
  amount: string;
  currency: string;
  paidBy?: string;
}

/**
 * Pays a credited return back, where the money was taken:
 * - a storefront return: the storefront refunded already; the ERP gets the customer refund that records it;
 * - a captured card payment of the order is known: refunded through the payment system (`payments`);
 * - the order was placed and paid in the storefront: refunded there (`commerce`);
 * - paid by invoice (account customers): the memo stays as credit on the account;
 * - otherwise an operator decides (NO_REFUNDABLE_PAYMENT).
 * A refund paid by the hub is then booked in the ERP as a customer refund of the memo. A refund
 * that fails keeps the memo and, per `onRefundFailure`, waits for an operator (REFUND_FAILED) or
 * leaves the credit on the account and asks finance to reverse the memo.
 */
export async function payBack(ctx: FlowContext, deps: RefundDeps, options: PayBackOptions): Promise<RefundOutcome> {
  const { record, amount, currency } = options;
  const rma = record.return.rmaNumber;
  const context = { entity: 'return', businessKey: rma, orderNumber: record.return.orderNumber, ...(record.return.caseNumber !== undefined && { caseNumber: record.return.caseNumber }), amount, currency };
  if (record.origin === 'storefront') {
    const storefrontRefundId = record.return.refundIds[0]!;
    const refund = hubRefund({ record, hubId: storefrontRefundId, amount, currency, processor: { name: 'storefront', reference: storefrontRefundId }, status: 'issued', issuedAt: new Date(record.claimedAt).toISOString() });
    return bookCustomerRefund(ctx, deps, { refund, route: RefundRoute.storefront, context });
  }
  if (options.paidBy === 'invoice') return { refunded: false, route: RefundRoute.account, reason: 'paid by invoice: the credit stays on the customer account' };

  const placed = options.facts.order?.placed;
  let payment = refundablePayment(options.facts.payments);
  if (!payment && placed && roleOfSystem(deps.systems, placed.sourceSystem) === 'commerce') {
    return refundThrough(ctx, deps, { ...storefrontChannel(record, placed, amount, currency), context, amount, currency, record });
  }
  for (let round = 1; !payment; round++) {
    const resolution = await raiseAndAwaitOperator(ctx, `payment-${round}`, {
      code: ReturnException.noRefundablePayment,
      message: `${rma} is credited (${amount} ${currency}) but no captured payment of order ${record.return.orderNumber} is known to refund it through`,
      payload: { processorReference: '' },
      context,
    });
    if (resolution.decision === 'override' || resolution.decision === 'discard') return { refunded: false, route: RefundRoute.account, reason: `operator ${resolution.decision}: ${resolution.reason}` };
    const given = (resolution.payload as { processorReference?: unknown } | undefined)?.processorReference;
    payment =
      resolution.decision === 'fix' && typeof given === 'string' && given !== ''
        ? operatorPayment(record.return, given, amount, currency)
        : refundablePayment(await ctx.step(`payment-${round}/look`, async () => (await deps.records.match<Payment>(ReturnsRecord.payment, [orderMatchKey(record.return.orderNumber)])).map((found) => found.data)));
  }
  return refundThrough(ctx, deps, { ...paymentsChannel(record, payment, amount, currency), context, amount, currency, record });
}

/** Where a refund is paid and what is sent there; the payload is what an operator may correct. */
interface RefundChannel {
  route: typeof RefundRoute.payments | typeof RefundRoute.commerce;
  target: string;
  refund: Refund;
  payload: unknown;
}

function paymentsChannel(record: ReturnRecord, payment: Payment, amount: string, currency: string): RefundChannel {
  const refund = hubRefund({ record, hubId: refundIdOf(record.return.rmaNumber), amount, currency, processor: payment.processor, paymentId: payment.hubId, method: payment.method, status: 'pending' });
  return { route: RefundRoute.payments, target: 'payments', refund, payload: { refund, payment } };
}

/** The storefront's own refund of an order it took the money for; its note tells the intake it is the hub's. */
function storefrontChannel(record: ReturnRecord, order: Order, amount: string, currency: string): RefundChannel {
  const refundId = refundIdOf(record.return.rmaNumber);
  const refund = hubRefund({ record, hubId: refundId, amount, currency, processor: { name: 'storefront', reference: order.channelOrderId }, status: 'pending' });
  const payload = {
    orderId: order.channelOrderId,
    amount,
    note: `${HUB_REFUND_NOTE} ${record.return.rmaNumber}`,
    // The goods came back to the warehouse: stock is the ERP's to publish, not a storefront restock.
    lines: record.return.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, restock: false })),
  };
  return { route: RefundRoute.commerce, target: 'commerce', refund, payload };
}

/**
 * Pays the refund where the channel says, one round after another: round 1 under the refund id,
 * later rounds (after an operator's retry or fix) under their own key, since the first answer
 * of a failed request may be replayed for its key; the payment connector looks for a refund an
 * earlier round paid before paying (see docs/connectors/payments.md).
 */
async function refundThrough(
  ctx: FlowContext,
  deps: RefundDeps,
  options: RefundChannel & { record: ReturnRecord; amount: string; currency: string; context: Record<string, unknown> },
): Promise<RefundOutcome> {
  const { record, context } = options;
  const rma = record.return.rmaNumber;
  const refundId = options.refund.hubId;
  let payload = options.payload;
  for (let round = 1; ; round++) {
    const step = `refund-${round}`;
    const enqueued = await ctx.deliver(step, {
      target: options.target,
      kind: 'command',
      key: rma,
      operation: 'issueRefund',
      payload,
      idempotencyKey: round === 1 ? refundId : `${refundId}/retry-${round}`,
      context: { ...context, operation: 'issueRefund', refundRoute: options.route, round },
    });
    const settled = await awaitOutcome(ctx, deps.io, step, enqueued);
    if (settled.status === 'delivered') {
      const paidAt = await ctx.step(`${step}/paid-at`, () => deps.clock());
      const issued: Refund = { ...options.refund, status: 'issued', issuedAt: new Date(paidAt).toISOString(), processor: { name: options.refund.processor.name, reference: settled.externalId ?? refundId } };
      await ctx.emit(`${step}/issued`, { type: ReturnEvent.refundIssued, subject: refundId, data: issued, dataschema: schemaUri('refund', 1) });
      const booked = await bookCustomerRefund(ctx, deps, { refund: issued, route: options.route, context });
      return { ...booked, ...(settled.externalId !== null && { processorRefundId: settled.externalId }) };
    }
    const reason = settled.error?.message ?? 'the refund was not paid';
    await ctx.emit(`${step}/failed-event`, { type: ReturnEvent.refundFailed, subject: refundId, data: { ...options.refund, status: 'failed', reason: reason.slice(0, 500) }, dataschema: schemaUri('refund', 1) });
    if (deps.settings.onRefundFailure === 'compensate') {
      await ctx.raise(`${step}/compensate`, {
        code: ReturnException.memoReversalRequired,
        message: `the refund of ${rma} (${options.amount} ${options.currency}) failed: ${reason}. The credit memo ${record.return.creditMemoId ?? ''} stays as credit on the customer account; reverse it in the ERP if the customer is paid otherwise`,
        context: { ...context, creditMemoId: record.return.creditMemoId, ...failureContext(settled.error) },
      });
      return { refunded: false, route: RefundRoute.account, reason: `refund failed (${reason}); credit kept on the account` };
    }
    const resolution = await raiseAndAwaitOperator(ctx, `${step}/failed`, {
      code: ReturnException.refundFailed,
      message: `the refund of ${rma} (${options.amount} ${options.currency}) failed after the credit memo: ${reason}`,
      payload,
      context: { ...context, creditMemoId: record.return.creditMemoId, refundRoute: options.route, round, ...failureContext(settled.error) },
    });
    if (enqueued.outcome !== 'stale') await supersedeDeliveryDeadLetter(ctx, deps.io, step, { itemId: enqueued.id, key: rma, resolution });
    if (resolution.decision === 'fix') payload = resolution.payload;
    if (resolution.decision === 'override') {
      return { refunded: true, route: RefundRoute.outside, refund: { ...options.refund, status: 'issued', reason: `paid outside the hub: ${resolution.reason}`.slice(0, 500) } };
    }
    if (resolution.decision === 'discard') return { refunded: false, route: RefundRoute.account, reason: `refund given up by an operator: ${resolution.reason}` };
  }
}

/** Records in the ERP the money paid back out of the credit memo (a customer refund). */
async function bookCustomerRefund(ctx: FlowContext, deps: RefundDeps, options: { refund: Refund; route: RefundRoute; context: Record<string, unknown> }): Promise<RefundOutcome> {
  const rma = options.refund.rmaNumber ?? '';
  await deliverConfirmed(ctx, deps.io, {
    name: 'customer-refund',
    code: ReturnException.customerRefundFailed,
    what: `the customer refund of ${rma} in the ERP`,
    payload: options.refund,
    context: options.context,
    delivery: (refund) => ({ target: 'erp', kind: 'command', key: rma, operation: 'issueCustomerRefund', payload: refund, context: { ...options.context, operation: 'issueCustomerRefund' } }),
  });
  // Overridden or discarded, the money itself went back: the ERP booking is the operator's to settle.
  return { refunded: true, route: options.route, refund: options.refund };
}

function hubRefund(options: {
  record: ReturnRecord;
  hubId: string;
  amount: string;
  currency: string;
  processor: Refund['processor'];
  status: Refund['status'];
  paymentId?: string;
  method?: Refund['method'];
  issuedAt?: string;
}): Refund {
  const { record } = options;
  return {
    hubId: options.hubId,
    externalIds: {},
    sourceSystem: HUB_SYSTEM,
    sourceTimestamp: new Date(record.stageSince).toISOString(),
    version: 1,
    schemaVersion: 1,
    paymentId: options.paymentId ?? options.hubId,
    orderNumber: record.return.orderNumber,
    rmaNumber: record.return.rmaNumber,
    amount: options.amount,
    currency: options.currency,
    method: options.method ?? 'card',
    status: options.status,
    processor: options.processor,
    idempotencyKey: options.hubId,
    reason: `Return ${record.return.rmaNumber}`,
    ...(options.issuedAt !== undefined && { issuedAt: options.issuedAt }),
  };
}

/** A payment an operator named (its processor reference), for an order the hub saw no capture of. */
function operatorPayment(request: Return, reference: string, amount: string, currency: string): Payment {
  return {
    hubId: `pay_${reference.replace(/[^A-Za-z0-9_:.-]/g, '-')}`,
    externalIds: {},
    sourceSystem: HUB_SYSTEM,
    sourceTimestamp: request.requestedAt,
    version: 1,
    schemaVersion: 1,
    orderNumber: request.orderNumber,
    amount,
    currency,
    method: 'card',
    status: 'captured',
    processor: { name: 'stripe', reference },
    idempotencyKey: reference,
  };
}
