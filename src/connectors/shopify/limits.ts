import type { DeliveryBudget } from '../../runtime/delivery/budget.ts';

/**
 * Products per request (aliased productSet mutations, outbound/products.ts): 25 cost 250 points,
 * a quarter of a Standard store's bucket and of the 1,000-point ceiling of a single query
 * (https://shopify.dev/docs/api/usage/limits), so a batch never waits long for points and two
 * can be in flight.
 */
export const PRODUCTS_PER_REQUEST = 25;

/**
 * Prices per request (aliased productVariantsBulkUpdate mutations, one per product,
 * outbound/prices.ts): at most 25 mutations, 250 points, for the same reason as products.
 */
export const PRICES_PER_REQUEST = 25;

/**
 * The GraphQL Admin API rate limit is a leaky bucket of cost points per app and store, whose
 * restore rate depends on the store's plan (https://shopify.dev/docs/api/usage/limits and
 * https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits: Standard 100 points/s,
 * Advanced 200, Shopify Plus 1,000, Enterprise (Commerce Components) 2,000). The bucket holds
 * ten seconds of restore (1,000 points on Standard). These are starting figures only: the
 * `throttleStatus` of every response is fed back to the budget and wins.
 */
export const SHOPIFY_PLANS = {
  standard: { capacity: 1_000, restorePerSecond: 100 },
  advanced: { capacity: 2_000, restorePerSecond: 200 },
  plus: { capacity: 10_000, restorePerSecond: 1_000 },
  enterprise: { capacity: 20_000, restorePerSecond: 2_000 },
} as const;
export type ShopifyPlan = keyof typeof SHOPIFY_PLANS;

/**
 * "Input arguments that accept an array have a maximum size of 250"
 * (https://shopify.dev/docs/api/usage/limits): one inventorySetQuantities call sets at most
 * 250 levels, which is the batch the delivery engine hands over.
 */
export const MAX_INPUT_ARRAY_SIZE = 250;

/** No single query may request more than 1,000 points (https://shopify.dev/docs/api/usage/limits). */
export const MAX_SINGLE_QUERY_COST = 1_000;

/**
 * Calculated query cost (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation):
 * scalars and enums 0, an object 1, a connection 2 plus one object per requested node, and
 * every mutation field 10 whatever it returns.
 */
export const QUERY_COST = { object: 1, connectionOverhead: 2, mutation: 10 } as const;

/** The requested cost of a lookup `alias: connection(first: 1) { nodes { ... } }`. */
export const SINGLE_NODE_LOOKUP_COST = QUERY_COST.connectionOverhead + QUERY_COST.object;

/**
 * Requests in flight at once. The cost bucket is the real limit; two requests keep the bucket
 * draining while one response is on the wire without racing each other for points.
 */
export const DEFAULT_CONCURRENCY = 2;

/** The delivery budget of one store on a plan. */
export function shopifyBudget(plan: ShopifyPlan = 'standard'): DeliveryBudget {
  const bucket = SHOPIFY_PLANS[plan];
  return {
    maxBatchSize: MAX_INPUT_ARRAY_SIZE,
    // productSet takes one product, productVariantsBulkUpdate one product's variants: a batch of
    // them is one request of aliased mutations (outbound/products.ts, outbound/prices.ts).
    maxBatchSizeByOperation: { upsertProduct: PRODUCTS_PER_REQUEST, upsertPrice: PRICES_PER_REQUEST },
    concurrency: DEFAULT_CONCURRENCY,
    costPoints: { capacity: bucket.capacity, restorePerSecond: bucket.restorePerSecond },
  };
}

/**
 * How long until the bucket holds `needed` points again, from the throttleStatus Shopify sent
 * with a THROTTLED answer. At least one restore tick (a second's fraction) so a retry never
 * comes back before anything was restored.
 */
export function throttleWaitMs(options: { needed: number; currentlyAvailable: number; restoreRate: number }): number {
  const missing = Math.max(0, options.needed - options.currentlyAvailable);
  const rate = options.restoreRate > 0 ? options.restoreRate : SHOPIFY_PLANS.standard.restorePerSecond;
  return Math.max(Math.ceil((missing / rate) * 1000), Math.ceil(1000 / rate));
}
