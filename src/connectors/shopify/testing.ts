import { startShopifySandbox } from '../../sandboxes/shopify/index.ts';
import type { RunningShopifySandbox, ShopifySandboxOptions } from '../../sandboxes/shopify/index.ts';
import { createShopifyConnector } from './index.ts';
import type { ShopifyConnector, ShopifyConnectorOptions } from './index.ts';

/** A sandbox store and a connector configured against it as a user would: domain, token, secret. */
export async function connectedSandbox(
  sandboxOptions: ShopifySandboxOptions = {},
  connectorOptions: Partial<ShopifyConnectorOptions> = {},
): Promise<{ sandbox: RunningShopifySandbox; connector: ShopifyConnector }> {
  const sandbox = await startShopifySandbox(sandboxOptions);
  const connector = createShopifyConnector({
    role: 'commerce',
    storeDomain: sandbox.shopDomain,
    credentials: { accessToken: sandbox.accessToken, clientSecret: sandbox.clientSecret },
    customFetchApi: sandbox.fetch,
    ...connectorOptions,
  });
  return { sandbox, connector };
}

/** `count` catalogue entries SKU-0001…, stocked 100 per location. */
export function catalogue(count: number): { sku: string; title: string; price: string }[] {
  return Array.from({ length: count }, (_, index) => ({ sku: `SKU-${String(index + 1).padStart(4, '0')}`, title: `Item ${index + 1}`, price: '10.00' }));
}
