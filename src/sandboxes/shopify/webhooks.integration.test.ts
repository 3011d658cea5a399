import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startShopifySandbox, verifyWebhookSignature } from './index.ts';
import type { RunningShopifySandbox, ShopifySandboxOptions } from './index.ts';
import { clientFor } from './test-support.ts';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on an ephemeral port; `answer` picks the status per request (1-based). */
async function receiver(answer: (count: number) => number = () => 200): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = answer(received.length);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, received, server };
}

let sandbox: RunningShopifySandbox | undefined;
let server: Server | undefined;
afterEach(async () => {
  await sandbox?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  sandbox = undefined;
  server = undefined;
});

async function setup(topic: string, options: ShopifySandboxOptions = {}, answer?: (count: number) => number) {
  const hook = await receiver(answer);
  server = hook.server;
  // 8 retries over 4 hours, compressed 100,000-fold: about 144 ms in all.
  const s = await startShopifySandbox({ webhooks: { timeScale: 0.00001 }, ...options });
  sandbox = s;
  const created = await clientFor(s).request(
    `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id topic uri format } userErrors { field message } }
    }`,
    { variables: { topic, sub: { uri: hook.url, format: 'JSON' } } },
  );
  expect(created.data.webhookSubscriptionCreate.userErrors).toEqual([]);
  return { s, hook, subscription: created.data.webhookSubscriptionCreate.webhookSubscription };
}

async function placeViaAdmin(s: RunningShopifySandbox, sku = 'TEE-BLK-M'): Promise<{ order: { id: number; name: string } }> {
  const response = await fetch(`${s.url}/__sandbox/shopify/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'buyer@example.com', lineItems: [{ sku, quantity: 1 }] }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { order: { id: number; name: string } };
}

describe('Shopify webhooks', () => {
  it('delivers orders/create signed with the client secret and carrying Shopify\'s headers', async () => {
    const { s, hook, subscription } = await setup('ORDERS_CREATE');
    expect(subscription).toMatchObject({ topic: 'ORDERS_CREATE', uri: hook.url, format: 'JSON' });
    const { order } = await placeViaAdmin(s);
    await s.webhooks.emitter.drain();
    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    if (!delivery) throw new Error('no delivery');
    expect(verifyWebhookSignature(delivery.body, delivery.headers['x-shopify-hmac-sha256'], s.clientSecret)).toBe(true);
    expect(verifyWebhookSignature(delivery.body, delivery.headers['x-shopify-hmac-sha256'], 'another-secret')).toBe(false);
    expect(delivery.headers).toMatchObject({
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'crossdock-demo.myshopify.com',
      'x-shopify-api-version': '2026-10',
      'content-type': 'application/json',
    });
    expect(delivery.headers['x-shopify-webhook-id']).toBeTruthy();
    expect(delivery.headers['x-shopify-event-id']).toBeTruthy();
    expect(Number.isNaN(Date.parse(delivery.headers['x-shopify-triggered-at'] ?? ''))).toBe(false);
    const payload = JSON.parse(delivery.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      id: order.id,
      admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
      name: '#1001',
      email: 'buyer@example.com',
      financial_status: 'paid',
      total_price: '24.00',
      line_items: [{ sku: 'TEE-BLK-M', quantity: 1, price: '24.00' }],
    });
  });

  it('retries a failing receiver on the compressed schedule with the same webhook id', async () => {
    const { s, hook } = await setup('ORDERS_CREATE', {}, (count) => (count <= 2 ? 500 : 200));
    await placeViaAdmin(s);
    await s.webhooks.emitter.drain();
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.headers['x-shopify-webhook-id'])).size).toBe(1);
    expect(s.webhooks.emitter.attempts.map((a) => a.outcome)).toEqual(['rejected', 'rejected', 'delivered']);
    expect(s.webhooks.emitter.deliveries[0]?.state).toBe('delivered');
  });

  it('gives up after 8 retries (9 attempts) when the receiver keeps failing', async () => {
    const { s, hook } = await setup('ORDERS_CREATE', {}, () => 503);
    await placeViaAdmin(s);
    await s.webhooks.emitter.drain();
    expect(hook.received).toHaveLength(9);
    expect(s.webhooks.emitter.deliveries[0]?.state).toBe('failed');
  });

  it('sends duplicates under the duplicate fault, with the same webhook id', async () => {
    const { s, hook } = await setup('ORDERS_CREATE', { faults: { webhooks: { duplicateRate: 1 } } });
    await placeViaAdmin(s);
    await s.webhooks.emitter.drain();
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]?.headers['x-shopify-webhook-id']).toBe(hook.received[1]?.headers['x-shopify-webhook-id']);
    expect(s.webhooks.emitter.attempts.filter((a) => a.duplicate)).toHaveLength(1);
  });

  it('reorders deliveries within the reordering window', async () => {
    const { s, hook } = await setup('ORDERS_CREATE', { faults: { webhooks: { reorderWindow: 5 } }, randomSeed: 7 });
    for (let i = 0; i < 5; i++) await placeViaAdmin(s);
    await s.webhooks.emitter.drain();
    const names = hook.received.map((r) => (JSON.parse(r.body) as { name: string }).name);
    expect([...names].sort()).toEqual(['#1001', '#1002', '#1003', '#1004', '#1005']);
    expect(names).not.toEqual(['#1001', '#1002', '#1003', '#1004', '#1005']);
  });

  it('emits refunds/create, fulfillments/create and inventory_levels/update from GraphQL mutations', async () => {
    const { s, hook } = await setup('INVENTORY_LEVELS_UPDATE');
    const client = clientFor(s);
    await client.request(
      `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { userErrors { message } } }`,
      { variables: { topic: 'REFUNDS_CREATE', sub: { callbackUrl: hook.url, format: 'JSON' } } },
    );
    const { order } = await placeViaAdmin(s, 'CAP-NVY');
    await client.request(
      'mutation($input: RefundInput!) { refundCreate(input: $input) @idempotent(key: "wh-refund") { userErrors { message } } }',
      { variables: { input: { orderId: `gid://shopify/Order/${order.id}`, transactions: [{ amount: '5.00', kind: 'REFUND', gateway: 'manual' }] } } },
    );
    await s.webhooks.emitter.drain();
    const topics = hook.received.map((r) => r.headers['x-shopify-topic']);
    expect(topics).toContain('inventory_levels/update');
    expect(topics).toContain('refunds/create');
    const level = hook.received.find((r) => r.headers['x-shopify-topic'] === 'inventory_levels/update');
    expect(JSON.parse(level?.body ?? '{}')).toMatchObject({ available: 99 });
    const listed = await client.request('{ webhookSubscriptions(first: 10) { nodes { topic endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } } }');
    expect(listed.data.webhookSubscriptions.nodes.map((n: { topic: string }) => n.topic)).toEqual(['INVENTORY_LEVELS_UPDATE', 'REFUNDS_CREATE']);
  });
});

describe('Shopify webhook timeout', () => {
  it('counts a receiver slower than the delivery timeout as failed and retries it', async () => {
    const slow = createServer((_request, response) => {
      setTimeout(() => response.end(), 300).unref();
    });
    server = slow;
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const s = await startShopifySandbox({ webhooks: { timeScale: 0.00001, timeoutMs: 50, retryDelaysMs: [1] } });
    sandbox = s;
    s.webhooks.added({ id: 1, topic: 'orders/create', uri: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, format: 'JSON', createdAt: '', updatedAt: '' });
    s.placeOrder({ lineItems: [{ sku: 'SOCK-3PK', quantity: 1 }] });
    await s.webhooks.emitter.drain();
    expect(s.webhooks.emitter.attempts.map((a) => a.outcome)).toEqual(['timeout', 'timeout']);
    expect(s.webhooks.emitter.deliveries[0]?.state).toBe('failed');
  });
});
