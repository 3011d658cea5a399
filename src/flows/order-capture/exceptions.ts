import type { Order } from '../../canonical/order.ts';
import type { DeadLetter, DeadLetterStatus } from '../../ports/storage.ts';
import type { FlowEmit } from '../../runtime/flows/definition.ts';
import { OPERATOR_RESOLUTION_EVENT, OperatorDecision, type OperatorResolution } from '../../runtime/flows/operator.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { ORDER_CAPTURE_FLOW, orderCaptureInstanceId } from './read-models.ts';

type DeadLetters = NonNullable<RetailFlowDependencies['deadLetters']>;

/** Raised (not a hold) when the ERP has not booked a sent order within the booking SLA. */
export const AWAITING_ERP_BOOKING = 'AWAITING_ERP_BOOKING';
/**
 * Raised when an order was cancelled in its channel after the warehouse had shipped some of it:
 * the hub cannot call a parcel back (an operator recalls it or takes it back as a return).
 */
export const CANCELLED_AFTER_SHIPMENT = 'CANCELLED_AFTER_SHIPMENT';

/** The dead-letter status an operator decision leaves an exception in, when the flow closes it itself. */
export const CLOSED_STATUS: Record<OperatorDecision, Exclude<DeadLetterStatus, 'open'>> = {
  retry: 'retried',
  fix: 'retried',
  override: 'resolved',
  discard: 'discarded',
};

/**
 * The newest exception an order-capture instance raised (optionally of one code), open or not:
 * the exception of the current hold round, since an instance raises one at a time.
 */
export async function latestException(deadLetters: DeadLetters, args: { orderNumber: string; code?: string }): Promise<DeadLetter | undefined> {
  const instanceId = orderCaptureInstanceId(args.orderNumber);
  const raised = await deadLetters.list({ key: args.orderNumber, kind: 'flow', target: ORDER_CAPTURE_FLOW, limit: 500 });
  return raised.filter((entry) => entry.ref === instanceId && (args.code === undefined || entry.error.code === args.code)).at(-1);
}

/** Open exceptions of an order's capture that wait for an operator (holds). */
export async function openHolds(deadLetters: DeadLetters, orderNumber: string): Promise<DeadLetter[]> {
  const instanceId = orderCaptureInstanceId(orderNumber);
  const open = await deadLetters.list({ key: orderNumber, kind: 'flow', target: ORDER_CAPTURE_FLOW, status: 'open', limit: 500 });
  return open.filter((entry) => entry.ref === instanceId && entry.context.awaitsOperator === true);
}

/**
 * An order held for an operator: the hold's exception id, its reason code and the order as
 * offered for correction. For flows that resolve holds by themselves (BOPIS reroute finds a
 * held pickup order here, then emits `holdResolution`).
 */
export async function findHeldOrder(deadLetters: DeadLetters, orderNumber: string): Promise<{ deadLetterId: number; code: string; order: Order } | undefined> {
  const [held] = await openHolds(deadLetters, orderNumber);
  if (!held) return undefined;
  return { deadLetterId: held.id, code: held.error.code ?? 'UNKNOWN', order: held.context.payload as Order };
}

/**
 * The event that resumes a held order-capture instance with a decision, exactly as the
 * console's would: emit it from a flow (`ctx.emit(name, holdResolution(...))`). The order
 * capture flow closes the exception itself when the decision does not come from the console.
 *
 * @example
 * // BOPIS reroute: the pickup store had no stock; pick up at STORE-002 instead.
 * const held = await findHeldOrder(deps.deadLetters!, orderNumber);
 * const rerouted = { ...held.order, fulfilment: { ...held.order.fulfilment, locationCode: 'STORE-002' } };
 * await ctx.emit('resume-capture', holdResolution({ orderNumber, deadLetterId: held.deadLetterId, decision: 'fix',
 *   order: rerouted, actor: 'bopis-reroute', reason: 'STORE-001 out of stock; nearest with stock is STORE-002' }));
 */
export function holdResolution(args: { orderNumber: string; deadLetterId: number; decision: OperatorDecision; order?: Order; actor: string; reason: string }): FlowEmit {
  const data: OperatorResolution = {
    deadLetterId: args.deadLetterId,
    decision: args.decision,
    ...(args.decision === OperatorDecision.fix && args.order !== undefined && { payload: args.order }),
    actor: args.actor,
    reason: args.reason,
  };
  return { type: OPERATOR_RESOLUTION_EVENT, subject: orderCaptureInstanceId(args.orderNumber), data };
}
