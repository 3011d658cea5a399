import type { SystemSettings } from '../connectors/registry.ts';
import type { SandboxDirectory } from '../sandboxes/run-all.ts';

/** The roles a retail installation binds, and the sandbox connector behind each. */
export const RETAIL_ROLES = ['erp', 'crm', 'commerce', 'wms', 'payments'] as const;
export type RetailRole = (typeof RETAIL_ROLES)[number];

export interface SandboxSystemsOptions {
  /** The WMS subscription's signing secret (returned when the webhook subscription is created). */
  wmsWebhookSecret?: string;
  /** How often the delta pollers (NetSuite SuiteQL, Salesforce SOQL) run; default 1 s. */
  pollEveryMs?: number;
}

/**
 * The `systems:` block of a configuration that binds every retail role to the built-in
 * connector of the matching sandbox, with the sandbox's real credentials: exactly what an
 * installation writes for its real systems, with other URLs and secrets. The pollers start
 * reading at start-up (changes made before are the initial load's business).
 */
export function sandboxSystems(directory: SandboxDirectory, options: SandboxSystemsOptions = {}): Record<RetailRole, SystemSettings> {
  const everyMs = options.pollEveryMs ?? 1_000;
  const { catalogue } = directory;
  const warehouse = catalogue.locations.find((location) => location.kind === 'warehouse')?.code ?? 'DC-EAST';
  return {
    erp: {
      connector: 'netsuite',
      settings: {
        accountId: directory.netsuite.accountId,
        baseUrl: directory.netsuite.url,
        credentials: { tba: { consumerKey: directory.netsuite.tba.consumerKey, consumerSecret: directory.netsuite.tba.consumerSecret, tokenId: directory.netsuite.tba.tokenId, tokenSecret: directory.netsuite.tba.tokenSecret } },
        // The sandbox's items are `ITEM-<sku>`; its locations carry the location code itself.
        externalIds: { itemPrefix: 'ITEM-', locationPrefix: '' },
        inbound: { currency: catalogue.currency, everyMs, pollers: ['inventory', 'salesOrder', 'customer'] },
      },
    },
    crm: {
      connector: 'salesforce',
      settings: {
        loginUrl: directory.salesforce.loginUrl,
        apiVersion: directory.salesforce.apiVersion,
        credentials: { flow: 'client-credentials', clientId: directory.salesforce.clientId, clientSecret: directory.salesforce.clientSecret },
        pricebookId: directory.salesforce.standardPricebookId,
        // Orders: the B2B orders sales reps key in Salesforce (the traffic generator's `b2b-order`).
        polling: { everyMs, accounts: true, cases: true, orders: true, currency: catalogue.currency },
      },
    },
    commerce: {
      connector: 'shopify',
      settings: {
        storeDomain: directory.shopify.shopDomain,
        apiVersion: directory.shopify.apiVersion,
        credentials: { accessToken: directory.shopify.accessToken, clientSecret: directory.shopify.clientSecret },
        sandboxUrl: directory.shopify.url,
      },
    },
    wms: {
      connector: 'wms',
      // Warehouse APIs publish no standard limit: declare the one this sandbox enforces.
      budget: { requests: { limit: directory.wms.requestsPerSecond, windowMs: 1_000 } },
      settings: {
        baseUrl: directory.wms.url,
        apiKey: directory.wms.apiKey,
        warehouseLocationCode: warehouse,
        ...(options.wmsWebhookSecret !== undefined && { webhookSecret: options.wmsWebhookSecret }),
      },
    },
    payments: {
      connector: 'payments',
      settings: { baseUrl: directory.payments.url, secretKey: directory.payments.secretKey },
    },
  };
}
