import { connectorConformance } from '../conformance/connector.conformance.ts';
import { deliveryItem } from '../conformance/harness.ts';
import { signWebhookBody } from '../../sandboxes/shopify/index.ts';
import { ShopifyOperation } from './outbound.ts';
import { connectedSandbox } from './testing.ts';

let nextOrder = 0;

// Refunds are the connector's money-moving command: idempotent by the delivery item's key.
connectorConformance('shopify', {
  async open() {
    const { sandbox, connector } = await connectedSandbox();
    const refundsOf = (orderId: string) => [...sandbox.store.refunds.values()].filter((refund) => String(refund.orderId) === orderId);
    const placeOrder = () => {
      const placed = sandbox.placeOrder({ email: `buyer${++nextOrder}@example.com`, lineItems: [{ sku: 'TEE-BLK-M', quantity: 1 }] });
      if (!placed.ok) throw new Error('the sandbox refused the test order');
      return String(placed.value.id);
    };
    const refundItem = (orderId: string, amount: string) =>
      deliveryItem({
        target: 'commerce',
        kind: 'command',
        key: `refund-${orderId}`,
        operation: ShopifyOperation.issueRefund,
        payload: { orderId, amount, note: 'conformance' },
        idempotencyKey: `refund-${orderId}-${amount}`,
      });
    return {
      connector,
      faults: sandbox.faults,
      validItems: (count) => Array.from({ length: count }, () => refundItem(placeOrder(), '5.00')),
      // More than the order's 24.00: Shopify refuses it whatever the retry.
      invalidItem: () => refundItem(placeOrder(), '500.00'),
      read: async (item) => refundsOf((item.payload as { orderId: string }).orderId)[0],
      count: async () => sandbox.store.refunds.size,
      async signedWebhook() {
        const body = JSON.stringify({ id: 1, admin_graphql_api_id: 'gid://shopify/Customer/1', email: 'ada@example.com', updated_at: '2026-11-23T09:00:00+00:00' });
        return {
          rawBody: Buffer.from(body),
          headers: {
            'x-shopify-topic': 'customers/update',
            'x-shopify-hmac-sha256': signWebhookBody(body, sandbox.clientSecret),
            'x-shopify-webhook-id': 'conformance-1',
          },
        };
      },
      close: () => sandbox.close(),
    };
  },
});
