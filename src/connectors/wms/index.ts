import type { Connector, QuotaReport } from '../connector.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import type { DeliveryBudget } from '../../runtime/delivery/budget.ts';
import type { DeliveryContext, ItemOutcome } from '../../runtime/delivery/target.ts';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS } from './auth.ts';
import { WMS_SYSTEM, WmsClient } from './client.ts';
import { WmsWebhookReceiver } from './inbound.ts';
import { WMS_BUDGET, WMS_REQUESTS_PER_SECOND, WmsRateLimitHeaders } from './limits.ts';
import { loadWmsMappings, type WmsMappingOverrides } from './mappings.ts';
import { deliverToWms, WmsOperation } from './outbound.ts';

export { WmsOperation } from './outbound.ts';
export type { WmsOperationPayloads } from './outbound.ts';
export type { WmsMappingName, WmsMappingOverrides } from './mappings.ts';
export { WMS_BUDGET } from './limits.ts';

export interface WmsConnectorOptions {
  /** Base URL of the WMS REST API, e.g. `https://api.warehouse.example` or a sandbox's `url`. */
  baseUrl: string;
  /** The API key the WMS issued to the hub. */
  apiKey: string;
  /** The delivery target name = the role flows address (default `wms`). */
  role?: string;
  /**
   * Signing secret(s) of the hub's webhook subscription (returned once by `POST /v1/webhooks`).
   * Without one, the connector has no webhook receiver. Two while rotating.
   */
  webhookSecret?: string | readonly string[];
  /** Oldest accepted signature timestamp, in seconds (default 300). */
  webhookToleranceSeconds?: number;
  /** Canonical location code of the warehouse (e.g. `DC-EAST`): stock levels and returns are there. */
  warehouseLocationCode?: string;
  /** Per-installation changes to the shipped field mappings (`mappings/*.yaml`). */
  mappingOverrides?: WmsMappingOverrides;
  /** Replaces figures of the declared budget, e.g. the real provider's rate limit. */
  budget?: Partial<DeliveryBudget>;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  clock?: () => number;
}

/** Ten seconds: a fulfilment order is a small JSON document; longer means the WMS is struggling. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The warehouse (WMS) connector: releases and cancels fulfilment orders and announces expected returns
 * (idempotent by order number and RMA number), and turns the WMS's signed webhooks into
 * shipment milestones, received returns and inventory levels. See docs/connectors/wms.md.
 *
 * @example
 * const wms = createWmsConnector({ baseUrl: 'https://api.warehouse.example', apiKey: process.env.WMS_API_KEY!,
 *   webhookSecret: process.env.WMS_WEBHOOK_SECRET, warehouseLocationCode: 'DC-EAST' });
 * new DeliveryEngine({ storage, targets: [wms] });
 */
export function createWmsConnector(options: WmsConnectorOptions): Connector {
  const role = options.role ?? 'wms';
  const clock = options.clock ?? Date.now;
  const mappings = loadWmsMappings(options.mappingOverrides);
  const budget: DeliveryBudget = { ...WMS_BUDGET, ...options.budget };
  const rateLimit = new WmsRateLimitHeaders();
  const client = new WmsClient({
    baseUrl: options.baseUrl,
    credentials: { apiKey: options.apiKey },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    readQuota: (headers) => rateLimit.observe(headers),
  });
  const secrets = options.webhookSecret === undefined ? [] : typeof options.webhookSecret === 'string' ? [options.webhookSecret] : [...options.webhookSecret];
  if (secrets.length > 0 && !options.warehouseLocationCode) {
    throw new Error('wms: warehouseLocationCode is required with a webhookSecret: stock levels and returns received need the location they are at (e.g. DC-EAST)');
  }
  const webhook =
    secrets.length > 0
      ? new WmsWebhookReceiver({
          role,
          secrets,
          toleranceSeconds: options.webhookToleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
          warehouseLocationCode: options.warehouseLocationCode,
          mappings,
          clock,
        })
      : undefined;

  return {
    name: role,
    system: WMS_SYSTEM,
    operations: Object.values(WmsOperation),
    budget,
    ...(webhook && { webhook }),
    deliver: (batch: readonly DeliveryItem[], context: DeliveryContext): Promise<ItemOutcome[]> => deliverToWms(batch, context, { client, mappings }),
    quota: (): QuotaReport => rateLimit.report(budget.requests?.limit ?? WMS_REQUESTS_PER_SECOND),
  };
}
