import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Order } from '../../canonical/order.ts';
import { sampleOrder } from '../../canonical/fixtures.ts';
import type { DeliveryItem } from '../../ports/storage.ts';
import { startWmsSandbox, type RunningWmsSandbox, type WmsSandboxOptions } from '../../sandboxes/wms/index.ts';
import type { Connector, InboundRequest } from '../connector.ts';
import { deliveryItem } from '../conformance/harness.ts';
import { createWmsConnector, type WmsConnectorOptions } from './index.ts';

/** Test support for the WMS connector's tests (not part of the connector). */

export interface WebhookCatcher {
  url: string;
  /** Every request received, as the hub would hand it to the connector's receiver. */
  received: InboundRequest[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<InboundRequest[]>;
  close(): Promise<void>;
}

/** A local HTTP endpoint on an ephemeral port that keeps raw bodies and headers and answers 200. */
export async function startWebhookCatcher(): Promise<WebhookCatcher> {
  const received: InboundRequest[] = [];
  let waiters: { count: number; resolve: (requests: InboundRequest[]) => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ rawBody: Buffer.concat(chunks), headers: { ...(request.headers as IncomingHttpHeaders) } });
      response.writeHead(200).end();
      const ready = waiters.filter((waiter) => received.length >= waiter.count);
      waiters = waiters.filter((waiter) => received.length < waiter.count);
      for (const waiter of ready) waiter.resolve(received.slice());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/wms`,
    received,
    waitFor: (count) =>
      received.length >= count ? Promise.resolve(received.slice()) : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface WmsFixture {
  wms: RunningWmsSandbox;
  catcher: WebhookCatcher;
  connector: Connector;
  /** The subscription's signing secret, as the WMS returned it. */
  secret: string;
  /** Calls the sandbox's own API (the warehouse's side: milestones, receipts, adjustments). */
  warehouse(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * A WMS sandbox on port 0 with a webhook subscription to a local catcher, and a connector
 * configured against both as an installation would be: URL, API key, subscription secret.
 */
export async function startWmsFixture(
  options: { sandbox?: WmsSandboxOptions; connector?: Partial<WmsConnectorOptions> } = {},
): Promise<WmsFixture> {
  const wms = await startWmsSandbox({
    initialStock: { 'TRAIL-RUNNER-42-BLU': 50, 'MERINO-SOCK-M-GRY': 50 },
    webhookTimeScale: 0.001,
    // The real 10/s would throttle the test's own reads; the rate-limit test sets its own.
    requestsPerSecond: 1_000,
    ...options.sandbox,
  });
  const catcher = await startWebhookCatcher();
  const warehouse = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${wms.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${wms.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const subscription = await warehouse('POST', '/v1/webhooks', {
    url: catcher.url,
    topics: ['fulfillment_order.picked', 'fulfillment_order.packed', 'fulfillment_order.shipped', 'fulfillment_order.delivered', 'fulfillment_order.exception', 'return_receipt.received', 'stock.adjusted'],
  });
  const secret = String(subscription.body.secret);
  const connector = createWmsConnector({
    baseUrl: wms.url,
    apiKey: wms.apiKey,
    webhookSecret: secret,
    warehouseLocationCode: 'DC-EAST',
    ...options.connector,
  });
  return {
    wms,
    catcher,
    connector,
    secret,
    warehouse,
    close: async () => {
      await wms.close();
      await catcher.close();
    },
  };
}

let orderSequence = 0;

/** A canonical order with a new order number, as the order-capture flow would release it. */
export function newOrder(overrides: Partial<Order> = {}): Order {
  orderSequence++;
  return sampleOrder({ orderNumber: `WEB-${200_000 + orderSequence}`, ...overrides });
}

export function releaseItem(order: Order, role = 'wms'): DeliveryItem {
  return deliveryItem({
    target: role,
    kind: 'command',
    key: order.orderNumber,
    operation: 'releaseFulfillmentOrder',
    payload: order,
    idempotencyKey: `release:${order.orderNumber}`,
    context: { entity: 'order', businessKey: order.orderNumber },
  });
}
