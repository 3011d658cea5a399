/** Event types the returns flows read and write (see src/canonical/events/catalogue.ts). */
export const ReturnEvent = {
  caseUpdated: 'retail.case.updated.v1',
  refundIssued: 'retail.refund.issued.v1',
  refundFailed: 'retail.refund.failed.v1',
  requested: 'retail.return.requested.v1',
  authorized: 'retail.return.authorized.v1',
  received: 'retail.return.received.v1',
  credited: 'retail.return.credited.v1',
  rejected: 'retail.return.rejected.v1',
  expired: 'retail.return.expired.v1',
  orderPlaced: 'retail.order.placed.v1',
  orderBooked: 'retail.order.booked.v1',
  orderStatusChanged: 'retail.order.status-changed.v1',
  orderCancelled: 'retail.order.cancelled.v1',
  paymentCaptured: 'retail.payment.captured.v1',
  invoicePaid: 'retail.invoice.paid.v1',
  shipmentMilestone: 'retail.shipment.milestone-reached.v1',
} as const;

export const ReturnFlow = {
  /** Stateless: keeps the facts eligibility is decided on (orders, payments, invoices, deliveries, cases). */
  facts: 'returns-facts',
  /** Durable: turns a service case or a storefront refund into a return request. */
  intake: 'return-intake',
  /** Durable: one instance per RMA, from request to refund. */
  returns: 'returns',
  /** Stateless: flags a receipt for an RMA that already expired. */
  lateReceipts: 'return-late-receipts',
} as const;

/**
 * The read models of the returns flows, in `records`. The return itself is `RecordEntity.return`
 * (key: RMA number); the others are this module's own projections of upstream events, named
 * `returns.*` so they never collide with another module's read models of the same entity.
 */
export const ReturnsRecord = {
  /** key: order number. `OrderFacts`: the order as placed in its channel and as booked in the ERP. */
  order: 'returns.order',
  /** key: payment hub id; match key `order:<number>`. A captured payment (canonical Payment). */
  payment: 'returns.payment',
  /** key: invoice number; match key `order:<number>`. A paid invoice (canonical Invoice). */
  invoice: 'returns.invoice',
  /** key: shipment number; match key `order:<number>`. A shipment that reached "delivered". */
  shipment: 'returns.shipment',
  /** key: case number. The newest canonical Case, so case updates keep the agent's own text. */
  case: 'returns.case',
  /** key: refund hub id. A refund the storefront paid for returned goods (canonical Refund with lines). */
  refund: 'returns.refund',
} as const;

/** Exception codes the returns flows raise, what the console groups them by. */
export const ReturnException = {
  /** The order was still unknown or not booked in the ERP after every look: no RMA is sent (awaits an operator). */
  orderNotBooked: 'ORDER_NOT_BOOKED',
  /** The ERP refused the return authorization (awaits an operator). */
  authorizationFailed: 'ERP_RETURN_AUTHORIZATION_FAILED',
  /** The WMS refused the expected receipt (awaits an operator). */
  expectedReceiptFailed: 'WMS_EXPECTED_RECEIPT_FAILED',
  /** The ERP refused the item receipt of the returned goods (awaits an operator). */
  receiptFailed: 'ERP_RETURN_RECEIPT_FAILED',
  /** The ERP refused the credit memo (awaits an operator). */
  creditMemoFailed: 'CREDIT_MEMO_FAILED',
  /** The payment system did not pay the refund; the memo stands (awaits an operator). */
  refundFailed: 'REFUND_FAILED',
  /** The ERP refused the customer refund that records the money paid back (awaits an operator). */
  customerRefundFailed: 'ERP_CUSTOMER_REFUND_FAILED',
  /** Paid, but no payment the hub can refund through is known (awaits an operator). */
  noRefundablePayment: 'NO_REFUNDABLE_PAYMENT',
  /** compensate mode: the refund failed; finance must reverse or use the memo (information). */
  memoReversalRequired: 'CREDIT_MEMO_REVERSAL_REQUIRED',
  /** The storefront refused to approve a customer's return request the hub authorized (awaits an operator). */
  storefrontApprovalFailed: 'STOREFRONT_RETURN_APPROVAL_FAILED',
  /** The storefront refunded a return the policy would have refused; booked anyway (information). */
  storefrontOutsidePolicy: 'STOREFRONT_REFUND_OUTSIDE_POLICY',
  /** Goods arrived for an RMA that had already expired (information). */
  receiptAfterExpiry: 'RECEIPT_AFTER_EXPIRY',
  /** A second receipt for an RMA already received and credited on the first (information). */
  furtherReceipt: 'FURTHER_RECEIPT_NOT_CREDITED',
} as const;
export type ReturnException = (typeof ReturnException)[keyof typeof ReturnException];

/** The system name the hub writes as `sourceSystem` of the records it creates itself (refunds). */
export const HUB_SYSTEM = 'crossdock';

/** The match key that finds an order's payments, invoices, shipments and returns. */
export function orderMatchKey(orderNumber: string): string {
  return `order:${orderNumber}`;
}
