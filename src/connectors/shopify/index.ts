import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import type { Connector, QuotaReport } from '../connector.ts';
import type { DeliveryBudget } from '../../runtime/delivery/budget.ts';
import type { ShopifyCredentials } from './auth.ts';
import { SHOPIFY_API_VERSION, SHOPIFY_SYSTEM, ShopifyGraphQLClient } from './client.ts';
import { shopifyWebhookReceiver } from './inbound.ts';
import { shopifyOrdersPoller } from './inbound/orders-poller.ts';
import type { OrdersPollerOptions } from './inbound/orders-poller.ts';
import { SHOPIFY_PLANS, shopifyBudget } from './limits.ts';
import { loadShopifyMappings } from './mappings.ts';
import type { ShopifyMappingOverrides } from './mappings.ts';
import type { ShopifyPlan } from './limits.ts';
import { SHOPIFY_OPERATIONS, deliverToShopify, estimateCost } from './outbound.ts';
import { ShopifyReferences } from './references.ts';

export { ShopifyOperation, SHOPIFY_OPERATIONS } from './outbound.ts';
export type { InventoryLevelUpdate, InventoryAdjustment } from './outbound/inventory.ts';
export type { RefundRequest, FulfillmentRequest } from './outbound/orders.ts';
export type { ReturnReference, ReturnDecline } from './outbound/returns.ts';
export { SHOPIFY_API_VERSION } from './client.ts';
export type { ShopifyMappingName, ShopifyMappingOverrides } from './mappings.ts';
export type { ShopifyPlan } from './limits.ts';

export interface ShopifyConnectorOptions {
  /** The delivery target name = the role flows address (default `commerce`). */
  role?: string;
  /** `acme.myshopify.com` */
  storeDomain: string;
  credentials: ShopifyCredentials;
  /** Admin API version (default 2026-10; 2026-04 or later). */
  apiVersion?: string;
  /** The store's plan, which sets the cost bucket (default standard). */
  plan?: ShopifyPlan;
  /** Replaces figures of the declared budget (e.g. concurrency). */
  budget?: Partial<DeliveryBudget>;
  timeoutMs?: number;
  /** Location code → Shopify Location gid (see references.ts for the fallback by name). */
  locations?: Record<string, string>;
  /** `reason` of inventory changes (default `correction`). */
  inventoryReason?: string;
  /** Per-installation changes to the shipped field mappings (`mappings/*.yaml`). */
  mappingOverrides?: ShopifyMappingOverrides;
  /** Replaces global fetch (the sandbox's `fetch`, which rewrites the shop origin). */
  customFetchApi?: typeof fetch;
  /** Polls orders as a fallback to the orders webhooks (off unless given). */
  pollOrders?: Omit<OrdersPollerOptions, 'client' | 'mapping' | 'source'>;
}

export interface ShopifyConnector extends Connector {
  /** Requests sent so far by kind (queries, mutations, throttled answers). */
  readonly calls: { query: number; mutation: number; throttled: number };
}

/**
 * The Shopify connector: a delivery target for the Admin GraphQL API (inventory levels and
 * adjustments, fulfilments, refunds, customers) with Shopify's cost-based throttling, and a
 * webhook receiver for orders, customers, inventory levels, refunds and fulfilments.
 *
 * @example
 * const commerce = createShopifyConnector({
 *   role: 'commerce', storeDomain: 'acme.myshopify.com',
 *   credentials: { accessToken: env.SHOPIFY_ACCESS_TOKEN, clientSecret: env.SHOPIFY_CLIENT_SECRET },
 *   locations: { 'DC-EAST': 'gid://shopify/Location/7654321' },
 * });
 * const delivery = new DeliveryEngine({ storage, targets: [commerce] });
 */
export function createShopifyConnector(options: ShopifyConnectorOptions): ShopifyConnector {
  const client = new ShopifyGraphQLClient({
    storeDomain: options.storeDomain,
    apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
    credentials: options.credentials,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.customFetchApi && { customFetchApi: options.customFetchApi }),
  });
  const references = new ShopifyReferences(client, options.locations ? { locations: options.locations } : {});
  const plan = options.plan ?? 'standard';
  const mappings = loadShopifyMappings(options.mappingOverrides);
  const source = `crossdock://connectors/shopify/${options.storeDomain}`;
  const deps = {
    client,
    references,
    inventory: { reason: options.inventoryReason ?? 'correction' },
    customerMapping: mappings.customerInput,
    productMapping: mappings.productInput,
  };
  return {
    name: options.role ?? 'commerce',
    system: SHOPIFY_SYSTEM,
    operations: SHOPIFY_OPERATIONS,
    budget: { ...shopifyBudget(plan), ...options.budget },
    calls: client.calls,
    cost: (batch: readonly DeliveryItem[]) => estimateCost(batch, references),
    deliver: (batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> => deliverToShopify(batch, context, deps),
    webhook: shopifyWebhookReceiver({
      clientSecret: options.credentials.clientSecret,
      client,
      references,
      source,
      mappings,
    }),
    ...(options.pollOrders && { pollers: [shopifyOrdersPoller({ ...options.pollOrders, client, mapping: mappings.order, source })] }),
    quota(): QuotaReport {
      const status = client.lastThrottleStatus;
      const capacity = status?.maximumAvailable ?? SHOPIFY_PLANS[plan].capacity;
      return {
        name: 'graphqlCostPoints',
        used: status ? capacity - status.currentlyAvailable : 0,
        limit: capacity,
        source: status ? 'extensions.cost.throttleStatus' : 'plan default (no answer yet)',
      };
    },
  };
}
