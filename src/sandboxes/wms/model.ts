import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

/** Milestones a warehouse reports for a fulfilment order. */
export const FulfillmentStatus = {
  received: 'received',
  picked: 'picked',
  packed: 'packed',
  partiallyShipped: 'partially_shipped',
  shipped: 'shipped',
  delivered: 'delivered',
  exception: 'exception',
  /** Cancelled by the client before anything shipped; final. */
  cancelled: 'cancelled',
} as const;
export type FulfillmentStatus = (typeof FulfillmentStatus)[keyof typeof FulfillmentStatus];

export const FulfillmentEventType = {
  picked: 'picked',
  packed: 'packed',
  shipped: 'shipped',
  delivered: 'delivered',
  exception: 'exception',
  /** Clears an exception: the order returns to the milestone it had reached. */
  resolved: 'resolved',
} as const;
export type FulfillmentEventType = (typeof FulfillmentEventType)[keyof typeof FulfillmentEventType];

/**
 * What an order's `events` history records: the warehouse's milestones, and the client's
 * cancellation. `cancelled` is kept out of FulfillmentEventType on purpose: the warehouse cannot
 * post it as a milestone, only the client's `POST /v1/fulfillment-orders/:id/cancel` records it.
 */
export type FulfillmentHistoryType = FulfillmentEventType | 'cancelled';

const Sku = Type.String({ minLength: 1, maxLength: 64 });
const Quantity = Type.Integer({ minimum: 1 });

export const AddressSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  address1: Type.String({ minLength: 1 }),
  address2: Type.Optional(Type.String()),
  city: Type.String({ minLength: 1 }),
  region: Type.Optional(Type.String()),
  postalCode: Type.String({ minLength: 1 }),
  country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2' }),
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
});

export const CreateFulfillmentOrderSchema = Type.Object({
  externalOrderId: Type.String({ minLength: 1, maxLength: 100 }),
  warehouseId: Type.Optional(Type.String()),
  shippingMethod: Type.Optional(Type.String()),
  shipTo: AddressSchema,
  lines: Type.Array(Type.Object({ sku: Sku, quantity: Quantity }), { minItems: 1, maxItems: 500 }),
});
export type CreateFulfillmentOrder = Static<typeof CreateFulfillmentOrderSchema>;

export const ShipmentLineSchema = Type.Object({ sku: Sku, quantity: Quantity });

export const FulfillmentEventSchema = Type.Object({
  type: Type.Union(Object.values(FulfillmentEventType).map((value) => Type.Literal(value))),
  carrier: Type.Optional(Type.String({ minLength: 1 })),
  trackingNumber: Type.Optional(Type.String({ minLength: 1 })),
  /** Lines shipped by this shipment; all remaining quantities when absent. */
  lines: Type.Optional(Type.Array(ShipmentLineSchema, { minItems: 1 })),
  reason: Type.Optional(Type.String({ minLength: 1 })),
  occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
});
export type FulfillmentEventInput = Static<typeof FulfillmentEventSchema>;

/** Body of `POST /v1/fulfillment-orders/:id/cancel`; the body itself is optional. */
export const CancelFulfillmentOrderSchema = Type.Object({
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
});
export type CancelFulfillmentOrder = Static<typeof CancelFulfillmentOrderSchema>;

export interface FulfillmentLine {
  sku: string;
  quantity: number;
  quantityShipped: number;
}

export interface Shipment {
  id: string;
  carrier: string;
  trackingNumber: string;
  lines: { sku: string; quantity: number }[];
  shippedAt: string;
}

export interface FulfillmentEvent {
  type: FulfillmentHistoryType;
  occurredAt: string;
  shipmentId?: string;
  reason?: string;
}

export interface FulfillmentOrder {
  id: string;
  externalOrderId: string;
  warehouseId: string;
  shippingMethod: string | null;
  status: FulfillmentStatus;
  /** The milestone reached before an exception, restored when it is resolved. */
  statusBeforeException: FulfillmentStatus | null;
  exceptionReason: string | null;
  shipTo: Static<typeof AddressSchema>;
  lines: FulfillmentLine[];
  shipments: Shipment[];
  events: FulfillmentEvent[];
  createdAt: string;
  updatedAt: string;
}

export const ReturnCondition = {
  /** Back to sellable stock. */
  sellable: 'sellable',
  /** Opened but complete: back to stock. */
  opened: 'opened',
  /** Held in quarantine, not sellable. */
  damaged: 'damaged',
  defective: 'defective',
} as const;
export type ReturnCondition = (typeof ReturnCondition)[keyof typeof ReturnCondition];

export const CreateReturnReceiptSchema = Type.Object({
  rmaNumber: Type.String({ minLength: 1, maxLength: 100 }),
  externalOrderId: Type.Optional(Type.String()),
  lines: Type.Array(Type.Object({ sku: Sku, quantity: Quantity }), { minItems: 1 }),
});
export type CreateReturnReceipt = Static<typeof CreateReturnReceiptSchema>;

export const ReceiveReturnSchema = Type.Object({
  lines: Type.Array(
    Type.Object({
      sku: Sku,
      quantity: Quantity,
      condition: Type.Union(Object.values(ReturnCondition).map((value) => Type.Literal(value))),
      note: Type.Optional(Type.String()),
    }),
    { minItems: 1 },
  ),
});
export type ReceiveReturn = Static<typeof ReceiveReturnSchema>;

export interface ReturnReceiptLine {
  sku: string;
  quantityExpected: number;
  quantityReceived: number;
  received: { quantity: number; condition: ReturnCondition; note?: string; receivedAt: string }[];
}

export interface ReturnReceipt {
  id: string;
  rmaNumber: string;
  externalOrderId: string | null;
  status: 'expected' | 'partially_received' | 'received';
  lines: ReturnReceiptLine[];
  createdAt: string;
  updatedAt: string;
}

export const StockAdjustmentReason = {
  receipt: 'receipt',
  cycleCount: 'cycle_count',
  damaged: 'damaged',
  shrinkage: 'shrinkage',
  found: 'found',
  correction: 'correction',
} as const;

export const CreateStockAdjustmentSchema = Type.Object({
  sku: Sku,
  /** Signed change of on-hand units. */
  quantity: Type.Integer(),
  reason: Type.Union(Object.values(StockAdjustmentReason).map((value) => Type.Literal(value))),
  note: Type.Optional(Type.String()),
});
export type CreateStockAdjustment = Static<typeof CreateStockAdjustmentSchema>;

export interface StockLevel {
  sku: string;
  /** Sellable units on the shelf. */
  onHand: number;
  /** Returned units held as damaged or defective. */
  quarantined: number;
  updatedAt: string;
}

export interface StockAdjustment {
  id: string;
  sku: string;
  quantity: number;
  reason: string;
  note: string | null;
  onHandAfter: number;
  createdAt: string;
}

export const WebhookTopic = {
  picked: 'fulfillment_order.picked',
  packed: 'fulfillment_order.packed',
  shipped: 'fulfillment_order.shipped',
  delivered: 'fulfillment_order.delivered',
  exception: 'fulfillment_order.exception',
  resolved: 'fulfillment_order.resolved',
  cancelled: 'fulfillment_order.cancelled',
  returnReceived: 'return_receipt.received',
  stockAdjusted: 'stock.adjusted',
} as const;
export type WebhookTopic = (typeof WebhookTopic)[keyof typeof WebhookTopic];

export const CreateWebhookSchema = Type.Object({
  url: Type.String({ pattern: '^https?://' }),
  topics: Type.Array(Type.Union(Object.values(WebhookTopic).map((value) => Type.Literal(value))), { minItems: 1 }),
});
