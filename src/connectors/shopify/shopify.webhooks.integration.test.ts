import { afterEach, describe, expect, it } from 'vitest';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import type { RunningShopifySandbox } from '../../sandboxes/shopify/index.ts';
import { clientFor } from '../../sandboxes/shopify/test-support.ts';
import { deliveryItem, recordingContext } from '../conformance/harness.ts';
import type { InboundRequest } from '../connector.ts';
import { ShopifyOperation } from './outbound.ts';
import { connectedSandbox, startWebhookReceiver, type WebhookReceiver } from './testing.ts';

let sandbox: RunningShopifySandbox | undefined;
let receiverInUse: WebhookReceiver | undefined;
afterEach(async () => {
  await sandbox?.close();
  await receiverInUse?.close();
  sandbox = undefined;
  receiverInUse = undefined;
});

async function receiver(): Promise<WebhookReceiver> {
  receiverInUse = await startWebhookReceiver();
  return receiverInUse;
}

async function subscribe(s: RunningShopifySandbox, topic: string, uri: string): Promise<void> {
  const created = await clientFor(s).request(
    `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { userErrors { field message } }
    }`,
    { variables: { topic, sub: { uri, format: 'JSON' } } },
  );
  expect(created.data.webhookSubscriptionCreate.userErrors).toEqual([]);
}

describe('Shopify connector: webhooks', () => {
  it('verifies a real orders/create delivery and maps it to retail.order.placed.v1; a repeat has the same ids', async () => {
    const connected = await connectedSandbox({ webhooks: { timeScale: 0.00001 }, faults: { webhooks: { duplicateRate: 1 } } });
    sandbox = connected.sandbox;
    const hook = await receiver();
    await subscribe(sandbox, 'ORDERS_CREATE', hook.url);
    const placed = sandbox.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: 'TEE-BLK-M', quantity: 2 }], shippingPrice: '4.95' });
    if (!placed.ok) throw new Error('order refused');
    await sandbox.webhooks.emitter.drain();
    // The duplicate fault sends the delivery twice with the same webhook id.
    expect(hook.received).toHaveLength(2);
    const webhook = connected.connector.webhook!;
    const [first, duplicate] = hook.received as [InboundRequest, InboundRequest];
    expect(webhook.verify(first)).toBe(true);
    expect(webhook.deliveryId(first)).toBe(webhook.deliveryId(duplicate));
    const events = await webhook.toEvents(first);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(validateRetailEvent(event).ok).toBe(true);
    expect(event).toMatchObject({
      type: 'retail.order.placed.v1',
      subject: `SHOP-${placed.value.number}`,
      data: {
        channel: 'web',
        channelOrderId: String(placed.value.id),
        currency: 'USD',
        status: 'placed',
        customer: { email: 'buyer@example.com' },
        lines: [{ lineNumber: 1, sku: 'TEE-BLK-M', quantity: 2, unitPrice: '24.00', lineTotal: '48.00', discounts: [] }],
        totals: { shippingTotal: '4.95', grandTotal: '52.95' },
        fulfilment: { method: 'ship' },
      },
    });
    expect((await webhook.toEvents(duplicate)).map((again) => again.id)).toEqual(events.map((original) => original.id));
  });

  it('refuses a forged delivery: a changed body or another secret', async () => {
    const connected = await connectedSandbox({ webhooks: { timeScale: 0.00001 } });
    sandbox = connected.sandbox;
    const hook = await receiver();
    await subscribe(sandbox, 'ORDERS_CREATE', hook.url);
    sandbox.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: 'CAP-NVY', quantity: 1 }] });
    await sandbox.webhooks.emitter.drain();
    const [real] = hook.received as [InboundRequest];
    const webhook = connected.connector.webhook!;
    const tampered = { ...real, rawBody: Buffer.from(real.rawBody.toString('utf8').replace('"quantity":1', '"quantity":9')) };
    expect(webhook.verify(tampered)).toBe(false);
    expect(webhook.verify({ ...real, headers: { ...real.headers, 'x-shopify-hmac-sha256': undefined } })).toBe(false);
    const other = await connectedSandbox({}, { credentials: { accessToken: 'x', clientSecret: 'not-the-app-secret' } });
    await other.sandbox.close();
    expect(other.connector.webhook!.verify(real)).toBe(false);
  });

  it('maps inventory_levels/update to retail.inventory.level-changed.v1 with SKU and location code', async () => {
    const connected = await connectedSandbox({ webhooks: { timeScale: 0.00001 } });
    sandbox = connected.sandbox;
    const hook = await receiver();
    await subscribe(sandbox, 'INVENTORY_LEVELS_UPDATE', hook.url);
    const item = deliveryItem({
      target: 'commerce',
      kind: 'state',
      key: 'HOOD-GRY-M@DOWNTOWN-STORE',
      operation: ShopifyOperation.setInventoryLevel,
      payload: { sku: 'HOOD-GRY-M', locationCode: 'DOWNTOWN-STORE', available: 7 },
      idempotencyKey: 'HOOD-GRY-M@DOWNTOWN-STORE#7',
    });
    expect((await connected.connector.deliver([item], recordingContext()))[0]!.ok).toBe(true);
    await sandbox.webhooks.emitter.drain();
    expect(hook.received.length).toBeGreaterThanOrEqual(1);
    const request = hook.received.at(-1)!;
    expect(connected.connector.webhook!.verify(request)).toBe(true);
    const [event] = await connected.connector.webhook!.toEvents(request);
    expect(validateRetailEvent(event).ok).toBe(true);
    expect(event).toMatchObject({
      type: 'retail.inventory.level-changed.v1',
      subject: 'HOOD-GRY-M@DOWNTOWN-STORE',
      data: { sku: 'HOOD-GRY-M', locationCode: 'DOWNTOWN-STORE', available: 7, sourceSystem: 'shopify' },
    });
    expect(event!.time).toBe(new Date(String(request.headers['x-shopify-triggered-at'])).toISOString());
  });

  it('maps refunds/create and fulfillments/create written by the hub to refund.issued and shipment.milestone-reached', async () => {
    const connected = await connectedSandbox({ webhooks: { timeScale: 0.00001 } });
    sandbox = connected.sandbox;
    const hook = await receiver();
    await subscribe(sandbox, 'REFUNDS_CREATE', hook.url);
    await subscribe(sandbox, 'FULFILLMENTS_CREATE', hook.url);
    const placed = sandbox.placeOrder({ email: 'buyer@example.com', lineItems: [{ sku: 'TEE-WHT-L', quantity: 1 }, { sku: 'CAP-NVY', quantity: 2 }] });
    if (!placed.ok) throw new Error('order refused');
    const orderId = String(placed.value.id);
    const command = (operation: string, payload: Record<string, unknown>) =>
      deliveryItem({ target: 'commerce', kind: 'command', key: orderId, operation, payload, idempotencyKey: `${operation}:${orderId}` });
    const [shipped] = await connected.connector.deliver(
      [command(ShopifyOperation.createFulfillment, { orderId, tracking: { company: 'DHL Express', number: 'JD014600006281230704', url: 'https://www.dhl.com/track?id=JD014600006281230704' }, lines: [{ sku: 'CAP-NVY', quantity: 2 }] })],
      recordingContext(),
    );
    const [refunded] = await connected.connector.deliver([command(ShopifyOperation.issueRefund, { orderId, amount: '24.00', lines: [{ sku: 'TEE-WHT-L', quantity: 1 }] })], recordingContext());
    expect([shipped!.ok, refunded!.ok]).toEqual([true, true]);
    await sandbox.webhooks.emitter.drain();
    const byTopic = (topic: string) => hook.received.find((request) => request.headers['x-shopify-topic'] === topic)!;
    const [shipment] = await connected.connector.webhook!.toEvents(byTopic('fulfillments/create'));
    const [refund] = await connected.connector.webhook!.toEvents(byTopic('refunds/create'));
    expect(validateRetailEvent(shipment).ok).toBe(true);
    expect(validateRetailEvent(refund).ok).toBe(true);
    expect(shipment).toMatchObject({
      type: 'retail.shipment.milestone-reached.v1',
      data: {
        orderNumber: `SHOP-${placed.value.number}`,
        fromLocationCode: 'MAIN-WAREHOUSE',
        lines: [{ orderLineNumber: 2, sku: 'CAP-NVY', quantity: 2 }],
        carrier: { code: 'dhl-express' },
        trackingNumber: 'JD014600006281230704',
        milestones: [{ milestone: 'handed-to-carrier' }],
      },
    });
    expect(refund).toMatchObject({
      type: 'retail.refund.issued.v1',
      data: {
        amount: '24.00',
        currency: 'USD',
        status: 'issued',
        method: 'card',
        // The refund webhook names the order by id only: the number and line positions are read back.
        orderNumber: `SHOP-${placed.value.number}`,
        lines: [{ orderLineNumber: 1, sku: 'TEE-WHT-L', quantity: 1 }],
      },
    });
  });
});
