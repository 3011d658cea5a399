import { createSandboxApp, seededRandom, startSandbox, WebhookEmitter } from '../kit/index.ts';
import type { FaultConfig, RunningSandbox } from '../kit/index.ts';
import { installWmsAccess, WMS_REQUESTS_PER_SECOND } from './access.ts';
import { installWmsErrorHandler, renderWmsError } from './errors.ts';
import { FulfillmentOrders } from './orders.ts';
import { ReturnReceipts } from './returns.ts';
import { registerWmsRoutes } from './routes.ts';
import { StockLedger } from './stock.ts';
import { WmsWebhooks } from './webhooks.ts';

export { verifyWmsSignature, signWmsPayload, WMS_SIGNATURE_HEADER, WMS_DELIVERY_ID_HEADER } from './signature.ts';
export { ALLOWED_EVENTS } from './fulfillment.ts';
export { WMS_REQUESTS_PER_SECOND } from './access.ts';
export type * from './model.ts';

export interface WmsSandboxOptions {
  port?: number;
  host?: string;
  /** Accepted API keys; default `['wms_test_key']`. */
  apiKeys?: string[];
  /** Default 10 per key (plausible, not vendor-published); tests lower it. */
  requestsPerSecond?: number;
  /** Units on hand per SKU at start and after a reset. */
  initialStock?: Record<string, number>;
  warehouseId?: string;
  faults?: FaultConfig;
  seed?: number;
  /** Multiplies webhook retry delays (e.g. 0.001 in tests and the demo). */
  webhookTimeScale?: number;
  /** Delays before each webhook retry in ms; default the Shopify-like 8 retries over 4 hours. */
  webhookRetryDelaysMs?: number[];
  clock?: () => number;
}

export interface RunningWmsSandbox extends RunningSandbox {
  webhooks: WebhookEmitter;
  apiKey: string;
}

/**
 * Starts the warehouse (WMS) sandbox: fulfilment orders with pick/pack/ship milestones,
 * return receipts with conditions, stock adjustments and signed milestone webhooks.
 *
 * @example
 * const wms = await startWmsSandbox({ initialStock: { 'SKU-1': 10 }, webhookTimeScale: 0.001 });
 * await fetch(`${wms.url}/v1/stock`, { headers: { authorization: `Bearer ${wms.apiKey}` } });
 * await wms.close();
 */
export async function startWmsSandbox(options: WmsSandboxOptions = {}): Promise<RunningWmsSandbox> {
  const clock = options.clock ?? Date.now;
  const apiKeys = options.apiKeys ?? ['wms_test_key'];
  const seed = options.seed ?? 1;
  const emitter = new WebhookEmitter({
    timeScale: options.webhookTimeScale ?? 1,
    ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
    random: seededRandom(seed + 1),
    // Closures run only after start, when `faults` exists: runtime changes apply to the next event.
    faults: () => faults.get().webhooks,
    clock,
  });
  const stock = new StockLedger(clock, options.initialStock ?? {});
  const orders = new FulfillmentOrders(stock, clock, options.warehouseId ?? 'WH-1');
  const returns = new ReturnReceipts(stock, clock);
  const webhooks = new WmsWebhooks(emitter, clock);

  const { app, faults } = createSandboxApp({
    name: 'wms',
    seed,
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    renderError: renderWmsError,
    snapshot: () => ({
      fulfillmentOrders: orders.snapshot(),
      returnReceipts: returns.snapshot(),
      stock: stock.snapshot(),
      webhooks: webhooks.list(),
      webhookAttempts: emitter.attempts,
    }),
    reset: () => {
      orders.reset();
      returns.reset();
      stock.reset();
      webhooks.reset();
      access.reset();
    },
    limits: () => access.limits(),
  });
  installWmsErrorHandler(app);
  const access = installWmsAccess(app, {
    apiKeys,
    requestsPerSecond: options.requestsPerSecond ?? WMS_REQUESTS_PER_SECOND,
    clock,
  });
  registerWmsRoutes(app, { orders, returns, stock, webhooks });

  const running = await startSandbox(app, faults, {
    name: 'wms',
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
  return {
    ...running,
    webhooks: emitter,
    apiKey: apiKeys[0] ?? '',
    close: async () => {
      emitter.close();
      await running.close();
    },
  };
}
