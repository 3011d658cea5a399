/** The Shopify store's state, in the sandbox's own terms. Money is held in cents. */

import type { ReturnRecord, ReturnTopic } from './returns.ts';

/**
 * Inventory quantity names (https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps/manage-quantities-states).
 * `on_hand` is not stored: it is the sum of the states physically in the location.
 */
export const QUANTITY_NAMES = ['available', 'committed', 'reserved', 'damaged', 'safety_stock', 'quality_control', 'incoming'] as const;
export type StoredQuantityName = (typeof QUANTITY_NAMES)[number];
export type QuantityName = StoredQuantityName | 'on_hand';

export interface Shop {
  name: string;
  /** The myshopify.com domain, sent as X-Shopify-Shop-Domain. */
  domain: string;
  email: string;
  currencyCode: string;
}

export interface Location {
  id: number;
  name: string;
  isActive: boolean;
  address1: string;
  city: string;
  countryCode: string;
}

export interface ProductVariant {
  id: number;
  productId: number;
  productTitle: string;
  title: string;
  sku: string;
  priceCents: number;
  /** The struck-through "compare at" price; absent or null when there is none. */
  compareAtPriceCents?: number | null;
  inventoryItemId: number;
  createdAt: string;
  updatedAt: string;
}

/** Product-level fields; the variants (one per product in this sandbox's catalogue) hold SKU and price. */
export interface Product {
  id: number;
  handle: string;
  title: string;
  status: 'ACTIVE' | 'ARCHIVED' | 'DRAFT';
  vendor: string | null;
  productType: string | null;
  descriptionHtml: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryItem {
  id: number;
  sku: string;
  variantId: number;
  tracked: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface InventoryLevel {
  id: number;
  inventoryItemId: number;
  locationId: number;
  quantities: Record<StoredQuantityName, number>;
  updatedAt: string;
}

export interface Customer {
  id: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  /** Email marketing consent; absent until a decision is recorded (Shopify then reports NOT_SUBSCRIBED). */
  emailMarketingConsent?: EmailMarketingConsent;
  createdAt: string;
  updatedAt: string;
}

/** https://shopify.dev/docs/api/admin-graphql/latest/enums/CustomerEmailMarketingState */
export type EmailMarketingState = 'NOT_SUBSCRIBED' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED';

/** Customer.emailMarketingConsent (https://shopify.dev/docs/api/admin-graphql/latest/objects/CustomerEmailMarketingConsentState). */
export interface EmailMarketingConsent {
  marketingState: EmailMarketingState;
  marketingOptInLevel: 'SINGLE_OPT_IN' | 'CONFIRMED_OPT_IN' | 'UNKNOWN' | null;
  consentUpdatedAt: string | null;
}

export interface LineItem {
  id: number;
  variantId: number;
  sku: string;
  title: string;
  quantity: number;
  priceCents: number;
  fulfilledQuantity: number;
  refundedQuantity: number;
}

export type FinancialStatus = 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
export type FulfillmentStatus = 'UNFULFILLED' | 'PARTIALLY_FULFILLED' | 'FULFILLED';

export interface Order {
  id: number;
  number: number;
  name: string;
  email: string | null;
  customerId: number | null;
  locationId: number;
  lineItems: LineItem[];
  shippingCents: number;
  /** What the buyer paid (line items + shipping), captured when the order was placed. */
  paidCents: number;
  refundedCents: number;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  cancelledAt: string | null;
  cancelReason: string | null;
  note: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export type FulfillmentOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';

export interface FulfillmentOrderLineItem {
  id: number;
  lineItemId: number;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface FulfillmentOrder {
  id: number;
  orderId: number;
  locationId: number;
  status: FulfillmentOrderStatus;
  lineItems: FulfillmentOrderLineItem[];
  createdAt: string;
  updatedAt: string;
}

export interface TrackingInfo {
  company: string | null;
  number: string | null;
  url: string | null;
}

export interface Fulfillment {
  id: number;
  orderId: number;
  locationId: number;
  status: 'SUCCESS' | 'CANCELLED';
  trackingInfo: TrackingInfo[];
  lineItems: { lineItemId: number; quantity: number }[];
  createdAt: string;
  updatedAt: string;
}

export interface RefundLineItem {
  lineItemId: number;
  quantity: number;
  restockType: 'NO_RESTOCK' | 'CANCEL' | 'RETURN';
  locationId: number | null;
  subtotalCents: number;
}

export interface Refund {
  id: number;
  orderId: number;
  note: string | null;
  amountCents: number;
  lineItems: RefundLineItem[];
  transactionIds: number[];
  createdAt: string;
}

export interface WebhookSubscriptionRecord {
  id: number;
  /** REST-style topic, e.g. `orders/create`. */
  topic: string;
  uri: string;
  format: 'JSON';
  createdAt: string;
  updatedAt: string;
}

/** A mutation's expected business refusal, rendered as a `userErrors` entry. */
export interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

/** The store publishes these; the webhook emitter turns them into deliveries. */
export type StoreEvent =
  | { topic: 'orders/create' | 'orders/updated' | 'orders/cancelled'; order: Order }
  | { topic: 'fulfillments/create'; fulfillment: Fulfillment; order: Order }
  | { topic: 'refunds/create'; refund: Refund; order: Order }
  | { topic: 'customers/create' | 'customers/update'; customer: Customer }
  | { topic: 'inventory_levels/update'; level: InventoryLevel }
  | { topic: ReturnTopic; return: ReturnRecord; order: Order };
