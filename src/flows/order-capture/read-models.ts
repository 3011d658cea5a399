import type { Order } from '../../canonical/order.ts';
import type { RecordStore } from '../../ports/storage.ts';
import { RecordEntity } from '../reference/records.ts';

/** The flow's name: its instances, its exceptions (dead-letter target) and its delivery context. */
export const ORDER_CAPTURE_FLOW = 'order-capture';

/** The durable instance of an order number: one per order, so an order is captured (and booked) once. */
export function orderCaptureInstanceId(orderNumber: string): string {
  return `${ORDER_CAPTURE_FLOW}:${orderNumber}`;
}

/**
 * Read models this module keeps besides `RecordEntity.order` (the canonical order with its
 * status, which other flows read): where each captured order stands in capture, and the
 * cancellations seen (a cancellation may arrive before its order: webhooks are not ordered).
 */
export const CaptureEntity = {
  /** key: order number — `CaptureState` */
  capture: 'order-capture',
  /** key: order number — `CancellationMark` */
  cancellation: 'order-cancellation',
} as const;

/** Where a captured order stands. Booked, rejected and cancelled are final. */
export const CaptureStatus = {
  validating: 'validating',
  onHold: 'on-hold',
  sentToErp: 'sent-to-erp',
  booked: 'booked',
  rejected: 'rejected',
  cancelled: 'cancelled',
} as const;
export type CaptureStatus = (typeof CaptureStatus)[keyof typeof CaptureStatus];

export interface CaptureState {
  orderNumber: string;
  status: CaptureStatus;
  /** The hold or rejection reason code (UNKNOWN_SKU, PRICE_MISMATCH...). */
  reason?: string;
  channel?: string;
  customerId?: string;
  grandTotal?: string;
  currency?: string;
  erpOrderId?: string;
  /** Cancelled after it was booked: the ERP holds it (closed), unlike an order cancelled before. */
  cancelledAfterBooking?: true;
  updatedAt: number;
}

export interface CancellationMark {
  orderNumber: string;
  cancelledAt: string;
  source: string;
  /** The channel's reason, e.g. `CUSTOMER: Cancelled in Shopify`, when it gave one. */
  reason?: string;
}

/**
 * Stages of one instance, as the fraction of a record version: two writes of the same
 * millisecond still order (the scale is `recordVersion`'s, milliseconds, so writes of other
 * flows to the order read model compare with ours).
 */
export const Stage = { validated: 0.1, sentToErp: 0.6, booked: 0.7, closed: 0.8 } as const;

/** Versions of the validation rounds: after the first round, before "sent to the ERP". */
export function roundStage(round: number): number {
  return Stage.validated + Math.min(round, 400) / 1000;
}

/** The match key the order read model finds a customer's orders by (credit exposure). */
export function customerOrdersKey(customerId: string): string {
  return `customer:${customerId}`;
}

export async function saveCaptureState(records: RecordStore, state: Omit<CaptureState, 'updatedAt'>, at: { now: number; stage: number }): Promise<void> {
  await records.put({ entity: CaptureEntity.capture, key: state.orderNumber, data: { ...state, updatedAt: at.now }, version: at.now + at.stage }, at.now);
}

/** Stores the canonical order in the shared order read model (status, hold reason, ERP id). */
export async function saveOrder(records: RecordStore, order: Order, at: { now: number; stage: number }): Promise<void> {
  const customerId = order.customer.customerId;
  await records.put(
    { entity: RecordEntity.order, key: order.orderNumber, data: order, version: at.now + at.stage, ...(customerId !== undefined && { matchKeys: [customerOrdersKey(customerId)] }) },
    at.now,
  );
}

export async function cancellationOf(records: RecordStore, orderNumber: string): Promise<CancellationMark | undefined> {
  return (await records.get<CancellationMark>(CaptureEntity.cancellation, orderNumber))?.data;
}

/** Every capture state, page by page (reports and invariants). */
export async function* captureStates(records: RecordStore, pageSize = 500): AsyncGenerator<CaptureState> {
  let afterKey: string | undefined;
  for (;;) {
    const page = await records.list<CaptureState>(CaptureEntity.capture, { ...(afterKey !== undefined && { afterKey }), limit: pageSize });
    for (const record of page) yield record.data;
    if (page.length < pageSize) return;
    afterKey = page[page.length - 1]!.key;
  }
}
