import type { GraphQLObject } from '../graphql/execute.ts';
import { fulfillmentOrdersOf, refundableCents } from '../store/orders.ts';
import type { ShopifyStore } from '../store/store.ts';
import type { Fulfillment, FulfillmentOrder, LineItem, Order, Refund } from '../store/types.ts';
import { connection } from './connection.ts';
import { gid } from './ids.ts';
import { customerObject, locationObject, moneyBag } from './objects-common.ts';
import { variantObject } from './objects-inventory.ts';
import { returnObject } from './objects-returns.ts';
import { returnsOf } from '../store/returns.ts';

export function orderObject(store: ShopifyStore, order: Order): GraphQLObject {
  const currency = store.shop.currencyCode;
  const subtotal = order.lineItems.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);
  return {
    __typename: 'Order',
    __implements: ['Node'],
    id: gid('Order', order.id),
    legacyResourceId: String(order.id),
    name: order.name,
    email: order.email,
    note: order.note,
    tags: order.tags,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    processedAt: order.createdAt,
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason,
    closed: false,
    currencyCode: currency,
    displayFinancialStatus: order.financialStatus,
    displayFulfillmentStatus: order.fulfillmentStatus,
    subtotalPriceSet: moneyBag(subtotal, currency),
    totalShippingPriceSet: moneyBag(order.shippingCents, currency),
    totalPriceSet: moneyBag(order.paidCents, currency),
    totalReceivedSet: moneyBag(order.paidCents, currency),
    totalRefundedSet: moneyBag(order.refundedCents, currency),
    netPaymentSet: moneyBag(refundableCents(order), currency),
    currentTotalPriceSet: moneyBag(order.paidCents - order.refundedCents, currency),
    customer: () => {
      const customer = order.customerId ? store.customers.get(order.customerId) : undefined;
      return customer ? customerObject(store, customer) : null;
    },
    lineItems: (args: Record<string, unknown>) => connection('LineItem', order.lineItems, args, (item) => lineItemObject(store, item)),
    fulfillmentOrders: (args: Record<string, unknown>) =>
      connection('FulfillmentOrder', fulfillmentOrdersOf(store, order.id), args, (fo) => fulfillmentOrderObject(store, fo)),
    fulfillments: (args: Record<string, unknown>) => {
      const all = [...store.fulfillments.values()].filter((fulfillment) => fulfillment.orderId === order.id);
      return (typeof args.first === 'number' ? all.slice(0, args.first) : all).map((fulfillment) => fulfillmentObject(store, fulfillment));
    },
    refunds: (args: Record<string, unknown>) => {
      const all = [...store.refunds.values()].filter((refund) => refund.orderId === order.id);
      return (typeof args.first === 'number' ? all.slice(0, args.first) : all).map((refund) => refundObject(store, refund));
    },
    returns: (args: Record<string, unknown>) => connection('Return', returnsOf(store, order.id), args, (found) => returnObject(store, found)),
  };
}

export function lineItemObject(store: ShopifyStore, item: LineItem): GraphQLObject {
  const currency = store.shop.currencyCode;
  return {
    __typename: 'LineItem',
    __implements: ['Node'],
    id: gid('LineItem', item.id),
    sku: item.sku,
    name: item.title,
    title: item.title,
    quantity: item.quantity,
    currentQuantity: item.quantity - item.refundedQuantity,
    refundableQuantity: item.quantity - item.refundedQuantity,
    unfulfilledQuantity: Math.max(0, item.quantity - item.fulfilledQuantity - item.refundedQuantity),
    originalUnitPriceSet: moneyBag(item.priceCents, currency),
    originalTotalSet: moneyBag(item.priceCents * item.quantity, currency),
    variant: () => {
      const variant = store.variants.get(item.variantId);
      return variant ? variantObject(store, variant) : null;
    },
  };
}

export function fulfillmentOrderObject(store: ShopifyStore, fulfillmentOrder: FulfillmentOrder): GraphQLObject {
  const order = store.orders.get(fulfillmentOrder.orderId);
  const location = store.locations.get(fulfillmentOrder.locationId);
  return {
    __typename: 'FulfillmentOrder',
    __implements: ['Node'],
    id: gid('FulfillmentOrder', fulfillmentOrder.id),
    status: fulfillmentOrder.status,
    requestStatus: 'UNSUBMITTED',
    createdAt: fulfillmentOrder.createdAt,
    updatedAt: fulfillmentOrder.updatedAt,
    orderId: gid('Order', fulfillmentOrder.orderId),
    orderName: order?.name ?? null,
    assignedLocation: {
      __typename: 'FulfillmentOrderAssignedLocation',
      name: location?.name ?? null,
      location: location ? locationObject(location) : null,
    },
    order: () => (order ? orderObject(store, order) : null),
    lineItems: (args: Record<string, unknown>) =>
      connection('FulfillmentOrderLineItem', fulfillmentOrder.lineItems, args, (line) => {
        const lineItem = order?.lineItems.find((item) => item.id === line.lineItemId);
        return {
          __typename: 'FulfillmentOrderLineItem',
          id: gid('FulfillmentOrderLineItem', line.id),
          totalQuantity: line.totalQuantity,
          remainingQuantity: line.remainingQuantity,
          sku: lineItem?.sku ?? null,
          lineItem: () => (lineItem ? lineItemObject(store, lineItem) : null),
        };
      }),
  };
}

export function fulfillmentObject(store: ShopifyStore, fulfillment: Fulfillment): GraphQLObject {
  const order = store.orders.get(fulfillment.orderId);
  const location = store.locations.get(fulfillment.locationId);
  const lines = fulfillment.lineItems.map((line, index) => ({ id: fulfillment.id * 1000 + index, ...line }));
  return {
    __typename: 'Fulfillment',
    __implements: ['Node'],
    id: gid('Fulfillment', fulfillment.id),
    legacyResourceId: String(fulfillment.id),
    name: order ? `${order.name}-F${[...store.fulfillments.values()].filter((f) => f.orderId === order.id).indexOf(fulfillment) + 1}` : null,
    status: fulfillment.status,
    displayStatus: 'FULFILLED',
    createdAt: fulfillment.createdAt,
    updatedAt: fulfillment.updatedAt,
    totalQuantity: fulfillment.lineItems.reduce((sum, line) => sum + line.quantity, 0),
    trackingInfo: (args: Record<string, unknown>) =>
      (typeof args.first === 'number' ? fulfillment.trackingInfo.slice(0, args.first) : fulfillment.trackingInfo).map((info) => ({
        __typename: 'FulfillmentTrackingInfo',
        ...info,
      })),
    location: location ? locationObject(location) : null,
    order: () => (order ? orderObject(store, order) : null),
    fulfillmentLineItems: (args: Record<string, unknown>) =>
      connection('FulfillmentLineItem', lines, args, (line) => {
        const lineItem = order?.lineItems.find((item) => item.id === line.lineItemId);
        return {
          __typename: 'FulfillmentLineItem',
          id: gid('FulfillmentLineItem', line.id),
          quantity: line.quantity,
          lineItem: () => (lineItem ? lineItemObject(store, lineItem) : null),
        };
      }),
  };
}

export function refundObject(store: ShopifyStore, refund: Refund): GraphQLObject {
  const order = store.orders.get(refund.orderId);
  const currency = store.shop.currencyCode;
  const lines = refund.lineItems.map((line, index) => ({ id: refund.id * 1000 + index, ...line }));
  const transactions = refund.transactionIds.map((id) => ({ id }));
  return {
    __typename: 'Refund',
    __implements: ['Node'],
    id: gid('Refund', refund.id),
    legacyResourceId: String(refund.id),
    note: refund.note,
    createdAt: refund.createdAt,
    updatedAt: refund.createdAt,
    totalRefundedSet: moneyBag(refund.amountCents, currency),
    order: () => (order ? orderObject(store, order) : null),
    refundLineItems: (args: Record<string, unknown>) =>
      connection('RefundLineItem', lines, args, (line) => {
        const lineItem = order?.lineItems.find((item) => item.id === line.lineItemId);
        return {
          __typename: 'RefundLineItem',
          id: gid('RefundLineItem', line.id),
          quantity: line.quantity,
          restockType: line.restockType,
          restocked: line.restockType !== 'NO_RESTOCK',
          subtotalSet: moneyBag(line.subtotalCents, currency),
          lineItem: () => (lineItem ? lineItemObject(store, lineItem) : null),
        };
      }),
    transactions: (args: Record<string, unknown>) =>
      connection('OrderTransaction', transactions, args, (transaction) => ({
        __typename: 'OrderTransaction',
        id: gid('OrderTransaction', transaction.id),
        kind: 'REFUND',
        status: 'SUCCESS',
        gateway: 'shopify_payments',
        amountSet: moneyBag(refund.amountCents, currency),
        createdAt: refund.createdAt,
      })),
  };
}
