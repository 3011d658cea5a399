import { moveStock } from './inventory.ts';
import type { ShopifyStore } from './store.ts';
import { formatCents, toCents } from './store.ts';
import type { Customer, Fulfillment, FulfillmentOrder, LineItem, Order, Refund, RefundLineItem, TrackingInfo, UserError } from './types.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; userErrors: UserError[] };

export interface PlaceOrderInput {
  email?: string | null;
  customerId?: number | null;
  /** Fulfilling location; default the first location. */
  locationId?: number | null;
  lineItems: { sku?: string; variantId?: number; quantity: number; price?: string }[];
  shippingPrice?: string;
  note?: string | null;
  tags?: string[];
}

/**
 * A storefront checkout: the order is paid in full, its units move from available to committed
 * at the fulfilling location, and one open fulfilment order is created for it.
 */
export function placeOrder(store: ShopifyStore, input: PlaceOrderInput): Outcome<Order> {
  const location = input.locationId ? store.locations.get(input.locationId) : store.locations.values().next().value;
  if (!location) return refuse(['locationId'], 'Location does not exist.');
  if (!Array.isArray(input.lineItems) || input.lineItems.length === 0) return refuse(['lineItems'], 'Line items must have at least one item.');
  const lineItems: LineItem[] = [];
  for (const [index, requested] of input.lineItems.entries()) {
    const variant = requested.variantId ? store.variants.get(requested.variantId) : store.variantBySku(requested.sku ?? '');
    if (!variant) return refuse(['lineItems', String(index), 'sku'], `Variant not found for sku ${requested.sku ?? requested.variantId}.`);
    if (!Number.isInteger(requested.quantity) || requested.quantity < 1) return refuse(['lineItems', String(index), 'quantity'], 'Quantity must be greater than 0.');
    const level = store.inventoryLevels.get(store.levelKey(variant.inventoryItemId, location.id));
    if (!level || level.quantities.available < requested.quantity) {
      return refuse(['lineItems', String(index), 'quantity'], `Not enough stock for ${variant.sku} at ${location.name}.`);
    }
    lineItems.push({
      id: store.newId(),
      variantId: variant.id,
      sku: variant.sku,
      title: `${variant.productTitle}${variant.title === 'Default Title' ? '' : ` - ${variant.title}`}`,
      quantity: requested.quantity,
      priceCents: requested.price !== undefined ? toCents(requested.price) : variant.priceCents,
      fulfilledQuantity: 0,
      refundedQuantity: 0,
    });
  }
  const customer = findOrCreateCustomer(store, input);
  const now = store.now();
  const shippingCents = input.shippingPrice ? toCents(input.shippingPrice) : 0;
  const number = store.newOrderNumber();
  const order: Order = {
    id: store.newId(),
    number,
    name: `#${number}`,
    email: input.email ?? customer?.email ?? null,
    customerId: customer?.id ?? null,
    locationId: location.id,
    lineItems,
    shippingCents,
    paidCents: lineItems.reduce((sum, item) => sum + item.priceCents * item.quantity, 0) + shippingCents,
    refundedCents: 0,
    financialStatus: 'PAID',
    fulfillmentStatus: 'UNFULFILLED',
    cancelledAt: null,
    cancelReason: null,
    note: input.note ?? null,
    tags: input.tags ?? [],
    createdAt: now,
    updatedAt: now,
  };
  store.orders.set(order.id, order);
  for (const item of lineItems) {
    const variant = store.variants.get(item.variantId);
    const level = variant && store.inventoryLevels.get(store.levelKey(variant.inventoryItemId, location.id));
    if (level) moveStock(store, level, { available: -item.quantity, committed: item.quantity });
  }
  const fulfillmentOrder: FulfillmentOrder = {
    id: store.newId(),
    orderId: order.id,
    locationId: location.id,
    status: 'OPEN',
    lineItems: lineItems.map((item) => ({ id: store.newId(), lineItemId: item.id, totalQuantity: item.quantity, remainingQuantity: item.quantity })),
    createdAt: now,
    updatedAt: now,
  };
  store.fulfillmentOrders.set(fulfillmentOrder.id, fulfillmentOrder);
  store.publish({ topic: 'orders/create', order });
  return { ok: true, value: order };
}

function findOrCreateCustomer(store: ShopifyStore, input: PlaceOrderInput): Customer | undefined {
  if (input.customerId) return store.customers.get(input.customerId);
  if (!input.email) return undefined;
  for (const customer of store.customers.values()) if (customer.email === input.email) return customer;
  const now = store.now();
  const customer: Customer = { id: store.newId(), email: input.email, firstName: null, lastName: null, phone: null, note: null, tags: [], createdAt: now, updatedAt: now };
  store.customers.set(customer.id, customer);
  store.publish({ topic: 'customers/create', customer });
  return customer;
}

/** Cancels an unfulfilled order: committed units go back to available. */
export function cancelOrder(store: ShopifyStore, orderId: number, reason = 'OTHER'): Outcome<Order> {
  const order = store.orders.get(orderId);
  if (!order) return refuse(['orderId'], 'Order does not exist.');
  if (order.cancelledAt) return refuse(['orderId'], 'Order has already been cancelled.');
  if (order.lineItems.some((item) => item.fulfilledQuantity > 0)) return refuse(['orderId'], 'Cannot cancel an order that has fulfillments.');
  for (const fulfillmentOrder of fulfillmentOrdersOf(store, order.id)) {
    for (const line of fulfillmentOrder.lineItems) {
      const level = levelFor(store, order, line.lineItemId, fulfillmentOrder.locationId);
      if (level && line.remainingQuantity > 0) moveStock(store, level, { committed: -line.remainingQuantity, available: line.remainingQuantity });
      line.remainingQuantity = 0;
    }
    fulfillmentOrder.status = 'CANCELLED';
  }
  order.cancelledAt = store.now();
  order.cancelReason = reason;
  order.updatedAt = order.cancelledAt;
  store.publish({ topic: 'orders/cancelled', order });
  store.publish({ topic: 'orders/updated', order });
  return { ok: true, value: order };
}

export interface FulfillmentInput {
  lineItemsByFulfillmentOrder: { fulfillmentOrderId: number | null; fulfillmentOrderLineItems?: { id: number | null; quantity: number }[] }[];
  trackingInfo?: Partial<TrackingInfo> | null;
}

/** Ships units of fulfilment orders: they leave committed (and so on_hand) at the location. */
export function createFulfillment(store: ShopifyStore, input: FulfillmentInput): Outcome<Fulfillment> {
  const planned: { fulfillmentOrder: FulfillmentOrder; lineId: number; quantity: number }[] = [];
  let orderId: number | undefined;
  for (const [index, group] of input.lineItemsByFulfillmentOrder.entries()) {
    const field = ['fulfillment', 'lineItemsByFulfillmentOrder', String(index)];
    const fulfillmentOrder = group.fulfillmentOrderId ? store.fulfillmentOrders.get(group.fulfillmentOrderId) : undefined;
    if (!fulfillmentOrder) return refuse([...field, 'fulfillmentOrderId'], 'Fulfillment order does not exist.');
    if (fulfillmentOrder.status === 'CLOSED' || fulfillmentOrder.status === 'CANCELLED') {
      return refuse([...field, 'fulfillmentOrderId'], `Fulfillment order ${fulfillmentOrder.id} has an unfulfillable status= ${fulfillmentOrder.status.toLowerCase()}.`);
    }
    if (orderId !== undefined && orderId !== fulfillmentOrder.orderId) return refuse(field, 'All fulfillment orders must belong to the same order.');
    orderId = fulfillmentOrder.orderId;
    const requested = group.fulfillmentOrderLineItems ?? fulfillmentOrder.lineItems.map((line) => ({ id: line.id, quantity: line.remainingQuantity }));
    for (const item of requested) {
      const line = fulfillmentOrder.lineItems.find((candidate) => candidate.id === item.id);
      if (!line) return refuse([...field, 'fulfillmentOrderLineItems'], 'Fulfillment order line item does not exist.');
      if (!Number.isInteger(item.quantity) || item.quantity < 0 || item.quantity > line.remainingQuantity) {
        return refuse([...field, 'fulfillmentOrderLineItems'], 'Invalid fulfillment order line item quantity requested.');
      }
      if (item.quantity > 0) planned.push({ fulfillmentOrder, lineId: line.id, quantity: item.quantity });
    }
  }
  const order = orderId === undefined ? undefined : store.orders.get(orderId);
  if (!order || planned.length === 0) return refuse(['fulfillment'], 'Fulfillment must contain at least one line item.');
  const now = store.now();
  const shipped = new Map<number, number>();
  for (const { fulfillmentOrder, lineId, quantity } of planned) {
    const line = fulfillmentOrder.lineItems.find((candidate) => candidate.id === lineId);
    if (!line) continue;
    line.remainingQuantity -= quantity;
    fulfillmentOrder.status = fulfillmentOrder.lineItems.every((l) => l.remainingQuantity === 0) ? 'CLOSED' : 'IN_PROGRESS';
    fulfillmentOrder.updatedAt = now;
    const lineItem = order.lineItems.find((item) => item.id === line.lineItemId);
    if (lineItem) lineItem.fulfilledQuantity += quantity;
    shipped.set(line.lineItemId, (shipped.get(line.lineItemId) ?? 0) + quantity);
    const level = levelFor(store, order, line.lineItemId, fulfillmentOrder.locationId);
    if (level) moveStock(store, level, { committed: -quantity });
  }
  const tracking = input.trackingInfo;
  const fulfillment: Fulfillment = {
    id: store.newId(),
    orderId: order.id,
    locationId: planned[0]?.fulfillmentOrder.locationId ?? order.locationId,
    status: 'SUCCESS',
    trackingInfo: tracking && (tracking.company || tracking.number || tracking.url)
      ? [{ company: tracking.company ?? null, number: tracking.number ?? null, url: tracking.url ?? null }]
      : [],
    lineItems: [...shipped].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
    createdAt: now,
    updatedAt: now,
  };
  store.fulfillments.set(fulfillment.id, fulfillment);
  const open = order.lineItems.reduce((sum, item) => sum + item.quantity - item.fulfilledQuantity - item.refundedQuantity, 0);
  order.fulfillmentStatus = open <= 0 ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
  order.updatedAt = now;
  store.publish({ topic: 'fulfillments/create', fulfillment, order });
  store.publish({ topic: 'orders/updated', order });
  return { ok: true, value: fulfillment };
}

export interface RefundInput {
  orderId: number | null;
  note?: string | null;
  refundLineItems?: { lineItemId: number | null; quantity: number; restockType?: RefundLineItem['restockType']; locationId?: number | null }[];
  /** Money returned to the buyer, one entry per transaction. */
  transactionAmounts?: string[];
  shippingAmount?: string | null;
  fullShippingRefund?: boolean;
}

/** The money still refundable: what was paid less what was already refunded. */
export function refundableCents(order: Order): number {
  return order.paidCents - order.refundedCents;
}

/**
 * Refunds money and/or items. Money can never exceed what was paid and not yet refunded;
 * items can never exceed what was bought and not yet refunded. Restocked items go back to
 * available at the chosen location (RETURN) or leave committed (CANCEL, for unshipped units).
 */
export function createRefund(store: ShopifyStore, input: RefundInput): Outcome<Refund> {
  const order = input.orderId ? store.orders.get(input.orderId) : undefined;
  if (!order) return refuse(['orderId'], 'Order does not exist');
  const lines: RefundLineItem[] = [];
  for (const [index, requested] of (input.refundLineItems ?? []).entries()) {
    const field = ['refundLineItems', String(index)];
    const lineItem = order.lineItems.find((item) => item.id === requested.lineItemId);
    if (!lineItem) return refuse([...field, 'lineItemId'], 'Line item does not exist');
    const already = lines.filter((line) => line.lineItemId === lineItem.id).reduce((sum, line) => sum + line.quantity, 0);
    if (!Number.isInteger(requested.quantity) || requested.quantity < 1 || requested.quantity + already > lineItem.quantity - lineItem.refundedQuantity) {
      return refuse([...field, 'quantity'], 'Quantity cannot refund more items than were purchased');
    }
    const restockType = requested.restockType ?? 'NO_RESTOCK';
    if (restockType === 'CANCEL' && requested.quantity > lineItem.quantity - lineItem.fulfilledQuantity - lineItem.refundedQuantity) {
      return refuse([...field, 'restockType'], 'Cannot cancel items that have already been fulfilled');
    }
    lines.push({ lineItemId: lineItem.id, quantity: requested.quantity, restockType, locationId: requested.locationId ?? order.locationId, subtotalCents: lineItem.priceCents * requested.quantity });
  }
  let amountCents = 0;
  for (const [index, amount] of (input.transactionAmounts ?? []).entries()) {
    try {
      amountCents += toCents(amount);
    } catch {
      return refuse(['transactions', String(index), 'amount'], 'Amount is invalid');
    }
  }
  if (amountCents > refundableCents(order)) {
    return refuse(['transactions'], `Refund amount ${formatCents(amountCents)} exceeds the refundable amount ${formatCents(refundableCents(order))} for order ${order.name}.`);
  }
  if (lines.length === 0 && amountCents === 0) return refuse(['refundLineItems'], 'A refund must refund money or at least one line item');
  const now = store.now();
  for (const line of lines) {
    const lineItem = order.lineItems.find((item) => item.id === line.lineItemId);
    if (!lineItem) continue;
    lineItem.refundedQuantity += line.quantity;
    const level = levelFor(store, order, line.lineItemId, line.locationId ?? order.locationId);
    if (level && line.restockType === 'RETURN') moveStock(store, level, { available: line.quantity });
    if (level && line.restockType === 'CANCEL') {
      moveStock(store, level, { committed: -line.quantity, available: line.quantity });
      releaseFromFulfillmentOrders(store, order.id, line.lineItemId, line.quantity);
    }
  }
  const refund: Refund = {
    id: store.newId(),
    orderId: order.id,
    note: input.note ?? null,
    amountCents,
    lineItems: lines,
    transactionIds: amountCents > 0 ? [store.newId()] : [],
    createdAt: now,
  };
  store.refunds.set(refund.id, refund);
  order.refundedCents += amountCents;
  if (amountCents > 0) order.financialStatus = order.refundedCents >= order.paidCents ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  order.updatedAt = now;
  store.publish({ topic: 'refunds/create', refund, order });
  store.publish({ topic: 'orders/updated', order });
  return { ok: true, value: refund };
}

export function fulfillmentOrdersOf(store: ShopifyStore, orderId: number): FulfillmentOrder[] {
  return [...store.fulfillmentOrders.values()].filter((candidate) => candidate.orderId === orderId);
}

function releaseFromFulfillmentOrders(store: ShopifyStore, orderId: number, lineItemId: number, quantity: number): void {
  let left = quantity;
  for (const fulfillmentOrder of fulfillmentOrdersOf(store, orderId)) {
    for (const line of fulfillmentOrder.lineItems) {
      if (line.lineItemId !== lineItemId || left === 0) continue;
      const taken = Math.min(left, line.remainingQuantity);
      line.remainingQuantity -= taken;
      line.totalQuantity -= taken;
      left -= taken;
    }
    if (fulfillmentOrder.lineItems.every((line) => line.remainingQuantity === 0) && fulfillmentOrder.status !== 'CANCELLED') fulfillmentOrder.status = 'CLOSED';
  }
}

function levelFor(store: ShopifyStore, order: Order, lineItemId: number, locationId: number) {
  const lineItem = order.lineItems.find((item) => item.id === lineItemId);
  const variant = lineItem && store.variants.get(lineItem.variantId);
  return variant ? store.inventoryLevels.get(store.levelKey(variant.inventoryItemId, locationId)) : undefined;
}

function refuse<T>(field: string[], message: string): Outcome<T> {
  return { ok: false, userErrors: [{ field, message }] };
}
