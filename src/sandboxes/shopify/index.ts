import { createSandboxApp, seededRandom, startSandbox } from '../kit/index.ts';
import type { FaultConfig, RunningSandbox } from '../kit/index.ts';
import { registerAdminRoutes } from './http/admin-routes.ts';
import { CostBudget } from './http/cost-budget.ts';
import { renderShopifyError } from './http/errors.ts';
import { registerGraphQLRoute } from './http/graphql-route.ts';
import { MAX_INPUT_ARRAY_SIZE } from './graphql/input-limits.ts';
import { MAX_PAGE_SIZE } from './schema/connection.ts';
import { IdempotencyLedger } from './schema/idempotency.ts';
import { DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS } from './schema/versions.ts';
import { cancelOrder, placeOrder } from './store/orders.ts';
import type { Outcome, PlaceOrderInput } from './store/orders.ts';
import { ShopifyStore } from './store/store.ts';
import type { StoreSeed } from './store/store.ts';
import type { Order } from './store/types.ts';
import { ShopifyWebhooks } from './webhooks/emitter.ts';

export { verifyWebhookSignature, signWebhookBody } from './webhooks/signature.ts';
export { DEFAULT_API_VERSION, SUPPORTED_API_VERSIONS } from './schema/versions.ts';
export type { StoreSeed, CatalogEntry } from './store/store.ts';
export type { PlaceOrderInput } from './store/orders.ts';

export interface ShopifySandboxOptions {
  port?: number;
  host?: string;
  /** The Admin API access token clients must send (X-Shopify-Access-Token). */
  accessToken?: string;
  /** The app's client secret; webhooks are signed with it. */
  clientSecret?: string;
  apiVersions?: readonly string[];
  /** API version webhook payloads are labelled with (X-Shopify-API-Version). */
  webhookApiVersion?: string;
  seed?: StoreSeed;
  faults?: FaultConfig;
  /** Seed for fault dice and webhook duplicate/reorder draws. */
  randomSeed?: number;
  /** Clock for the cost bucket, timestamps and downtime windows (tests move time instead of sleeping). */
  clock?: () => number;
  /** The cost bucket; default the Standard plan (1,000 points, 100 points/s). */
  bucket?: { capacity?: number; restorePerSecond?: number; maxSingleQueryCost?: number };
  webhooks?: { timeScale?: number; retryDelaysMs?: readonly number[]; timeoutMs?: number };
}

export interface RunningShopifySandbox extends RunningSandbox {
  store: ShopifyStore;
  webhooks: ShopifyWebhooks;
  budget: CostBudget;
  accessToken: string;
  clientSecret: string;
  /** The myshopify.com domain clients use as `storeDomain`. */
  shopDomain: string;
  /** A fetch that sends `https://{shopDomain}/…` requests to this sandbox (for `customFetchApi`). */
  fetch: typeof fetch;
  /** Places a storefront order (fires orders/create), as `POST /__sandbox/shopify/orders` does. */
  placeOrder(input: PlaceOrderInput): Outcome<Order>;
  /** Cancels an unfulfilled order (fires orders/cancelled), as the orderCancel mutation does. */
  cancelOrder(orderId: number, reason?: string): Outcome<Order>;
}

export const DEFAULT_ACCESS_TOKEN = 'shpat_crossdock_sandbox';
export const DEFAULT_CLIENT_SECRET = 'crossdock-sandbox-client-secret';

/**
 * Starts a local emulator of the Shopify Admin GraphQL API and its webhooks. The real
 * `@shopify/admin-api-client` works against it unchanged; since that client always builds
 * `https://{storeDomain}/admin/api/{version}/graphql.json`, point it here with the sandbox's
 * origin-rewriting `fetch` as `customFetchApi`.
 *
 * @example
 * const shopify = await startShopifySandbox({ webhooks: { timeScale: 0.001 } });
 * const client = createAdminApiClient({ storeDomain: shopify.shopDomain, apiVersion: '2026-10',
 *   accessToken: shopify.accessToken, customFetchApi: shopify.fetch });
 * const { data } = await client.request('{ shop { name } }');
 * await shopify.close();
 */
export async function startShopifySandbox(options: ShopifySandboxOptions = {}): Promise<RunningShopifySandbox> {
  const clock = options.clock ?? Date.now;
  const accessToken = options.accessToken ?? DEFAULT_ACCESS_TOKEN;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const apiVersions = options.apiVersions ?? SUPPORTED_API_VERSIONS;
  const store = new ShopifyStore(clock, options.seed);
  const idempotency = new IdempotencyLedger();
  const budget = new CostBudget({ ...options.bucket, clock });
  const randomSeed = options.randomSeed ?? 1;
  // The emitter needs the fault controller the app creates; the app's reset needs the emitter.
  const late: { webhooks?: ShopifyWebhooks } = {};

  const { app, faults } = createSandboxApp({
    name: 'shopify',
    seed: randomSeed,
    ...(options.faults ? { faults: options.faults } : {}),
    clock,
    renderError: renderShopifyError,
    snapshot: () => ({ ...store.snapshot(), idempotencyKeys: idempotency.size, webhookDeliveries: late.webhooks?.emitter.deliveries ?? [] }),
    reset: () => {
      store.reset();
      idempotency.reset();
      budget.reset();
      late.webhooks?.reset();
    },
    limits: () => ({
      graphqlCost: { ...budget.extension(0, 0).throttleStatus, maxSingleQueryCost: budget.maxSingleQueryCost },
      inputArrayMax: MAX_INPUT_ARRAY_SIZE,
      pageSizeMax: MAX_PAGE_SIZE,
    }),
  });
  const hooks = new ShopifyWebhooks({
    store,
    clientSecret,
    apiVersion: options.webhookApiVersion ?? DEFAULT_API_VERSION,
    faults: () => faults.get().webhooks,
    random: seededRandom(randomSeed + 1),
    clock,
    ...(options.webhooks?.timeScale !== undefined ? { timeScale: options.webhooks.timeScale } : {}),
    ...(options.webhooks?.retryDelaysMs ? { retryDelaysMs: options.webhooks.retryDelaysMs } : {}),
    ...(options.webhooks?.timeoutMs !== undefined ? { timeoutMs: options.webhooks.timeoutMs } : {}),
  });
  late.webhooks = hooks;
  registerGraphQLRoute(app, {
    accessToken,
    apiVersions,
    budget,
    context: (apiVersion) => ({ store, apiVersion, idempotency, webhooks: hooks }),
  });
  registerAdminRoutes(app, store, hooks);
  app.addHook('onClose', async () => hooks.close());

  const running = await startSandbox(app, faults, { name: 'shopify', ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}) });
  const shopDomain = store.shop.domain;
  return {
    ...running,
    store,
    webhooks: hooks,
    budget,
    accessToken,
    clientSecret,
    shopDomain,
    fetch: rewriteOriginFetch(`https://${shopDomain}`, running.url),
    placeOrder: (input) => placeOrder(store, input),
    cancelOrder: (orderId, reason) => cancelOrder(store, orderId, reason),
  };
}

/**
 * A fetch that sends requests for `from` (e.g. https://shop.myshopify.com) to `to` (the
 * sandbox), leaving method, headers and body untouched.
 */
export function rewriteOriginFetch(from: string, to: string): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.startsWith(from) ? `${to}${url.slice(from.length)}` : url, init);
  };
}
