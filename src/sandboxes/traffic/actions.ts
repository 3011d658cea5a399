/**
 * What the traffic generator does, as plain data: a timed list of retail actions, each one the
 * way a real system would produce it. The planner and the CSV replay produce them; the executor
 * performs them against the sandboxes. Keeping them as data makes a plan testable without servers.
 */
export const ActionKind = {
  /** A storefront checkout: Shopify places the order and fires `orders/create`. */
  storefrontOrder: 'storefront-order',
  /** A till sale: the POS posts a CloudEvent to the hub. */
  storeOrder: 'store-order',
  /** A wholesale order keyed by a sales rep: a Salesforce Order with order products. */
  b2bOrder: 'b2b-order',
  /** A card payment captured by the payment provider (Stripe-style payment intent). */
  paymentCapture: 'payment-capture',
  /** Goods received at the DC: WMS receipt adjustment and a NetSuite inventory adjustment. */
  stockReceipt: 'stock-receipt',
  /** Stock moved or written off: a NetSuite transfer adjustment or a WMS count/shrinkage. */
  stockMovement: 'stock-movement',
  /** The warehouse reports a milestone on a released fulfilment order. */
  shipmentMilestone: 'shipment-milestone',
  /** The warehouse is short of part of an order: it ships what it has and leaves the rest on backorder. */
  backorderShipment: 'backorder-shipment',
  /** A store count finds a SKU sold out: the ERP books the store's free units of it off. */
  storeStockOut: 'store-stock-out',
  /** A storefront order cancelled in Shopify before it ships, by the shopper or the merchant's support. */
  orderCancel: 'order-cancel',
  /** A storefront return refunded in Shopify. */
  storefrontReturn: 'storefront-return',
  /** A return opened by customer service as a Salesforce Case. */
  serviceReturnCase: 'service-return-case',
  /** The warehouse dock receives a returned parcel against the oldest expected return receipt (RMA). */
  returnParcel: 'return-parcel',
  /** A customer changes their profile in one system. */
  customerEdit: 'customer-edit',
  /** A returning shopper opens a second storefront account; customer service later gives her first profile its number. */
  customerSignup: 'customer-signup',
  /** The ERP becomes unreachable for a while (NetSuite downtime fault). */
  erpOutage: 'erp-outage',
} as const;
export type ActionKind = (typeof ActionKind)[keyof typeof ActionKind];

export const BadData = {
  unknownSku: 'unknown-sku',
  priceMismatch: 'price-mismatch',
  malformedPayload: 'malformed-payload',
} as const;
export type BadData = (typeof BadData)[keyof typeof BadData];

export const ReturnReason = {
  damaged: 'damaged',
  wrongItem: 'wrong-item',
  doesNotFit: 'does-not-fit',
  changedMind: 'changed-mind',
  lateDelivery: 'late-delivery',
} as const;
export type ReturnReason = (typeof ReturnReason)[keyof typeof ReturnReason];

export type Milestone = 'picked' | 'packed' | 'shipped' | 'delivered';

/** What the dock finds in a returned parcel: sellable and opened units go back on the shelf, damaged ones into quarantine. */
export const ParcelCondition = {
  sellable: 'sellable',
  opened: 'opened',
  damaged: 'damaged',
} as const;
export type ParcelCondition = (typeof ParcelCondition)[keyof typeof ParcelCondition];
export type CustomerSystem = 'salesforce' | 'shopify' | 'netsuite';

export interface OrderLineSpec {
  sku: string;
  quantity: number;
  /** Unit price as sold, decimal string. Differs from the list price for a price mismatch. */
  unitPrice: string;
}

interface ActionBase {
  /** Offset from the start of the run, in ms. */
  atMs: number;
  /** Position in the plan (0-based), stable for a seed. */
  sequence: number;
  /** The bad data this action carries on purpose, if any. */
  badData?: BadData;
}

export interface OrderAction extends ActionBase {
  kind: typeof ActionKind.storefrontOrder | typeof ActionKind.storeOrder | typeof ActionKind.b2bOrder;
  /** The plan's name for the order, e.g. WEB-000012; later actions refer to it. */
  orderRef: string;
  customerNumber: string;
  locationCode: string;
  lines: OrderLineSpec[];
}

export interface PaymentAction extends ActionBase {
  kind: typeof ActionKind.paymentCapture;
  orderRef: string;
  /** Minor units (cents). */
  amountMinor: number;
  method: 'card' | 'gift_card' | 'paypal';
}

export interface StockReceiptAction extends ActionBase {
  kind: typeof ActionKind.stockReceipt;
  sku: string;
  quantity: number;
  locationCode: string;
  /** Purchase order or ASN the goods arrived against. */
  reference: string;
}

export interface StockMovementAction extends ActionBase {
  kind: typeof ActionKind.stockMovement;
  sku: string;
  /** Units moved (transfer, positive) or the signed change of a count, shrinkage or damage. */
  quantity: number;
  movement: 'transfer' | 'cycle-count' | 'shrinkage' | 'damaged';
  fromLocationCode: string;
  /** Only for transfers. */
  toLocationCode?: string;
}

export interface ShipmentMilestoneAction extends ActionBase {
  kind: typeof ActionKind.shipmentMilestone;
  /** The order to advance; without one the oldest released order that can move is advanced. */
  orderRef?: string;
  /** The milestone to report; without one, the order's next milestone. */
  milestone?: Milestone;
  carrier: string;
  trackingNumber: string;
}

/**
 * How a storefront return reaches Shopify: the shopper asks for it (the Returns API's
 * `returnRequest`, which the merchant then approves or declines), or the merchant takes the
 * goods back and refunds them at once (`refundCreate`), as a store counter does.
 */
export const StorefrontReturnPath = {
  returnRequest: 'return-request',
  merchantRefund: 'merchant-refund',
} as const;
export type StorefrontReturnPath = (typeof StorefrontReturnPath)[keyof typeof StorefrontReturnPath];

export interface ReturnAction extends ActionBase {
  kind: typeof ActionKind.storefrontReturn | typeof ActionKind.serviceReturnCase;
  /** The earlier order being returned; without one, the newest order of its channel. */
  orderRef?: string;
  customerNumber: string;
  reason: ReturnReason;
  /** Units returned of the order's first line. */
  quantity: number;
  /** Storefront returns only; without one, a merchant refund. */
  via?: StorefrontReturnPath;
}

/**
 * A shipment of part of an order: the warehouse picks and packs what it has of a released order
 * not yet shipped and ships it, leaving the rest (its last line, or half of a single line) on
 * backorder; a later milestone ships the rest.
 */
export interface BackorderShipmentAction extends ActionBase {
  kind: typeof ActionKind.backorderShipment;
  carrier: string;
  trackingNumber: string;
}

/**
 * A store count finds a SKU sold out: what the ERP still counts as free there (on hand less the
 * units set aside for open pickup orders) is booked off, so later pickup orders of it are held.
 */
export interface StoreStockOutAction extends ActionBase {
  kind: typeof ActionKind.storeStockOut;
  sku: string;
  /** The store whose count finds the SKU sold out. */
  locationCode: string;
}

/**
 * One step of a returning shopper's second account. With a new mobile number, she opens another
 * storefront account under another e-mail instead of signing in (`account`); later she calls
 * customer service, who record her new number on her Salesforce account (`mobile-number`).
 */
export interface CustomerSignupAction extends ActionBase {
  kind: typeof ActionKind.customerSignup;
  /** The plan's name for the new account; both steps carry it, and run one after the other. */
  signupRef: string;
  step: 'account' | 'mobile-number';
  /** Who the shopper is: a customer every system already knows. */
  customerNumber: string;
  /** The new account's e-mail (the run tag goes before the @). */
  email: string;
  /** Her new mobile number (E.164), on the new account and then on her Salesforce account. */
  phone: string;
}

export interface OrderCancelAction extends ActionBase {
  kind: typeof ActionKind.orderCancel;
  /** The earlier storefront order being cancelled (never one the plan returns). */
  orderRef: string;
}

export interface ReturnParcelAction extends ActionBase {
  kind: typeof ActionKind.returnParcel;
  /** Every unit of the parcel is received in this condition (drawn by the planner, so a seed replays the same). */
  condition: ParcelCondition;
}

export interface CustomerEditAction extends ActionBase {
  kind: typeof ActionKind.customerEdit;
  system: CustomerSystem;
  customerNumber: string;
  changes: { phone?: string; city?: string; marketingOptIn?: boolean; note?: string };
}

export interface ErpOutageAction extends ActionBase {
  kind: typeof ActionKind.erpOutage;
  durationMs: number;
}

export type TrafficAction =
  | OrderAction
  | PaymentAction
  | StockReceiptAction
  | StockMovementAction
  | ShipmentMilestoneAction
  | BackorderShipmentAction
  | StoreStockOutAction
  | CustomerSignupAction
  | OrderCancelAction
  | ReturnAction
  | ReturnParcelAction
  | CustomerEditAction
  | ErpOutageAction;

/** Actions per kind, e.g. for a summary line or a test. */
export function countByKind(actions: readonly TrafficAction[]): Record<ActionKind, number> {
  const counts = Object.fromEntries(Object.values(ActionKind).map((kind) => [kind, 0])) as Record<ActionKind, number>;
  for (const action of actions) counts[action.kind] += 1;
  return counts;
}
