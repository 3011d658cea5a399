import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateRetailEvent } from '../../canonical/events/create-event.ts';
import { createShopifyConnector } from './index.ts';
import type { ShopifyConnectorOptions } from './index.ts';

const SECRET = 'test-client-secret';

/** An orders/create body as Shopify sends it for a VAT store, with a discount and tax lines. */
const ORDER = {
  id: 5_678_001,
  admin_graphql_api_id: 'gid://shopify/Order/5678001',
  name: '#1042',
  order_number: 1042,
  email: 'ada.lovelace@example.com',
  created_at: '2026-11-23T09:00:00+01:00',
  updated_at: '2026-11-23T09:00:02+01:00',
  processed_at: '2026-11-23T09:00:00+01:00',
  currency: 'EUR',
  taxes_included: true,
  financial_status: 'paid',
  source_name: 'web',
  total_line_items_price: '120.00',
  total_discounts: '12.00',
  total_tax: '18.00',
  total_price: '112.90',
  note: null,
  customer: { id: 9001, first_name: 'Ada', last_name: 'Lovelace' },
  line_items: [
    { id: 1, sku: 'JKT-RED-M', name: 'Rain Jacket - Red / M', quantity: 1, price: '100.00', total_discount: '10.00', tax_lines: [{ price: '15.00', rate: 0.2 }] },
    { id: 2, sku: 'SOCK-3PK', name: 'Wool Socks 3-Pack', quantity: 2, price: '10.00', total_discount: '2.00', tax_lines: [{ price: '3.00', rate: 0.2 }] },
  ],
  shipping_lines: [{ code: 'STANDARD', price: '4.90' }],
};

function connector(extra: Partial<ShopifyConnectorOptions> = {}) {
  return createShopifyConnector({ storeDomain: 'acme.myshopify.com', credentials: { accessToken: 'shpat_x', clientSecret: SECRET }, ...extra });
}

function request(topic: string, body: unknown, webhookId = 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043') {
  const rawBody = Buffer.from(JSON.stringify(body));
  return {
    rawBody,
    headers: {
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(rawBody).digest('base64'),
      'x-shopify-webhook-id': webhookId,
      'x-shopify-triggered-at': '2026-11-23T08:00:03.000Z',
    },
  };
}

describe('Shopify webhook mapping', () => {
  it('maps an order with discounts and included tax to a valid retail.order.placed.v1', async () => {
    const [event] = await connector().webhook!.toEvents(request('orders/create', ORDER));
    expect(validateRetailEvent(event).ok).toBe(true);
    expect(event).toMatchObject({
      id: 'shopify:b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      time: '2026-11-23T08:00:03.000Z',
      subject: 'SHOP-1042',
      data: {
        sourceTimestamp: '2026-11-23T09:00:02+01:00',
        pricesIncludeTax: true,
        customer: { customerId: 'shopify-customer-9001', name: 'Ada Lovelace' },
        lines: [
          { sku: 'JKT-RED-M', unitPrice: '100.00', discounts: [{ amount: '10.00' }], tax: { amount: '15.00' }, lineTotal: '90.00' },
          { sku: 'SOCK-3PK', quantity: 2, discounts: [{ amount: '2.00' }], tax: { amount: '3.00' }, lineTotal: '18.00' },
        ],
        totals: { subtotal: '120.00', discountTotal: '12.00', shippingTotal: '4.90', taxTotal: '18.00', grandTotal: '112.90' },
      },
    });
  });

  it('takes an installation override of the order mapping', async () => {
    const custom = connector({ mappingOverrides: { order: { fields: { orderNumber: "'WEB-' & $string(order_number)" }, remove: ['notes'] } } });
    const [event] = await custom.webhook!.toEvents(request('orders/create', ORDER));
    expect(event!.subject).toBe('WEB-1042');
    expect(() => connector({ mappingOverrides: { orders: {} } as never })).toThrow(/no such mapping/);
  });

  it('maps orders/cancelled with the reason, and acknowledges topics it does not map', async () => {
    const [event] = await connector().webhook!.toEvents(request('orders/cancelled', { ...ORDER, cancelled_at: '2026-11-23T10:00:00+01:00', cancel_reason: 'customer' }));
    expect(event).toMatchObject({ type: 'retail.order.cancelled.v1', data: { status: 'cancelled', statusReason: { code: 'CUSTOMER' } } });
    expect(await connector().webhook!.toEvents(request('products/update', { id: 1 }))).toEqual([]);
  });

  it('accepts the old and the new client secret while rotating', () => {
    const rotating = connector({ credentials: { accessToken: 'shpat_x', clientSecret: ['new-secret', SECRET] } });
    expect(rotating.webhook!.verify(request('orders/create', ORDER))).toBe(true);
    expect(connector({ credentials: { accessToken: 'shpat_x', clientSecret: 'new-secret' } }).webhook!.verify(request('orders/create', ORDER))).toBe(false);
  });
});
