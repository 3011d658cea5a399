import { describe, expect, it } from 'vitest';
import { cancelOrder, createFulfillment, createRefund, fulfillmentOrdersOf, placeOrder } from './orders.ts';
import { ShopifyStore } from './store.ts';
import type { StoreEvent } from './types.ts';

function setup() {
  const store = new ShopifyStore(() => Date.parse('2026-11-23T09:00:00Z'));
  const events: StoreEvent['topic'][] = [];
  store.onEvent((event) => events.push(event.topic));
  const variant = store.variantBySku('HOOD-GRY-M');
  const location = [...store.locations.values()][0];
  if (!variant || !location) throw new Error('seed');
  const level = () => store.inventoryLevels.get(store.levelKey(variant.inventoryItemId, location.id))?.quantities;
  return { store, events, level };
}

describe('orders', () => {
  it('placing an order commits stock and opens a fulfilment order', () => {
    const { store, events, level } = setup();
    const outcome = placeOrder(store, { email: 'new.buyer@example.com', lineItems: [{ sku: 'HOOD-GRY-M', quantity: 2 }], shippingPrice: '4.99' });
    if (!outcome.ok) throw new Error('refused');
    expect(outcome.value).toMatchObject({ name: '#1001', paidCents: 2 * 6800 + 499, financialStatus: 'PAID' });
    expect(level()).toMatchObject({ available: 98, committed: 2 });
    expect(fulfillmentOrdersOf(store, outcome.value.id)[0]?.status).toBe('OPEN');
    expect(events).toEqual(['customers/create', 'inventory_levels/update', 'orders/create']);
  });

  it('refuses unknown skus and more than is available', () => {
    const { store } = setup();
    expect(placeOrder(store, { lineItems: [{ sku: 'NOPE', quantity: 1 }] })).toMatchObject({ ok: false, userErrors: [{ field: ['lineItems', '0', 'sku'] }] });
    expect(placeOrder(store, { lineItems: [{ sku: 'HOOD-GRY-M', quantity: 101 }] })).toMatchObject({ ok: false });
  });

  it('cancelling releases committed stock; a fulfilled order cannot be cancelled', () => {
    const { store, level } = setup();
    const first = placeOrder(store, { lineItems: [{ sku: 'HOOD-GRY-M', quantity: 3 }] });
    if (!first.ok) throw new Error('refused');
    expect(cancelOrder(store, first.value.id).ok).toBe(true);
    expect(level()).toMatchObject({ available: 100, committed: 0 });
    const second = placeOrder(store, { lineItems: [{ sku: 'HOOD-GRY-M', quantity: 1 }] });
    if (!second.ok) throw new Error('refused');
    const fo = fulfillmentOrdersOf(store, second.value.id)[0];
    expect(createFulfillment(store, { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo?.id ?? null }] }).ok).toBe(true);
    expect(cancelOrder(store, second.value.id)).toMatchObject({ ok: false });
    expect(second.value.fulfillmentStatus).toBe('FULFILLED');
  });

  it('never refunds more money than was paid, across several refunds', () => {
    const { store } = setup();
    const placed = placeOrder(store, { lineItems: [{ sku: 'HOOD-GRY-M', quantity: 1 }] });
    if (!placed.ok) throw new Error('refused');
    expect(createRefund(store, { orderId: placed.value.id, transactionAmounts: ['50.00'] }).ok).toBe(true);
    expect(createRefund(store, { orderId: placed.value.id, transactionAmounts: ['18.01'] })).toMatchObject({ ok: false });
    expect(createRefund(store, { orderId: placed.value.id, transactionAmounts: ['18.00'] }).ok).toBe(true);
    expect(placed.value.financialStatus).toBe('REFUNDED');
  });
});
