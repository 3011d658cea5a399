import { fulfillmentOrdersOf } from '../store/orders.ts';
import type { ShopifyStore } from '../store/store.ts';
import { formatCents } from '../store/store.ts';
import type { Customer, Fulfillment, InventoryLevel, LineItem, Order, Refund, StoreEvent } from '../store/types.ts';
import { gid } from '../schema/ids.ts';
import { returnPayload } from './return-payloads.ts';

/**
 * Webhook bodies are the REST Admin API representation of the resource
 * (https://shopify.dev/docs/apps/build/webhooks/delivery-structure): snake_case fields, money
 * as decimal strings, timestamps with an offset, `admin_graphql_api_id` for the GraphQL id.
 */
export function payloadFor(store: ShopifyStore, event: StoreEvent): Record<string, unknown> {
  switch (event.topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled':
      return orderPayload(store, event.order);
    case 'fulfillments/create':
      return fulfillmentPayload(event.fulfillment, event.order);
    case 'refunds/create':
      return refundPayload(store, event.refund, event.order);
    case 'customers/create':
    case 'customers/update':
      return customerPayload(store, event.customer);
    case 'inventory_levels/update':
      return inventoryLevelPayload(event.level);
    case 'returns/request':
    case 'returns/approve':
    case 'returns/decline':
    case 'returns/close':
      return returnPayload(event.return, event.order);
  }
}

/** "2026-11-23T09:04:05.123Z" → "2026-11-23T09:04:05+00:00", as Shopify writes REST timestamps. */
export function restTime(iso: string | null): string | null {
  return iso === null ? null : `${iso.slice(0, 19)}+00:00`;
}

const FINANCIAL_STATUS = { PAID: 'paid', PARTIALLY_REFUNDED: 'partially_refunded', REFUNDED: 'refunded' } as const;
const FULFILLMENT_STATUS = { UNFULFILLED: null, PARTIALLY_FULFILLED: 'partial', FULFILLED: 'fulfilled' } as const;

function lineItemPayload(item: LineItem): Record<string, unknown> {
  return {
    id: item.id,
    admin_graphql_api_id: gid('LineItem', item.id),
    variant_id: item.variantId,
    sku: item.sku,
    title: item.title.split(' - ')[0],
    variant_title: item.title.split(' - ')[1] ?? null,
    name: item.title,
    quantity: item.quantity,
    current_quantity: item.quantity - item.refundedQuantity,
    fulfillable_quantity: Math.max(0, item.quantity - item.fulfilledQuantity - item.refundedQuantity),
    fulfillment_status: item.fulfilledQuantity >= item.quantity ? 'fulfilled' : item.fulfilledQuantity > 0 ? 'partial' : null,
    price: formatCents(item.priceCents),
    total_discount: '0.00',
    requires_shipping: true,
    taxable: true,
    gift_card: false,
  };
}

export function orderPayload(store: ShopifyStore, order: Order): Record<string, unknown> {
  const currency = store.shop.currencyCode;
  const customer = order.customerId ? store.customers.get(order.customerId) : undefined;
  const lineTotal = order.lineItems.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);
  return {
    id: order.id,
    admin_graphql_api_id: gid('Order', order.id),
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    email: order.email,
    contact_email: order.email,
    created_at: restTime(order.createdAt),
    updated_at: restTime(order.updatedAt),
    processed_at: restTime(order.createdAt),
    cancelled_at: restTime(order.cancelledAt),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: null,
    currency,
    presentment_currency: currency,
    financial_status: FINANCIAL_STATUS[order.financialStatus],
    fulfillment_status: FULFILLMENT_STATUS[order.fulfillmentStatus],
    confirmed: true,
    test: false,
    source_name: 'web',
    total_line_items_price: formatCents(lineTotal),
    subtotal_price: formatCents(lineTotal),
    total_discounts: '0.00',
    total_tax: '0.00',
    total_price: formatCents(order.paidCents),
    current_total_price: formatCents(order.paidCents - order.refundedCents),
    total_outstanding: '0.00',
    note: order.note,
    tags: order.tags.join(', '),
    location_id: order.locationId,
    customer: customer ? customerPayload(store, customer) : null,
    line_items: order.lineItems.map(lineItemPayload),
    shipping_lines: order.shippingCents > 0 ? [{ title: 'Standard', code: 'STANDARD', price: formatCents(order.shippingCents) }] : [],
    fulfillments: [],
    refunds: [],
    fulfillment_order_ids: fulfillmentOrdersOf(store, order.id).map((fo) => fo.id),
  };
}

function fulfillmentPayload(fulfillment: Fulfillment, order: Order): Record<string, unknown> {
  const tracking = fulfillment.trackingInfo[0];
  return {
    id: fulfillment.id,
    admin_graphql_api_id: gid('Fulfillment', fulfillment.id),
    order_id: order.id,
    name: `${order.name}.1`,
    status: fulfillment.status.toLowerCase(),
    created_at: restTime(fulfillment.createdAt),
    updated_at: restTime(fulfillment.updatedAt),
    location_id: fulfillment.locationId,
    service: 'manual',
    shipment_status: null,
    tracking_company: tracking?.company ?? null,
    tracking_number: tracking?.number ?? null,
    tracking_numbers: fulfillment.trackingInfo.map((info) => info.number).filter(Boolean),
    tracking_url: tracking?.url ?? null,
    tracking_urls: fulfillment.trackingInfo.map((info) => info.url).filter(Boolean),
    line_items: fulfillment.lineItems.map((line) => {
      const item = order.lineItems.find((candidate) => candidate.id === line.lineItemId);
      return item ? { ...lineItemPayload(item), quantity: line.quantity } : { id: line.lineItemId, quantity: line.quantity };
    }),
  };
}

function refundPayload(store: ShopifyStore, refund: Refund, order: Order): Record<string, unknown> {
  return {
    id: refund.id,
    admin_graphql_api_id: gid('Refund', refund.id),
    order_id: order.id,
    created_at: restTime(refund.createdAt),
    processed_at: restTime(refund.createdAt),
    note: refund.note,
    restock: refund.lineItems.some((line) => line.restockType !== 'NO_RESTOCK'),
    refund_line_items: refund.lineItems.map((line, index) => {
      const item = order.lineItems.find((candidate) => candidate.id === line.lineItemId);
      return {
        id: refund.id * 1000 + index,
        line_item_id: line.lineItemId,
        quantity: line.quantity,
        restock_type: line.restockType.toLowerCase(),
        location_id: line.locationId,
        subtotal: formatCents(line.subtotalCents),
        total_tax: '0.00',
        line_item: item ? lineItemPayload(item) : null,
      };
    }),
    transactions: refund.transactionIds.map((id) => ({
      id,
      admin_graphql_api_id: gid('OrderTransaction', id),
      order_id: order.id,
      kind: 'refund',
      status: 'success',
      gateway: 'shopify_payments',
      amount: formatCents(refund.amountCents),
      currency: store.shop.currencyCode,
      created_at: restTime(refund.createdAt),
    })),
    order_adjustments: [],
  };
}

function customerPayload(store: ShopifyStore, customer: Customer): Record<string, unknown> {
  return {
    id: customer.id,
    admin_graphql_api_id: gid('Customer', customer.id),
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    phone: customer.phone,
    note: customer.note,
    tags: customer.tags.join(', '),
    // REST shape of the consent: lower-case state, null date until a decision is recorded.
    email_marketing_consent: customer.email
      ? {
          state: (customer.emailMarketingConsent?.marketingState ?? 'NOT_SUBSCRIBED').toLowerCase(),
          opt_in_level: customer.emailMarketingConsent?.marketingOptInLevel?.toLowerCase() ?? null,
          consent_updated_at: customer.emailMarketingConsent?.consentUpdatedAt ? restTime(customer.emailMarketingConsent.consentUpdatedAt) : null,
        }
      : null,
    state: 'enabled',
    verified_email: true,
    currency: store.shop.currencyCode,
    created_at: restTime(customer.createdAt),
    updated_at: restTime(customer.updatedAt),
  };
}

function inventoryLevelPayload(level: InventoryLevel): Record<string, unknown> {
  return {
    inventory_item_id: level.inventoryItemId,
    location_id: level.locationId,
    available: level.quantities.available,
    updated_at: restTime(level.updatedAt),
    admin_graphql_api_id: gid('InventoryLevel', level.id, { inventory_item_id: level.inventoryItemId }),
  };
}
