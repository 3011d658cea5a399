import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startShopifySandbox } from '../../sandboxes/shopify/index.ts';
import type { RunningShopifySandbox, ShopifySandboxOptions } from '../../sandboxes/shopify/index.ts';
import { createShopifyConnector } from './index.ts';
import type { ShopifyConnector, ShopifyConnectorOptions } from './index.ts';
import type { InboundRequest } from '../connector.ts';

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

/** A webhook receiver on an ephemeral port that keeps the raw bytes, as the hub's webhook route does. */
export interface WebhookReceiver {
  url: string;
  received: InboundRequest[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: InboundRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ rawBody: Buffer.concat(chunks), headers: request.headers as IncomingHttpHeaders });
      response.statusCode = 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/commerce`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
