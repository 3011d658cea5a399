import type { Outcome } from './orders.ts';
import type { ShopifyStore } from './store.ts';
import type { Fulfillment, Order, UserError } from './types.ts';

/**
 * Shopify's Return (https://shopify.dev/docs/api/admin-graphql/latest/objects/Return): a
 * customer's request to send fulfilled units back, which the merchant approves (OPEN) or
 * declines (DECLINED), and closes once it is dealt with (CLOSED).
 */
export const ReturnStatus = { requested: 'REQUESTED', open: 'OPEN', declined: 'DECLINED', closed: 'CLOSED', canceled: 'CANCELED' } as const;
export type ReturnStatus = (typeof ReturnStatus)[keyof typeof ReturnStatus];

/** https://shopify.dev/docs/api/admin-graphql/latest/enums/ReturnReason (deprecated in favour of reason definitions, still accepted). */
export const RETURN_REASONS = ['COLOR', 'DEFECTIVE', 'NOT_AS_DESCRIBED', 'OTHER', 'SIZE_TOO_LARGE', 'SIZE_TOO_SMALL', 'STYLE', 'UNKNOWN', 'UNWANTED', 'WRONG_ITEM'] as const;
export type ReturnReasonCode = (typeof RETURN_REASONS)[number];

/** https://shopify.dev/docs/api/admin-graphql/latest/enums/ReturnDeclineReason */
export const RETURN_DECLINE_REASONS = ['RETURN_PERIOD_ENDED', 'FINAL_SALE', 'OTHER'] as const;
export type ReturnDeclineReason = (typeof RETURN_DECLINE_REASONS)[number];

/** ReturnDecline.note and ReturnDeclineRequestInput.declineNote: "Maximum length: 500 characters." */
export const DECLINE_NOTE_MAX = 500;

export interface ReturnLineItemRecord {
  id: number;
  /** The fulfilment line item returned (see `fulfillmentLineItemId`). */
  fulfillmentLineItemId: number;
  lineItemId: number;
  quantity: number;
  returnReason: ReturnReasonCode;
  returnReasonNote: string;
  customerNote: string | null;
}

export interface ReturnRecord {
  id: number;
  orderId: number;
  /** "#1001-R1": the order's name and the return's position among the order's returns. */
  name: string;
  status: ReturnStatus;
  lineItems: ReturnLineItemRecord[];
  decline: { reason: ReturnDeclineReason; note: string | null } | null;
  createdAt: string;
  updatedAt: string;
  requestApprovedAt: string | null;
  closedAt: string | null;
}

/** The returns/* webhook topics, one per status change. */
export type ReturnTopic = 'returns/request' | 'returns/approve' | 'returns/decline' | 'returns/close';

/**
 * Fulfilment line items have no table of their own in the sandbox: the id of the n-th line of a
 * fulfilment is `fulfillment.id * 1000 + n` (as `fulfillmentObject` renders them).
 */
export function fulfillmentLineItemId(fulfillment: Fulfillment, index: number): number {
  return fulfillment.id * 1000 + index;
}

function fulfillmentLineOf(store: ShopifyStore, id: number): { fulfillment: Fulfillment; line: { lineItemId: number; quantity: number } } | undefined {
  const fulfillment = store.fulfillments.get(Math.floor(id / 1000));
  const line = fulfillment?.lineItems[id % 1000];
  return fulfillment && line && fulfillment.status === 'SUCCESS' ? { fulfillment, line } : undefined;
}

export function returnsOf(store: ShopifyStore, orderId: number): ReturnRecord[] {
  return [...store.returns.values()].filter((candidate) => candidate.orderId === orderId);
}

/** Units of a fulfilment line item held by returns that still count (not declined or cancelled). */
function unitsInReturns(store: ShopifyStore, orderId: number, fulfillmentLineItem: number): number {
  return returnsOf(store, orderId)
    .filter((candidate) => candidate.status !== ReturnStatus.declined && candidate.status !== ReturnStatus.canceled)
    .flatMap((candidate) => candidate.lineItems)
    .filter((line) => line.fulfillmentLineItemId === fulfillmentLineItem)
    .reduce((sum, line) => sum + line.quantity, 0);
}

export interface ReturnRequestInput {
  orderId: number | null;
  returnLineItems: { fulfillmentLineItemId: number | null; quantity: number; returnReason?: string | null; returnReasonNote?: string | null; customerNote?: string | null }[];
}

/**
 * `returnRequest`: a customer asks to return fulfilled units (status REQUESTED, fires
 * returns/request). Every line names a fulfilment line item of the order, for at most the units
 * fulfilled and not already in another return still under way.
 */
export function requestReturn(store: ShopifyStore, input: ReturnRequestInput): Outcome<ReturnRecord> {
  const order = input.orderId === null ? undefined : store.orders.get(input.orderId);
  if (!order) return refuse(['input', 'orderId'], 'Order does not exist.', 'NOT_FOUND');
  if (input.returnLineItems.length === 0) return refuse(['input', 'returnLineItems'], 'Return line items must not be blank.', 'BLANK');
  const lines: ReturnLineItemRecord[] = [];
  for (const [index, requested] of input.returnLineItems.entries()) {
    const field = ['input', 'returnLineItems', String(index)];
    const found = requested.fulfillmentLineItemId === null ? undefined : fulfillmentLineOf(store, requested.fulfillmentLineItemId);
    if (!found || found.fulfillment.orderId !== order.id) return refuse([...field, 'fulfillmentLineItemId'], 'Fulfillment line item does not exist.', 'NOT_FOUND');
    const reason = requested.returnReason ?? 'UNKNOWN';
    if (!(RETURN_REASONS as readonly string[]).includes(reason)) return refuse([...field, 'returnReason'], `Return reason ${reason} is not included in the list.`, 'INCLUSION');
    if (!Number.isInteger(requested.quantity) || requested.quantity < 1) return refuse([...field, 'quantity'], 'Quantity must be greater than 0.', 'GREATER_THAN');
    const fulfillmentLine = requested.fulfillmentLineItemId as number;
    const taken = unitsInReturns(store, order.id, fulfillmentLine) + lines.filter((line) => line.fulfillmentLineItemId === fulfillmentLine).reduce((sum, line) => sum + line.quantity, 0);
    const returnable = found.line.quantity - taken;
    if (requested.quantity > returnable) {
      return refuse([...field, 'quantity'], `Quantity ${requested.quantity} exceeds the returnable quantity ${Math.max(0, returnable)} of the fulfillment line item.`, 'LESS_THAN_OR_EQUAL_TO');
    }
    lines.push({
      id: store.newId(),
      fulfillmentLineItemId: fulfillmentLine,
      lineItemId: found.line.lineItemId,
      quantity: requested.quantity,
      returnReason: reason as ReturnReasonCode,
      returnReasonNote: requested.returnReasonNote ?? '',
      customerNote: requested.customerNote ?? null,
    });
  }
  const now = store.now();
  const record: ReturnRecord = {
    id: store.newId(),
    orderId: order.id,
    name: `${order.name}-R${returnsOf(store, order.id).length + 1}`,
    status: ReturnStatus.requested,
    lineItems: lines,
    decline: null,
    createdAt: now,
    updatedAt: now,
    requestApprovedAt: null,
    closedAt: null,
  };
  store.returns.set(record.id, record);
  publish(store, 'returns/request', record, order);
  return { ok: true, value: record };
}

/** `returnApproveRequest`: REQUESTED → OPEN (fires returns/approve). */
export function approveReturn(store: ShopifyStore, id: number | null): Outcome<ReturnRecord> {
  return move(store, id, { from: ReturnStatus.requested, to: ReturnStatus.open, topic: 'returns/approve', verb: 'approved', field: ['input', 'id'] }, (record, now) => {
    record.requestApprovedAt = now;
  });
}

export interface DeclineInput {
  id: number | null;
  declineReason: string | null;
  declineNote?: string | null;
  notifyCustomer?: boolean;
}

/** `returnDeclineRequest`: REQUESTED → DECLINED with a reason and an optional note to the customer (fires returns/decline). */
export function declineReturn(store: ShopifyStore, input: DeclineInput): Outcome<ReturnRecord> {
  if (!(RETURN_DECLINE_REASONS as readonly (string | null)[]).includes(input.declineReason)) {
    return refuse(['input', 'declineReason'], `Decline reason ${String(input.declineReason)} is not included in the list.`, 'INCLUSION');
  }
  if (typeof input.declineNote === 'string' && input.declineNote.length > DECLINE_NOTE_MAX) {
    return refuse(['input', 'declineNote'], `Decline note is too long (maximum is ${DECLINE_NOTE_MAX} characters).`, 'TOO_LONG');
  }
  return move(store, input.id, { from: ReturnStatus.requested, to: ReturnStatus.declined, topic: 'returns/decline', verb: 'declined', field: ['input', 'id'] }, (record) => {
    record.decline = { reason: input.declineReason as ReturnDeclineReason, note: input.declineNote ?? null };
  });
}

/** `returnClose`: OPEN → CLOSED (fires returns/close). */
export function closeReturn(store: ShopifyStore, id: number | null): Outcome<ReturnRecord> {
  return move(store, id, { from: ReturnStatus.open, to: ReturnStatus.closed, topic: 'returns/close', verb: 'closed', field: ['id'] }, (record, now) => {
    record.closedAt = now;
  });
}

const ABLE = { approved: 'approvable', declined: 'declinable', closed: 'closable' } as const;

/** One allowed status change, checked: an unknown return is NOT_FOUND, a return in another status INVALID_STATE. */
function move(
  store: ShopifyStore,
  id: number | null,
  change: { from: ReturnStatus; to: ReturnStatus; topic: ReturnTopic; verb: 'approved' | 'declined' | 'closed'; field: string[] },
  apply: (record: ReturnRecord, now: string) => void,
): Outcome<ReturnRecord> {
  const record = id === null ? undefined : store.returns.get(id);
  if (!record) return refuse(change.field, 'Return does not exist.', 'NOT_FOUND');
  if (record.status !== change.from) {
    return refuse(change.field, `Return is not ${ABLE[change.verb]}. Only returns with status ${change.from} can be ${change.verb}; this one is ${record.status}.`, 'INVALID_STATE');
  }
  const now = store.now();
  record.status = change.to;
  record.updatedAt = now;
  apply(record, now);
  const order = store.orders.get(record.orderId);
  if (order) publish(store, change.topic, record, order);
  return { ok: true, value: record };
}

function publish(store: ShopifyStore, topic: ReturnTopic, record: ReturnRecord, order: Order): void {
  store.publish({ topic, return: record, order });
}

function refuse<T>(field: string[], message: string, code: string): Outcome<T> {
  const error: UserError = { field, message, code };
  return { ok: false, userErrors: [error] };
}
