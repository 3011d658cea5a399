import type { CloudEvent } from '../../canonical/cloudevent.ts';
import type { Customer } from '../../canonical/customer.ts';
import { CustomerSchema } from '../../canonical/customer.ts';
import { OrderSchema, type Order } from '../../canonical/order.ts';
import type { BusinessContext } from '../../ports/storage.ts';
import { defineFlow, type FlowContext, type FlowDefinition } from '../../runtime/flows/definition.ts';
import { OperatorDecision, raiseAndAwaitOperator, type OperatorResolution } from '../../runtime/flows/operator.ts';
import type { RetailFlowDependencies } from '../module.ts';
import { businessHold, loadFacts, OVERRIDABLE_HOLDS, preparedOrder, structuralHold, type Hold, type HoldCode } from './checks.ts';
import { isAnonymous } from './customers.ts';
import { cancelBookedOrder, planBookedCancellation } from './cancel-booked.ts';
import { AWAITING_ERP_BOOKING, CLOSED_STATUS, latestException } from './exceptions.ts';
import {
  cancellationOf,
  CaptureStatus,
  ORDER_CAPTURE_FLOW,
  orderCaptureInstanceId,
  roundStage,
  saveCaptureState,
  saveOrder,
  Stage,
} from './read-models.ts';

export const OrderEvent = {
  placed: 'retail.order.placed.v1',
  booked: 'retail.order.booked.v1',
  rejected: 'retail.order.rejected.v1',
  cancelled: 'retail.order.cancelled.v1',
  statusChanged: 'retail.order.status-changed.v1',
  customerCreated: 'retail.customer.created.v1',
} as const;

const ORDER_SCHEMA = OrderSchema.$id as string;
const CUSTOMER_SCHEMA = CustomerSchema.$id as string;

/** A validation round's outcome, journaled (so a resumed instance does not check again). */
type Verdict =
  | { outcome: 'cancelled' }
  /** `order`: the order as held (status on-hold), or null when the payload is not a valid order. */
  | { outcome: 'held'; hold: Hold; order: Order | null; context: BusinessContext }
  | { outcome: 'accepted'; order: Order; customer: { created: Customer | null; known: Customer | null; upsertToErp: boolean; upsertToCrm: boolean }; context: BusinessContext };

/**
 * Order capture: an order placed in a channel (storefront webhook, POS or B2B event) is checked
 * against the read models, held for an operator when a check fails, then booked in the ERP
 * (once: one instance per order number, commands with idempotency keys, upsert by order number),
 * projected into the CRM, and released to the WMS once the ERP confirms the booking.
 * See docs/flows/order-capture.md.
 */
export function orderCaptureFlow(deps: RetailFlowDependencies): FlowDefinition {
  return defineFlow({
    name: ORDER_CAPTURE_FLOW,
    startsOn: [OrderEvent.placed],
    instanceId: (event) => orderCaptureInstanceId(event.subject ?? event.id),
    key: (event) => event.subject ?? event.id,
    run: (ctx, event) => captureOrder(ctx, event, deps),
  });
}

async function captureOrder(ctx: FlowContext, event: CloudEvent, deps: RetailFlowDependencies): Promise<void> {
  const orderNumber = ctx.key;
  let candidate: unknown = event.data;
  // Codes an operator accepted for this order; rebuilt on replay from the journaled decisions.
  const overridden = new Set<string>();
  let accepted: Extract<Verdict, { outcome: 'accepted' }>;
  for (let round = 1; ; round++) {
    const verdict = await ctx.step(`validate-${round}`, () => validateRound({ deps, orderNumber, candidate, overridden, round }));
    if (verdict.outcome === 'cancelled') return;
    if (verdict.outcome === 'accepted') {
      accepted = verdict;
      if (round > 1) await ctx.emit(`released-${round}`, { type: OrderEvent.statusChanged, subject: orderNumber, data: verdict.order, dataschema: ORDER_SCHEMA });
      break;
    }
    const { hold } = verdict;
    // Other flows react to holds (BOPIS reroute: a pickup order out of stock at its store).
    if (verdict.order) await ctx.emit(`on-hold-${round}`, { type: OrderEvent.statusChanged, subject: orderNumber, data: verdict.order, dataschema: ORDER_SCHEMA });
    const resolution = await raiseAndAwaitOperator(ctx, `hold-${round}`, { code: hold.code, message: hold.message, payload: candidate, context: verdict.context });
    const decision = await ctx.step(`close-hold-${round}`, () => settleHold(deps, { orderNumber, code: hold.code, resolution }));
    if (decision === OperatorDecision.discard) {
      await reject(ctx, deps, { orderNumber, order: verdict.order, hold, resolution });
      return;
    }
    if (decision === OperatorDecision.fix) candidate = withOrderNumber(resolution.payload, orderNumber);
    if (decision === OperatorDecision.override && OVERRIDABLE_HOLDS.includes(hold.code)) overridden.add(hold.code);
  }

  const { order, customer, context } = accepted;
  const newCustomer = customer.created;
  if (newCustomer && !isAnonymous(order)) {
    // For the customer sync (owner of the customer records) to match and fan out.
    await ctx.emit('customer-created', { type: OrderEvent.customerCreated, subject: newCustomer.hubId, data: newCustomer, dataschema: CUSTOMER_SCHEMA });
  }
  // Keyed by the order number: per-key ordering makes the ERP (and CRM) have the customer first.
  const customerRecord = newCustomer ?? customer.known;
  const send = (target: string, operation: string, payload: unknown) => ({ target, kind: 'command' as const, key: orderNumber, operation, payload, context: { ...context, operation } });
  if (customer.upsertToErp && customerRecord) await ctx.deliver('erp-upsert-customer', send('erp', 'upsertCustomer', customerRecord));
  await ctx.deliver('erp-book-order', send('erp', 'bookOrder', order));
  if (customer.upsertToCrm && customerRecord) await ctx.deliver('crm-upsert-customer', send('crm', 'upsertCustomer', customerRecord));
  await ctx.deliver('crm-project-order', send('crm', 'projectOrder', order));
  await ctx.step('sent-to-erp', () => saveCapture(deps, order, CaptureStatus.sentToErp, Stage.sentToErp));

  const slaMinutes = deps.settings.orders.bookingSlaMinutes;
  let booked = await ctx.waitForEvent('erp-booked', { type: OrderEvent.booked, timeoutMs: slaMinutes * 60_000 });
  if (!booked) {
    await ctx.raise('awaiting-erp-booking', {
      code: AWAITING_ERP_BOOKING,
      message: `order ${orderNumber} was sent to the ERP but not booked within ${slaMinutes} min; the flow keeps waiting and closes this exception when it is booked`,
      context,
    });
    booked = await ctx.waitForEvent('erp-booked-late', { type: OrderEvent.booked });
    await ctx.step('close-awaiting-erp-booking', () => closeLateBooking(deps, orderNumber, booked));
  }
  const erpOrderId = (booked?.data as Partial<Order> | undefined)?.erpOrderId;
  const bookedOrder: Order = { ...order, status: 'booked', ...(erpOrderId !== undefined && { erpOrderId }) };
  const after = await ctx.step('booked', async () => {
    await saveOrder(deps.records, bookedOrder, { now: deps.clock(), stage: Stage.booked });
    await saveCapture(deps, bookedOrder, CaptureStatus.booked, Stage.booked);
    return { cancelled: (await cancellationOf(deps.records, orderNumber)) !== undefined };
  });
  if (after.cancelled) {
    // Cancelled while the ERP was booking it: never released; the ERP order is closed.
    const plan = await ctx.step('cancel-booked', () => planCancellation(deps, orderNumber));
    await cancelBookedOrder(ctx, { plan, orderNumber, context });
    return;
  }
  if (deps.settings.orders.wmsLocations.includes(order.fulfilment.locationCode ?? '')) {
    await ctx.deliver('wms-release', send('wms', 'releaseFulfillmentOrder', bookedOrder));
    // A cancellation that came in between the booking and the release: the cancellation flow saw
    // the order booked and cancelled it, but its warehouse cancel may have gone before the release.
    const plan = await ctx.step('cancelled-meanwhile', () => planCancellation(deps, orderNumber));
    if (plan.outcome !== 'nothing') await cancelBookedOrder(ctx, { plan, orderNumber, context, afterRelease: true });
  }
}

/** The plan to cancel a booked order, when its channel cancelled it ("nothing" otherwise). */
async function planCancellation(deps: RetailFlowDependencies, orderNumber: string) {
  const mark = await cancellationOf(deps.records, orderNumber);
  return mark ? planBookedCancellation(deps, { orderNumber, mark }) : ({ outcome: 'nothing' } as const);
}

/** One round of checks, with the read-model writes that say where the order stands. */
async function validateRound(args: { deps: RetailFlowDependencies; orderNumber: string; candidate: unknown; overridden: ReadonlySet<string>; round: number }): Promise<Verdict> {
  const { deps, orderNumber, candidate, round } = args;
  const { records, settings } = deps;
  const at = () => ({ now: deps.clock(), stage: roundStage(round) });
  const structural = structuralHold(candidate, orderNumber);
  const valid = structural ? null : (candidate as Order);
  if (await cancellationOf(records, orderNumber)) {
    if (valid) await saveOrder(records, { ...valid, status: 'cancelled', statusReason: { code: 'CANCELLED', message: 'cancelled in its channel before it was booked' } }, { now: deps.clock(), stage: Stage.closed });
    await saveCaptureState(records, { ...summaryOf(candidate, orderNumber), status: CaptureStatus.cancelled }, { now: deps.clock(), stage: Stage.closed });
    return { outcome: 'cancelled' };
  }
  if (structural || !valid) {
    const hold = structural!;
    await saveCaptureState(records, { ...summaryOf(candidate, orderNumber), status: CaptureStatus.onHold, reason: hold.code }, at());
    return { outcome: 'held', hold, order: null, context: exceptionContext(candidate, orderNumber, hold.code) };
  }
  const facts = await loadFacts({ records, order: valid, settings, systems: deps.systems });
  const order = preparedOrder(valid, facts);
  const hold = businessHold({ order, facts, settings, overridden: args.overridden });
  if (hold) {
    const held: Order = { ...order, status: 'on-hold', statusReason: { code: hold.code, message: hold.message.slice(0, 1000) } };
    await saveOrder(records, held, at());
    await saveCaptureState(records, { ...summaryOf(held, orderNumber), status: CaptureStatus.onHold, reason: hold.code }, at());
    return { outcome: 'held', hold, order: held, context: exceptionContext(held, orderNumber, hold.code) };
  }
  await saveOrder(records, order, at());
  await saveCaptureState(records, { ...summaryOf(order, orderNumber), status: CaptureStatus.validating }, at());
  const { created, known, upsertToErp, upsertToCrm } = facts.customer;
  return { outcome: 'accepted', order, customer: { created, known, upsertToErp, upsertToCrm }, context: exceptionContext(order, orderNumber) };
}

/**
 * Closes the hold's exception when the decision did not come through the console (a reroute, a
 * cancellation), and tells a decision meant for an older exception of the order from one for
 * this hold: a stale decision only re-checks the order.
 */
async function settleHold(deps: RetailFlowDependencies, args: { orderNumber: string; code: string; resolution: OperatorResolution }): Promise<OperatorDecision> {
  const { resolution } = args;
  if (!deps.deadLetters) return resolution.decision;
  const current = await latestException(deps.deadLetters, { orderNumber: args.orderNumber, code: args.code });
  if (current && resolution.deadLetterId !== current.id) return OperatorDecision.retry;
  if (current?.status === 'open') {
    await deps.deadLetters.act(current.id, CLOSED_STATUS[resolution.decision], { actor: resolution.actor, reason: resolution.reason, now: deps.clock() });
  }
  return resolution.decision;
}

async function reject(ctx: FlowContext, deps: RetailFlowDependencies, args: { orderNumber: string; order: Order | null; hold: Hold; resolution: OperatorResolution }): Promise<void> {
  const { orderNumber, hold, resolution } = args;
  const closed = await ctx.step('rejected', async () => {
    // A hold discarded because the order was cancelled in its channel ends as cancelled, not rejected.
    const cancelled = (await cancellationOf(deps.records, orderNumber)) !== undefined;
    const statusReason = cancelled
      ? { code: 'CANCELLED', message: 'cancelled in its channel before it was booked' }
      : { code: hold.code, message: `rejected by ${resolution.actor}: ${resolution.reason}`.slice(0, 1000) };
    const order: Order | null = args.order && { ...args.order, status: cancelled ? 'cancelled' : 'rejected', statusReason };
    if (order) await saveOrder(deps.records, order, { now: deps.clock(), stage: Stage.closed });
    const status = cancelled ? CaptureStatus.cancelled : CaptureStatus.rejected;
    await saveCaptureState(deps.records, { ...summaryOf(order ?? args.order, orderNumber), status, reason: hold.code }, { now: deps.clock(), stage: Stage.closed });
    return { order, cancelled };
  });
  // A payload that is not a valid order cannot be announced as one; its rejection is in the read model.
  if (closed.order && !closed.cancelled) await ctx.emit('order-rejected', { type: OrderEvent.rejected, subject: orderNumber, data: closed.order, dataschema: ORDER_SCHEMA });
}

async function closeLateBooking(deps: RetailFlowDependencies, orderNumber: string, booked: CloudEvent | null): Promise<null> {
  if (!deps.deadLetters) return null;
  const exception = await latestException(deps.deadLetters, { orderNumber, code: AWAITING_ERP_BOOKING });
  if (exception?.status === 'open') {
    const erpOrderId = (booked?.data as Partial<Order> | undefined)?.erpOrderId;
    await deps.deadLetters.act(exception.id, 'resolved', { actor: ORDER_CAPTURE_FLOW, reason: `booked in the ERP${erpOrderId ? ` as ${erpOrderId}` : ''} after the SLA`, now: deps.clock() });
  }
  return null;
}

async function saveCapture(deps: RetailFlowDependencies, order: Order, status: CaptureStatus, stage: number): Promise<null> {
  await saveCaptureState(deps.records, { ...summaryOf(order, order.orderNumber), status, ...(order.erpOrderId !== undefined && { erpOrderId: order.erpOrderId }) }, { now: deps.clock(), stage });
  return null;
}

/** What the capture state keeps of an order (read defensively: the payload may be invalid). */
function summaryOf(candidate: unknown, orderNumber: string): { orderNumber: string; channel?: string; customerId?: string; grandTotal?: string; currency?: string } {
  const order = (typeof candidate === 'object' && candidate !== null ? candidate : {}) as Partial<Order>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const channel = text(order.channel);
  const customerId = text(order.customer?.customerId);
  const grandTotal = text(order.totals?.grandTotal);
  const currency = text(order.currency);
  return { orderNumber, ...(channel && { channel }), ...(customerId && { customerId }), ...(grandTotal && { grandTotal }), ...(currency && { currency }) };
}

/**
 * The business context an operator sees on the order's exceptions (and on its delivery dead
 * letters): order number, customer, amount, store. Personal data is masked by the console by
 * key (`customerName`, `customerEmail`).
 */
export function exceptionContext(candidate: unknown, orderNumber: string, reason?: HoldCode): BusinessContext {
  const order = (typeof candidate === 'object' && candidate !== null ? candidate : {}) as Partial<Order>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const fields: Record<string, string | undefined> = {
    orderNumber,
    channel: text(order.channel),
    customerId: text(order.customer?.customerId),
    customerName: text(order.customer?.name),
    customerEmail: text(order.customer?.email),
    amount: text(order.totals?.grandTotal),
    currency: text(order.currency),
    store: text(order.fulfilment?.locationCode),
    reason,
  };
  return { entity: 'order', businessKey: orderNumber, ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) };
}

/** A corrected payload keeps the order number: the instance, and the booking, are per order number. */
function withOrderNumber(payload: unknown, orderNumber: string): unknown {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? { ...payload, orderNumber } : payload;
}

