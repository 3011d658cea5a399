import type { GraphQLObject } from '../graphql/execute.ts';
import type { ShopifyStore } from '../store/store.ts';
import type { Customer, Order } from '../store/types.ts';
import { connection } from './connection.ts';
import { parseGid, splitGid } from './ids.ts';
import { customerObject, locationObject, shopObject, webhookSubscriptionObject } from './objects-common.ts';
import { inventoryItemObject, inventoryLevelObject, variantObject } from './objects-inventory.ts';
import { fulfillmentObject, fulfillmentOrderObject, orderObject, refundObject } from './objects-orders.ts';
import { returnObject } from './objects-returns.ts';
import { matchesSearch, parseSearchQuery } from './search-query.ts';
import { enumToTopic } from '../webhooks/topics.ts';

type Args = Record<string, unknown>;

/** The QueryRoot subset: the reads a retail integration makes. */
export function queryRoot(store: ShopifyStore, apiVersion: string): GraphQLObject {
  return {
    __typename: 'QueryRoot',
    shop: () => shopObject(store),
    locations: (args: Args) => connection('Location', [...store.locations.values()], args, locationObject),
    location: (args: Args) => {
      const location = store.locations.get(parseGid(args.id, 'Location') ?? -1) ?? (args.id === undefined ? store.locations.values().next().value : undefined);
      return location ? locationObject(location) : null;
    },
    orders: (args: Args) => connection('Order', sortOrders(filterOrders(store, args.query), args.sortKey), args, (order) => orderObject(store, order)),
    order: (args: Args) => {
      const order = store.orders.get(parseGid(args.id, 'Order') ?? -1);
      return order ? orderObject(store, order) : null;
    },
    customers: (args: Args) => connection('Customer', filterCustomers(store, args.query), args, (customer) => customerObject(store, customer)),
    customer: (args: Args) => {
      const customer = store.customers.get(parseGid(args.id, 'Customer') ?? -1);
      return customer ? customerObject(store, customer) : null;
    },
    productVariants: (args: Args) => {
      const terms = parseSearchQuery(typeof args.query === 'string' ? args.query : '');
      const variants = [...store.variants.values()].filter((variant) =>
        matchesSearch(terms, (field) => ({ sku: variant.sku, updated_at: variant.updatedAt, id: variant.id })[field]),
      );
      return connection('ProductVariant', variants, args, (variant) => variantObject(store, variant));
    },
    productVariant: (args: Args) => {
      const variant = store.variants.get(parseGid(args.id, 'ProductVariant') ?? -1);
      return variant ? variantObject(store, variant) : null;
    },
    inventoryItems: (args: Args) => {
      const terms = parseSearchQuery(typeof args.query === 'string' ? args.query : '');
      const items = [...store.inventoryItems.values()].filter((item) =>
        matchesSearch(terms, (field) => ({ sku: item.sku, updated_at: item.updatedAt, id: item.id })[field]),
      );
      return connection('InventoryItem', items, args, (item) => inventoryItemObject(store, item));
    },
    inventoryItem: (args: Args) => {
      const item = store.inventoryItems.get(parseGid(args.id, 'InventoryItem') ?? -1);
      return item ? inventoryItemObject(store, item) : null;
    },
    inventoryLevel: (args: Args) => {
      const id = parseGid(args.id, 'InventoryLevel');
      const level = [...store.inventoryLevels.values()].find((candidate) => candidate.id === id);
      return level ? inventoryLevelObject(store, level) : null;
    },
    fulfillmentOrder: (args: Args) => {
      const fulfillmentOrder = store.fulfillmentOrders.get(parseGid(args.id, 'FulfillmentOrder') ?? -1);
      return fulfillmentOrder ? fulfillmentOrderObject(store, fulfillmentOrder) : null;
    },
    fulfillment: (args: Args) => {
      const fulfillment = store.fulfillments.get(parseGid(args.id, 'Fulfillment') ?? -1);
      return fulfillment ? fulfillmentObject(store, fulfillment) : null;
    },
    refund: (args: Args) => {
      const refund = store.refunds.get(parseGid(args.id, 'Refund') ?? -1);
      return refund ? refundObject(store, refund) : null;
    },
    return: (args: Args) => {
      const found = store.returns.get(parseGid(args.id, 'Return') ?? -1);
      return found ? returnObject(store, found) : null;
    },
    webhookSubscriptions: (args: Args) => {
      const topics = Array.isArray(args.topics) ? (args.topics as string[]).map(enumToTopic) : undefined;
      const subscriptions = [...store.webhookSubscriptions.values()].filter((subscription) => !topics || topics.includes(subscription.topic as never));
      return connection('WebhookSubscription', subscriptions, args, (subscription) => webhookSubscriptionObject(subscription, apiVersion));
    },
    webhookSubscription: (args: Args) => {
      const subscription = store.webhookSubscriptions.get(parseGid(args.id, 'WebhookSubscription') ?? -1);
      return subscription ? webhookSubscriptionObject(subscription, apiVersion) : null;
    },
    node: (args: Args) => nodeById(store, args.id),
    nodes: (args: Args) => (Array.isArray(args.ids) ? args.ids.map((id) => nodeById(store, id)) : []),
  };
}

function nodeById(store: ShopifyStore, id: unknown): GraphQLObject | null {
  const parsed = splitGid(id);
  if (!parsed) return null;
  const find = <T>(map: Map<number, T>, build: (value: T) => GraphQLObject) => {
    const value = map.get(parsed.id);
    return value ? build(value) : null;
  };
  switch (parsed.type) {
    case 'Order':
      return find(store.orders, (order) => orderObject(store, order));
    case 'Customer':
      return find(store.customers, (customer) => customerObject(store, customer));
    case 'Location':
      return find(store.locations, locationObject);
    case 'ProductVariant':
      return find(store.variants, (variant) => variantObject(store, variant));
    case 'InventoryItem':
      return find(store.inventoryItems, (item) => inventoryItemObject(store, item));
    case 'FulfillmentOrder':
      return find(store.fulfillmentOrders, (fo) => fulfillmentOrderObject(store, fo));
    case 'Fulfillment':
      return find(store.fulfillments, (fulfillment) => fulfillmentObject(store, fulfillment));
    case 'Refund':
      return find(store.refunds, (refund) => refundObject(store, refund));
    case 'Return':
      return find(store.returns, (found) => returnObject(store, found));
    default:
      return null;
  }
}

function filterOrders(store: ShopifyStore, query: unknown): Order[] {
  const terms = parseSearchQuery(typeof query === 'string' ? query : '');
  return [...store.orders.values()].filter((order) =>
    matchesSearch(terms, (field) => {
      switch (field) {
        case 'updated_at':
          return order.updatedAt;
        case 'created_at':
          return order.createdAt;
        case 'name':
          return order.name;
        case 'email':
          return order.email;
        case 'id':
          return order.id;
        case 'financial_status':
          return order.financialStatus.toLowerCase();
        case 'fulfillment_status':
          return order.fulfillmentStatus.toLowerCase();
        case 'status':
          return order.cancelledAt ? 'cancelled' : 'open';
        default:
          return undefined;
      }
    }),
  );
}

/** Default sort is by id (creation order); UPDATED_AT and CREATED_AT are what delta polling uses. */
function sortOrders(orders: Order[], sortKey: unknown): Order[] {
  const key = sortKey === 'UPDATED_AT' ? 'updatedAt' : sortKey === 'CREATED_AT' ? 'createdAt' : undefined;
  if (!key) return orders.sort((a, b) => a.id - b.id);
  return orders.sort((a, b) => (a[key] === b[key] ? a.id - b.id : a[key] < b[key] ? -1 : 1));
}

function filterCustomers(store: ShopifyStore, query: unknown): Customer[] {
  const terms = parseSearchQuery(typeof query === 'string' ? query : '');
  return [...store.customers.values()].filter((customer) =>
    matchesSearch(terms, (field) =>
      ({ email: customer.email, updated_at: customer.updatedAt, created_at: customer.createdAt, id: customer.id, phone: customer.phone })[field],
    ),
  );
}
